import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventRecorder } from "../../../events/recorder.js";
import type { Hit, HitRecord, HttpExchange } from "../../../model/index.js";
import { HIT_COUNT, STEP_MS, T0 } from "../fixtures.js";
import { type StoreFactory, useHarness } from "../harness.js";

interface StatsBody {
  from: string;
  to: string;
  bucketMs: number;
  total: number;
  byType: Record<string, number>;
  series: { ts: number; time: string; byType: Record<string, number> }[];
  topSources: { ip: string; hits: number }[];
  topTargets: { host: string; path: string; hits: number }[];
}

export function statsSuite(factory: StoreFactory): void {
  describe("GET /api/v1/stats", () => {
    const h = useHarness(factory);
    const range = `from=${T0 - 1}&to=${T0 + HIT_COUNT * STEP_MS + 1}`;

    const countBy = (key: (x: HitRecord) => string) => {
      const m: Record<string, number> = {};
      for (const x of h().data.hits) m[key(x)] = (m[key(x)] ?? 0) + 1;
      return m;
    };

    it("counts per type, per bucket, and ranks sources and targets", async () => {
      const r = await h().json<StatsBody>(`/api/v1/stats?${range}&bucket=1h&top=3`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const s = r.body;
      assert.equal(s.total, HIT_COUNT);
      assert.deepEqual(
        s.byType,
        countBy((x) => x.type),
      );
      assert.equal(s.bucketMs, 3_600_000);
      assert.equal(s.from, new Date(T0 - 1).toISOString());
      let sum = 0;
      for (const b of s.series) {
        assert.equal(b.time, new Date(b.ts).toISOString());
        for (const n of Object.values(b.byType)) sum += n;
      }
      assert.equal(sum, HIT_COUNT, "the series adds up");
      assert.ok(s.series.length >= Math.ceil((HIT_COUNT * STEP_MS) / 3_600_000), "hourly buckets");

      const bySource = countBy((x) => x.clientIp);
      assert.equal(s.topSources.length, 3);
      for (const t of s.topSources) assert.equal(t.hits, bySource[t.ip], t.ip);
      const best = Math.max(...Object.values(bySource));
      assert.equal(s.topSources[0]!.hits, best);
      for (let i = 1; i < s.topSources.length; i++)
        assert.ok(s.topSources[i - 1]!.hits >= s.topSources[i]!.hits);

      const byTarget = countBy((x) => `${x.host} ${x.path}`);
      assert.equal(s.topTargets.length, 3);
      for (const t of s.topTargets) assert.equal(t.hits, byTarget[`${t.host} ${t.path}`]);
    });

    it("applies filters and defaults to the last 24 hours", async () => {
      const sqli = await h().json<StatsBody>(`/api/v1/stats?${range}&type=sqli`);
      assert.equal(sqli.body.total, countBy((x) => x.type).sqli);
      assert.deepEqual(Object.keys(sqli.body.byType), ["sqli"]);
      const def = await h().json<StatsBody>("/api/v1/stats");
      assert.equal(def.status, 200);
      assert.equal(def.body.total, HIT_COUNT, "the fixture lies within the day before 'now'");
      assert.equal(def.body.to, new Date(h().clock.now).toISOString());
      assert.equal(Date.parse(def.body.to) - Date.parse(def.body.from), 24 * 3_600_000);
      const later = await h().json<StatsBody>(
        `/api/v1/stats?from=${T0 + 2 * 86_400_000}&to=${T0 + 3 * 86_400_000}`,
      );
      assert.equal(later.body.total, 0);
      assert.deepEqual(later.body.series, []);
    });

    describe("after a flood of one payload from one client", () => {
      const f = useHarness(factory, { seed: false });
      const FLOOD = 1000;

      it("counts every hit, stored in full or only counted", async () => {
        const now = f().clock.now;
        const sqli: Hit = {
          type: "sqli",
          point: "query › id",
          payload: "1 OR 1=1",
          signature: "sqli.tautology",
        };
        const exchange = (ts: number, ip: string): HttpExchange => ({
          id: `e${ts}`,
          ts,
          client: { ip, port: 40000 },
          host: "shop.example.com",
          source: "http-mirror",
          request: { method: "GET", target: "/items/7?id=1%20OR%201=1", headers: [], body: "" },
        });
        const rec = new EventRecorder({ store: f().store, flushIntervalMs: 0 });
        // 1000 identical hits over ten minutes, and one from another client.
        const start = now - 3_600_000;
        for (let i = 0; i < FLOOD; i++)
          assert.ok(rec.record(exchange(start + i * 600, "203.0.113.66"), [sqli]));
        rec.record(exchange(start + 1, "198.51.100.2"), [sqli]);
        await rec.close();
        assert.equal(rec.counters.hitsSampled, FLOOD - 5);

        const r = await f().json<StatsBody>("/api/v1/stats?bucket=5m");
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.total, FLOOD + 1);
        assert.deepEqual(r.body.byType, { sqli: FLOOD + 1 });
        assert.deepEqual(r.body.topSources, [
          { ip: "203.0.113.66", hits: FLOOD },
          { ip: "198.51.100.2", hits: 1 },
        ]);
        assert.deepEqual(r.body.topTargets, [
          { host: "shop.example.com", path: "/items/7", hits: FLOOD + 1 },
        ]);
        let sum = 0;
        for (const b of r.body.series) sum += b.byType.sqli ?? 0;
        assert.equal(sum, FLOOD + 1, "the series adds up");
        const one = await f().json<StatsBody>("/api/v1/stats?source=203.0.113.0/24");
        assert.equal(one.body.total, FLOOD);
        // The hit list shows what is stored in full; the attack counts everything.
        const hits = await f().json<{ items: unknown[] }>("/api/v1/hits?limit=500");
        assert.equal(hits.body.items.length, 6);
        const attacks = await f().json<{ items: { hitCount: number }[] }>("/api/v1/attacks");
        assert.deepEqual(
          attacks.body.items.map((a) => a.hitCount),
          [FLOOD + 1],
        );
      });
    });

    it("rejects bad buckets and ranges", async () => {
      for (const q of [
        "bucket=30s",
        "bucket=soon",
        "bucket=0",
        `from=0&to=${T0}&bucket=1m`,
        "top=0",
        "top=101",
        "from=2024-06-01&to=2024-05-01",
      ]) {
        const r = await h().get(`/api/v1/stats?${q}`);
        assert.equal(r.statusCode, 400, `${q}: ${r.body}`);
        assert.equal(r.json().error.code, "invalid_request");
      }
    });
  });
}

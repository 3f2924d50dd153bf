import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type StoreFactory, useHarness } from "../harness.js";

interface AttackItem extends Record<string, unknown> {
  id: string;
  type: string;
  firstSeen: number;
  lastSeen: number;
}

export function attacksSuite(factory: StoreFactory): void {
  describe("GET /api/v1/attacks", () => {
    const h = useHarness(factory);

    const list = async (query: string) => {
      const r = await h().json<{ items: AttackItem[]; next?: string }>(`/api/v1/attacks?limit=500&${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.items;
    };

    it("lists attacks with their counters and ISO times", async () => {
      const items = await list("");
      const byId = new Map(h().data.attacks.map((a) => [a.id, a]));
      assert.equal(items.length, byId.size);
      for (const item of items) {
        const rec = byId.get(item.id);
        assert.ok(rec, item.id);
        for (const [k, v] of Object.entries(rec)) assert.deepEqual(item[k], v, `${k} of ${item.id}`);
        assert.equal(item.firstSeenTime, new Date(rec.firstSeen).toISOString());
        assert.equal(item.lastSeenTime, new Date(rec.lastSeen).toISOString());
      }
    });

    it("filters attacks by their hits", async () => {
      const { data } = h();
      const withHit = (pred: (x: (typeof data.hits)[number]) => boolean) =>
        [...new Set(data.hits.filter(pred).map((x) => x.attackId))].sort();
      const ids = async (q: string) => (await list(q)).map((a) => a.id).sort();
      assert.deepEqual(
        await ids("type=xss"),
        withHit((x) => x.type === "xss"),
      );
      assert.deepEqual(
        await ids("source=198.51.100.5"),
        withHit((x) => x.clientIp === "198.51.100.5"),
      );
      assert.deepEqual(
        await ids("host=shop.example.com&type=rce"),
        withHit((x) => x.host === "shop.example.com" && x.type === "rce"),
      );
      assert.deepEqual(await ids("type=ssrf"), []);
      assert.deepEqual(
        await ids("vni=7"),
        withHit((x) => x.vni === 7),
      );
      assert.ok((await ids("vni=7")).length > 0);
    });

    it("walks every attack once with the cursor", async () => {
      const seen: string[] = [];
      let url = "/api/v1/attacks?limit=3";
      for (let i = 0; i < 100; i++) {
        const r = await h().json<{ items: AttackItem[]; next?: string }>(url);
        assert.equal(r.status, 200);
        seen.push(...r.body.items.map((a) => a.id));
        if (r.body.next === undefined) break;
        url = `/api/v1/attacks?limit=3&cursor=${encodeURIComponent(r.body.next)}`;
      }
      assert.equal(new Set(seen).size, seen.length);
      assert.deepEqual(
        seen.sort(),
        h()
          .data.attacks.map((a) => a.id)
          .sort(),
      );
    });

    it("shows one attack with its hits and the stored request of the latest hit", async () => {
      const { data } = h();
      const attack = data.attacks.find((a) => a.storedHits >= 3)!;
      const hits = data.hits.filter((x) => x.attackId === attack.id);
      const latest = hits.reduce((a, b) => (b.ts > a.ts ? b : a));
      const r = await h().json<{
        attack: AttackItem;
        hits: { items: { id: string; attackId: string }[]; next?: string };
        request?: { id: string; time: string; headers: [string, string][] };
      }>(`/api/v1/attacks/${attack.id}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.attack.id, attack.id);
      assert.equal(r.body.attack.hitCount, attack.hitCount);
      assert.deepEqual(r.body.hits.items.map((x) => x.id).sort(), hits.map((x) => x.id).sort());
      assert.equal(r.body.hits.next, undefined);
      assert.equal(r.body.request?.id, latest.requestId);
      assert.equal(r.body.request?.time, new Date(latest.ts).toISOString());
      assert.deepEqual(r.body.request?.headers[0], ["Host", latest.host]);

      // A smaller first page, then the rest through /hits?attack=.
      const small = await h().json<{ hits: { items: { id: string }[]; next?: string } }>(
        `/api/v1/attacks/${attack.id}?limit=2`,
      );
      assert.equal(small.body.hits.items.length, 2);
      assert.ok(small.body.hits.next);
      const rest = await h().json<{ items: { id: string }[] }>(
        `/api/v1/hits?attack=${attack.id}&limit=500&cursor=${encodeURIComponent(small.body.hits.next)}`,
      );
      const all = [...small.body.hits.items, ...rest.body.items].map((x) => x.id).sort();
      assert.deepEqual(all, hits.map((x) => x.id).sort());
    });

    it("answers 404 for an unknown attack and 400 for a malformed id", async () => {
      const r = await h().get("/api/v1/attacks/a-missing");
      assert.equal(r.statusCode, 404);
      assert.deepEqual(r.json(), { error: { code: "not_found", message: "no such attack" } });
      assert.equal((await h().get(`/api/v1/attacks/${"x".repeat(129)}`)).statusCode, 400);
      assert.equal((await h().get("/api/v1/attacks/a%20b")).statusCode, 400);
      assert.equal((await h().get("/api/v1/attacks/x?limit=0")).statusCode, 400);
      assert.equal((await h().get("/api/v1/attacks/x?type=sqli")).statusCode, 400);
    });
  });
}

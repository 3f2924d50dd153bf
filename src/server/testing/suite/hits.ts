import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HitRecord } from "../../../model/index.js";
import { HIT_COUNT, STEP_MS, T0 } from "../fixtures.js";
import { type StoreFactory, useHarness } from "../harness.js";

interface HitItem extends Record<string, unknown> {
  id: string;
  ts: number;
  time: string;
  type: string;
  attackId: string;
}
interface PageBody {
  items: HitItem[];
  next?: string;
}

export function hitsSuite(factory: StoreFactory): void {
  describe("GET /api/v1/hits", () => {
    const h = useHarness(factory);

    /** All hits of the fixture matching `pred`, as a sorted id list. */
    const expected = (pred: (x: HitRecord) => boolean) =>
      h()
        .data.hits.filter(pred)
        .map((x) => x.id)
        .sort();
    const ids = async (query: string) => {
      const r = await h().json<PageBody>(`/api/v1/hits?limit=500&${query}`);
      assert.equal(r.status, 200, `${query}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.next, undefined, "one page holds everything");
      return r.body.items.map((x) => x.id).sort();
    };

    it("returns items carrying type, point, client IP, host, path and time", async () => {
      const r = await h().json<PageBody>("/api/v1/hits?type=sqli&limit=500");
      assert.equal(r.status, 200);
      assert.ok(r.body.items.length > 0);
      const byId = new Map(h().data.hits.map((x) => [x.id, x]));
      for (const item of r.body.items) {
        const rec = byId.get(item.id);
        assert.ok(rec, `item ${item.id} is a stored hit`);
        assert.equal(item.type, "sqli");
        for (const k of [
          "type",
          "point",
          "clientIp",
          "host",
          "path",
          "ts",
          "attackId",
          "requestId",
          "payload",
          "signature",
          "method",
          "pathTemplate",
        ] as const) {
          assert.equal(item[k], rec[k], `${k} of ${item.id}`);
        }
        assert.equal(item.time, new Date(rec.ts).toISOString());
        for (const k of ["status", "responseBytes", "responseMs", "vni", "vlan"] as const) {
          assert.equal(item[k], rec[k], `${k} when known, absent otherwise`);
          if (rec[k] === undefined) assert.ok(!(k in item), `${k} absent`);
        }
      }
    });

    it("filters by type: one, repeated, comma-separated", async () => {
      assert.deepEqual(
        await ids("type=sqli"),
        expected((x) => x.type === "sqli"),
      );
      const two = expected((x) => x.type === "sqli" || x.type === "xss");
      assert.deepEqual(await ids("type=sqli&type=xss"), two);
      assert.deepEqual(await ids("type=sqli,xss"), two);
      assert.deepEqual(await ids("type=sqli%2C%20xss"), two);
      assert.deepEqual(await ids("type=ssrf"), []);
    });

    it("filters by time range, ISO 8601 or epoch ms alike", async () => {
      // No hit sits on a bound, so the test holds whether a store's bounds are inclusive or not.
      const from = T0 + 5 * STEP_MS - 1;
      const to = T0 + 15 * STEP_MS - 1;
      const want = expected((x) => x.ts >= from && x.ts < to);
      assert.equal(want.length, 10);
      assert.deepEqual(await ids(`from=${from}&to=${to}`), want);
      const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
      assert.deepEqual(await ids(`from=${iso(from)}&to=${iso(to)}`), want);
      const offset = encodeURIComponent("2024-05-01T02:50:00.001+02:00"); // = T0 + 5 steps + 1 ms - 2 h
      assert.deepEqual(
        await ids(`from=${offset}`),
        expected((x) => x.ts >= Date.parse("2024-05-01T00:50:00.001Z")),
      );
      assert.deepEqual(await ids("from=2024-05-02"), []);
      assert.deepEqual(await ids("to=2024-04-30"), []);
    });

    it("filters by source IP and CIDR, v4 and v6", async () => {
      assert.deepEqual(
        await ids("source=203.0.113.7"),
        expected((x) => x.clientIp === "203.0.113.7"),
      );
      assert.deepEqual(
        await ids(`source=${encodeURIComponent("203.0.113.0/24")}`),
        expected((x) => x.clientIp.startsWith("203.0.113.")),
      );
      assert.deepEqual(
        await ids(`source=${encodeURIComponent("2001:db8::/32")}`),
        expected((x) => x.clientIp.startsWith("2001:db8:")),
      );
      assert.deepEqual(
        await ids(`source=${encodeURIComponent("2001:db8::1")}`),
        expected((x) => x.clientIp === "2001:db8::1"),
      );
      assert.deepEqual(await ids(`source=${encodeURIComponent("10.0.0.0/8")}`), []);
    });

    it("filters by host, path glob, method, point and status", async () => {
      assert.deepEqual(
        await ids("host=api.example.com"),
        expected((x) => x.host === "api.example.com"),
      );
      assert.deepEqual(
        await ids("path=/login"),
        expected((x) => x.path === "/login"),
      );
      assert.deepEqual(
        await ids("path=/api/*"),
        expected((x) => x.path.startsWith("/api/")),
      );
      assert.deepEqual(
        await ids("path=/api/users/??"),
        expected((x) => x.path === "/api/users/42"),
      );
      assert.deepEqual(
        await ids("path=*orders*"),
        expected((x) => x.path.includes("orders")),
      );
      assert.deepEqual(await ids("path=/log"), []);
      assert.deepEqual(
        await ids("method=POST"),
        expected((x) => x.method === "POST"),
      );
      const point = "body › json › user › name";
      assert.deepEqual(
        await ids(`point=${encodeURIComponent(point)}`),
        expected((x) => x.point === point),
      );
      assert.deepEqual(
        await ids(`point=${encodeURIComponent("body › *")}`),
        expected((x) => x.point.startsWith("body › ")),
      );
      assert.deepEqual(
        await ids("status=403"),
        expected((x) => x.status === 403),
      );
    });

    it("filters by VNI (packet path), 0 included", async () => {
      const with42 = expected((x) => x.vni === 42);
      assert.ok(with42.length > 0 && with42.length < HIT_COUNT);
      assert.deepEqual(await ids("vni=42"), with42);
      const zero = expected((x) => x.vni === 0);
      assert.ok(zero.length > 0);
      assert.deepEqual(await ids("vni=0"), zero);
      assert.deepEqual(await ids("vni=16777215"), []);
      assert.deepEqual(
        await ids("vni=42&type=sqli"),
        expected((x) => x.vni === 42 && x.type === "sqli"),
      );
      const r = await h().json<PageBody>("/api/v1/hits?vni=42&limit=500");
      for (const item of r.body.items) {
        assert.equal(item.vni, 42);
        assert.equal(item.vlan, 10);
      }
    });

    it("ANDs filters together", async () => {
      assert.deepEqual(
        await ids(
          `type=sqli,xss&host=shop.example.com&source=${encodeURIComponent("203.0.113.0/24")}&method=GET`,
        ),
        expected(
          (x) =>
            (x.type === "sqli" || x.type === "xss") &&
            x.host === "shop.example.com" &&
            x.clientIp.startsWith("203.0.113.") &&
            x.method === "GET",
        ),
      );
    });

    it("filters by attack", async () => {
      const attack = h().data.attacks[1]!;
      const want = expected((x) => x.attackId === attack.id);
      assert.ok(want.length >= 2);
      assert.deepEqual(await ids(`attack=${attack.id}`), want);
    });

    it("walks every hit exactly once with the cursor, newest first", async () => {
      for (const [query, pred] of [
        ["", () => true],
        ["type=sqli,rce&", (x: HitRecord) => x.type === "sqli" || x.type === "rce"],
      ] as const) {
        const seen: HitItem[] = [];
        let url = `/api/v1/hits?${query}limit=7`;
        for (let pages = 0; ; pages++) {
          assert.ok(pages <= HIT_COUNT, "the walk ends");
          const r = await h().json<PageBody>(url);
          assert.equal(r.status, 200);
          assert.ok(r.body.items.length <= 7);
          seen.push(...r.body.items);
          if (r.body.next === undefined) break;
          assert.equal(r.body.items.length, 7, "only the last page is short");
          url = `/api/v1/hits?${query}limit=7&cursor=${encodeURIComponent(r.body.next)}`;
        }
        const got = seen.map((x) => x.id);
        assert.equal(new Set(got).size, got.length, "no hit twice");
        assert.deepEqual([...got].sort(), expected(pred));
        for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]!.ts >= seen[i]!.ts, "newest first");
      }
    });

    it("defaults to 50 items a page", async () => {
      const r = await h().json<PageBody>("/api/v1/hits");
      assert.equal(r.body.items.length, Math.min(50, HIT_COUNT));
    });

    it("rejects invalid parameters with 400 and a message naming the parameter", async () => {
      const cases: [string, string][] = [
        ["limit=0", "limit"],
        ["limit=501", "limit"],
        ["limit=ten", "limit"],
        ["status=99", "status"],
        ["status=abc", "status"],
        ["vni=-1", "vni"],
        ["vni=16777216", "vni"],
        ["vni=4.5", "vni"],
        ["vni=x", "vni"],
        ["type=sqlx", "type"],
        ["type=sqli,nope", "type"],
        ["from=yesterday", "from"],
        ["from=2024-02-30", "from"],
        ["from=2024-05-01T10:00:00", "from"],
        ["to=2024-05-01T25:00:00Z", "to"],
        ["from=2024-05-02&to=2024-05-01", "from"],
        ["source=example.com", "source"],
        ["source=203.0.113.7%2F33", "source"],
        ["source=2001:db8::%2F129", "source"],
        ["source=fe80::1%25eth0", "source"],
        ["method=GE%20T", "method"],
        ["host=a&host=b", "host"],
        ["tpye=sqli", "tpye"],
        [`cursor=${"x".repeat(300)}`, "cursor"],
        ["cursor=a%20b", "cursor"],
        [`path=${"a".repeat(3000)}`, "path"],
      ];
      for (const [query, field] of cases) {
        const r = await h().get(`/api/v1/hits?${query}`);
        assert.equal(r.statusCode, 400, `${query}: ${r.body}`);
        const err = r.json().error;
        assert.equal(err.code, "invalid_request", query);
        assert.ok(err.message.includes(field), `${query}: message names '${field}': ${err.message}`);
        assert.ok(
          err.details.some((d: { field?: string }) => d.field === field),
          `${query}: details name '${field}': ${JSON.stringify(err.details)}`,
        );
        assert.ok(!("items" in r.json()));
      }
      const unknown = (await h().get("/api/v1/hits?tpye=sqli")).json().error.message;
      assert.match(unknown, /unknown parameter 'tpye'/);
      const badType = (await h().get("/api/v1/hits?type=sqlx")).json().error.message;
      assert.match(badType, /sqli, xss/, "lists the valid types");
    });
  });
}

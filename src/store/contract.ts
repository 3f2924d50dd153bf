import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AttackRecord, AttackType, HitRecord, StoredRequest } from "../model/index.js";
import { attackRec, countRec, hitRec, requestRec, tokenRec } from "./contract-fixtures.js";
import { StoreError, type StoreErrorCode } from "./errors.js";
import type { HitFilter, Page, Store } from "./types.js";

/**
 * The contract every Store implementation runs (ARCHITECTURE.md principle 7): call
 * `storeContract("sqlite (file)", make)` from a test file. `make` returns an empty store,
 * not yet opened, and optionally `reopen` (persistent stores: a new instance over the same
 * data, called after the first is closed) and `dispose` (remove temp files).
 */
export interface ContractSubject {
  readonly store: Store;
  readonly reopen?: () => Store | Promise<Store>;
  readonly dispose?: () => Promise<void> | void;
}

export type MakeStore = () => ContractSubject | Promise<ContractSubject>;

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** One hit of the filter world: every attribute a filter can select on. */
interface Spec {
  readonly key: string;
  readonly ts: number;
  readonly type: AttackType;
  readonly ip: string;
  readonly host: string;
  readonly path: string;
  readonly template?: string;
  readonly method: string;
  readonly point: string;
  readonly status?: number;
  readonly vni?: number;
  readonly vlan?: number;
}

// Paths carry LIKE/GLOB metacharacters and SQL on purpose: stored paths are attacker-written.
const WORLD: readonly Spec[] = [
  {
    key: "a",
    ts: T0,
    type: "sqli",
    ip: "10.0.0.1",
    host: "shop.example",
    path: "/api/users/1",
    template: "/api/users/{id}",
    method: "GET",
    point: "query › id",
    status: 200,
    vni: 42,
  },
  {
    key: "b",
    ts: T0 + 1000,
    type: "xss",
    ip: "10.1.2.3",
    host: "Shop.Example",
    path: "/api/search",
    method: "POST",
    point: "body › json › q",
    status: 500,
    vni: 7,
  },
  {
    key: "c",
    ts: T0 + 2000,
    type: "sqli",
    ip: "192.168.1.9",
    host: "blog.example",
    path: "/100%_off",
    method: "GET",
    point: "query › id",
  },
  {
    key: "d",
    ts: T0 + 3000,
    type: "rce",
    ip: "2001:db8::1",
    host: "blog.example",
    path: "/x_y",
    method: "PUT",
    point: "header › user-agent",
    status: 404,
    vni: 42,
    vlan: 10,
  },
  {
    key: "e",
    ts: T0 + 4000,
    type: "ptrav",
    ip: "2001:db8:ffff::2",
    host: "api.example",
    path: "/[admin]/a*b",
    method: "GET",
    point: "path › 1",
  },
  {
    key: "f",
    ts: T0 + 5000,
    type: "xss",
    ip: "::ffff:10.0.0.2",
    host: "api.example",
    path: "/xzy",
    method: "DELETE",
    point: "query",
    status: 200,
    // VNI 0 is a network like any other, not "no tunnel".
    vni: 0,
  },
  {
    key: "g",
    ts: T0 + 6000,
    type: "sqli",
    ip: "2001:db9::1",
    host: "api.example",
    path: "/it's'; DROP TABLE hits;--",
    method: "GET",
    point: "query › id › base64",
  },
  {
    key: "h",
    ts: T0 + 7000,
    type: "ssrf",
    ip: "not-an-ip",
    host: "api.example",
    path: "/100abcoff",
    method: "GET",
    point: "queryx › a",
  },
  {
    key: "i",
    ts: T0 + 8000,
    type: "sqli",
    ip: "172.16.0.1",
    host: "shop.example",
    path: "/api/users/2",
    template: "/api/users/{id}",
    method: "POST",
    point: "query › id",
    status: 200,
  },
];

/** The optional fields a spec sets, and only those (absent stays absent). */
function packetFields(s: Spec): { status?: number; vni?: number; vlan?: number } {
  return {
    ...(s.status === undefined ? {} : { status: s.status }),
    ...(s.vni === undefined ? {} : { vni: s.vni }),
    ...(s.vlan === undefined ? {} : { vlan: s.vlan }),
  };
}

interface World {
  readonly byId: Map<string, string>;
  readonly hitOf: Map<string, HitRecord>;
  readonly attackOf: Map<string, AttackRecord>;
}

function buildWorld(): {
  batch: { requests: StoredRequest[]; attacks: AttackRecord[]; hits: HitRecord[] };
  world: World;
} {
  const attacks = new Map<string, AttackRecord>();
  const requests: StoredRequest[] = [];
  const hits: HitRecord[] = [];
  const world: World = { byId: new Map(), hitOf: new Map(), attackOf: new Map() };
  for (const s of WORLD) {
    const template = s.template ?? s.path;
    const gk = `${s.type}|${s.point}|${s.host.toLowerCase()}|${template}`;
    const prev = attacks.get(gk);
    const attack =
      prev === undefined
        ? attackRec({
            type: s.type,
            point: s.point,
            host: s.host.toLowerCase(),
            pathTemplate: template,
            firstSeen: s.ts,
            lastSeen: s.ts,
            lastClientIp: s.ip,
          })
        : {
            ...prev,
            lastSeen: s.ts,
            hitCount: prev.hitCount + 1,
            storedHits: prev.storedHits + 1,
            lastClientIp: s.ip,
          };
    attacks.set(gk, attack);
    const base = requestRec({ ts: s.ts, method: s.method, clientIp: s.ip, host: s.host, target: s.path });
    const req = { ...base, ...packetFields(s) };
    requests.push(req);
    const h0 = hitRec(attack, req, {
      ts: s.ts,
      type: s.type,
      point: s.point,
      clientIp: s.ip,
      host: s.host,
      method: s.method,
      path: s.path,
      pathTemplate: template,
    });
    const h = { ...h0, ...packetFields(s) };
    hits.push(h);
    world.byId.set(h.id, s.key);
    world.hitOf.set(s.key, h);
  }
  for (const s of WORLD) {
    const template = s.template ?? s.path;
    const a = attacks.get(`${s.type}|${s.point}|${s.host.toLowerCase()}|${template}`)!;
    world.attackOf.set(s.key, a);
    world.byId.set(a.id, s.key);
  }
  // Hits point at the attack's final version (same id).
  return { batch: { requests, attacks: [...attacks.values()], hits }, world };
}

/** A validator for assert.rejects: a StoreError with this code. */
function coded(code: StoreErrorCode): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof StoreError, `expected a StoreError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
}

async function all<T extends { id: string }>(
  fetch: (cursor: string | undefined) => Promise<Page<T>>,
  guard = 10_000,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < guard; i++) {
    const p = await fetch(cursor);
    out.push(...p.items);
    if (p.next === undefined) return out;
    cursor = p.next;
  }
  throw new Error("pagination did not end");
}

export function storeContract(name: string, makeStore: MakeStore): void {
  /** Runs `fn` on a fresh, opened store and always closes and disposes it. */
  const withStore = async (fn: (store: Store, subject: ContractSubject) => Promise<void>): Promise<void> => {
    const subject = await makeStore();
    await subject.store.open();
    try {
      await fn(subject.store, subject);
    } finally {
      await subject.store.close();
      await subject.dispose?.();
    }
  };

  const keysOfHits = (w: World, p: Page<HitRecord>) =>
    p.items.map((h) => w.byId.get(h.id) ?? `?${h.id}`).sort();
  const keysOfAttacks = (w: World, p: Page<AttackRecord>) => {
    // An attack is named by the first world key that belongs to it.
    const names = p.items.map((a) => {
      for (const s of WORLD) if (w.attackOf.get(s.key)!.id === a.id) return s.key;
      return `?${a.id}`;
    });
    return names.sort();
  };

  describe(`Store contract: ${name}`, () => {
    it("round-trips requests, attacks and hits field for field", async () => {
      await withStore(async (store) => {
        const full = requestRec({
          method: "POST",
          target: "/login?next=%2F",
          headers: [
            ["Host", "shop.example"],
            ["Cookie", "a=1"],
            ["cookie", "b=2"],
          ],
          body: '{"user":"ann","note":"é ✓ \\u0000"}',
          bodyTruncated: true,
          clientIp: "2001:db8::7",
          clientPort: 51234,
          serverIp: "10.0.0.5",
          serverPort: 443,
          sourceRequestId: "req-1",
          anomalies: [{ code: "body_truncated" }, { code: "bad_json", point: "body", detail: "x" }],
          status: 302,
          responseBytes: 1234,
          responseMs: 12.345,
          tunnel: "geneve:0 vxlan:42 vlan:10",
          vni: 42,
          vlan: 10,
        });
        const bare = requestRec({ ts: T0 + 1 });
        // Zero is a value (an empty body, a sub-microsecond answer, VNI 0), not "absent".
        const zeros = requestRec({
          ts: T0 + 2,
          status: 204,
          responseBytes: 0,
          responseMs: 0,
          tunnel: "vlan:0",
          vni: 0,
          vlan: 0,
        });
        const attack = attackRec({ hitCount: 7, storedHits: 2, sourceCount: 2 });
        const h1 = {
          ...hitRec(attack, full),
          status: 302,
          responseBytes: 1234,
          responseMs: 12.345,
          vni: 42,
          vlan: 10,
        };
        const h2 = hitRec(attack, bare, { ts: T0 + 1, payload: "'\"%_[]\\ \u{1F600}" });
        const h3 = hitRec(attack, zeros, {
          ts: T0 + 2,
          status: 204,
          responseBytes: 0,
          responseMs: 0,
          vni: 0,
          vlan: 0,
        });
        await store.write({ requests: [full, bare, zeros], attacks: [attack], hits: [h1, h2, h3] });
        assert.deepEqual(await store.request(full.id), full);
        assert.deepEqual(await store.request(bare.id), bare);
        assert.deepEqual(await store.request(zeros.id), zeros);
        assert.deepEqual(await store.attack(attack.id), attack);
        const page = await store.hits({});
        assert.deepEqual(page.items, [h3, h2, h1]);
        assert.equal(page.next, undefined);
        assert.equal(await store.attack("missing"), undefined);
        assert.equal(await store.request("missing"), undefined);
      });
    });

    it("writes a batch atomically: a hit without its attack fails the whole batch", async () => {
      await withStore(async (store) => {
        const req = requestRec();
        const orphan = hitRec(attackRec(), req);
        await assert.rejects(
          store.write({ requests: [req], attacks: [], hits: [orphan] }),
          coded("invalid_record"),
        );
        assert.equal(await store.request(req.id), undefined);
        assert.deepEqual((await store.hits({})).items, []);
        // The store is still usable afterwards.
        const a = attackRec();
        await store.write({ requests: [req], attacks: [a], hits: [hitRec(a, req)] });
        assert.equal((await store.hits({})).items.length, 1);
      });
    });

    it("accepts a batch twice without duplicating anything", async () => {
      await withStore(async (store) => {
        const req = requestRec();
        const a = attackRec();
        const batch = { requests: [req], attacks: [a], hits: [hitRec(a, req)] };
        await store.write(batch);
        await store.write(batch);
        assert.equal((await store.hits({})).items.length, 1);
        assert.equal((await store.attacks({})).items.length, 1);
      });
    });

    it("upserts attack counters as new totals, never moving them back", async () => {
      await withStore(async (store) => {
        const req = requestRec();
        const a = attackRec({
          hitCount: 1,
          storedHits: 1,
          sourceCount: 1,
          lastSignature: "sqli.a",
          lastClientIp: "10.0.0.1",
        });
        await store.write({ requests: [req], attacks: [a], hits: [hitRec(a, req)] });
        const later = {
          ...a,
          lastSeen: a.lastSeen + 5000,
          hitCount: 9,
          storedHits: 5,
          sourceCount: 3,
          lastSignature: "sqli.b",
          lastClientIp: "10.0.0.9",
        };
        await store.write({ requests: [], attacks: [later], hits: [] });
        assert.deepEqual(await store.attack(a.id), later);
        // A late or replayed batch with older totals changes nothing.
        const stale = {
          ...a,
          lastSeen: a.lastSeen + 1000,
          hitCount: 4,
          storedHits: 3,
          sourceCount: 2,
          lastSignature: "sqli.c",
          lastClientIp: "10.0.0.5",
        };
        await store.write({ requests: [], attacks: [stale], hits: [] });
        assert.deepEqual(await store.attack(a.id), later);
        // An earlier hit arriving late moves firstSeen back.
        await store.write({ requests: [], attacks: [{ ...later, firstSeen: a.firstSeen - 10 }], hits: [] });
        assert.equal((await store.attack(a.id))?.firstSeen, a.firstSeen - 10);
      });
    });

    it("findOpenAttack finds the newest attack of the key active since the given time", async () => {
      await withStore(async (store) => {
        const key = {
          type: "xss" as const,
          point: "query › q",
          host: "shop.example",
          pathTemplate: "/s/{id}",
        };
        const old = attackRec({ ...key, firstSeen: T0, lastSeen: T0 + 10 });
        const recent = attackRec({ ...key, firstSeen: T0 + 2 * HOUR, lastSeen: T0 + 3 * HOUR });
        const other = attackRec({
          ...key,
          point: "query › r",
          firstSeen: T0 + 3 * HOUR,
          lastSeen: T0 + 4 * HOUR,
        });
        await store.write({ requests: [], attacks: [old, recent, other], hits: [] });
        assert.deepEqual(await store.findOpenAttack({ ...key, since: T0 + 2 * HOUR }), recent);
        assert.deepEqual(await store.findOpenAttack({ ...key, since: T0 + 3 * HOUR }), recent);
        assert.equal(await store.findOpenAttack({ ...key, since: T0 + 3 * HOUR + 1 }), undefined);
        assert.deepEqual(await store.findOpenAttack({ ...key, since: 0 }), recent);
        assert.equal(await store.findOpenAttack({ ...key, type: "sqli", since: 0 }), undefined);
        assert.equal(await store.findOpenAttack({ ...key, pathTemplate: "/s", since: 0 }), undefined);
        assert.equal(await store.findOpenAttack({ ...key, host: "other.example", since: 0 }), undefined);
      });
    });

    /** One store with the filter world, shared by the read-only filter cases of a block. */
    const sharedWorld = () => {
      const ctx: { store?: Store; subject?: ContractSubject; world?: World } = {};
      before(async () => {
        ctx.subject = await makeStore();
        ctx.store = ctx.subject.store;
        await ctx.store.open();
        const { batch, world } = buildWorld();
        await ctx.store.write(batch);
        ctx.world = world;
      });
      after(async () => {
        await ctx.store?.close();
        await ctx.subject?.dispose?.();
      });
      return ctx as { store: Store; world: World };
    };

    describe("hit filters", () => {
      const ctx = sharedWorld();
      const cases: [string, HitFilter, string[]][] = [
        ["no filter", {}, ["a", "b", "c", "d", "e", "f", "g", "h", "i"]],
        ["one type", { types: ["sqli"] }, ["a", "c", "g", "i"]],
        ["two types", { types: ["xss", "rce"] }, ["b", "d", "f"]],
        ["no types at all", { types: [] }, []],
        ["time range (from inclusive, to exclusive)", { from: T0 + 2000, to: T0 + 5000 }, ["c", "d", "e"]],
        ["an IPv4 address", { source: "10.0.0.1" }, ["a"]],
        ["an IPv4 CIDR, including IPv4-mapped IPv6 clients", { source: "10.0.0.0/8" }, ["a", "b", "f"]],
        ["a narrower IPv4 CIDR", { source: "10.1.0.0/16" }, ["b"]],
        ["every IPv4 address", { source: "0.0.0.0/0" }, ["a", "b", "c", "f", "i"]],
        ["an IPv6 CIDR", { source: "2001:db8::/32" }, ["d", "e"]],
        ["an IPv6 address in another spelling", { source: "2001:0DB8:0000::1" }, ["d"]],
        ["an IPv4-mapped address matches the IPv4 client", { source: "::ffff:10.0.0.1" }, ["a"]],
        ["every address", { source: "::/0" }, ["a", "b", "c", "d", "e", "f", "g", "i"]],
        ["host, case-insensitively", { host: "SHOP.example" }, ["a", "b", "i"]],
        ["path glob with *", { path: "/api/*" }, ["a", "b", "i"]],
        ["path glob: % and _ are literal", { path: "/100%_off" }, ["c"]],
        ["path glob: _ is not a wildcard", { path: "/x_y" }, ["d"]],
        ["path glob: [ is literal, * still a wildcard", { path: "/[admin]/a*b" }, ["e"]],
        ["path glob with ?", { path: "/[admin]/a?b" }, ["e"]],
        ["path glob: SQL in the stored path is only data", { path: "/it's'; DROP TABLE hits;--" }, ["g"]],
        ["path glob: leading *", { path: "*off" }, ["c", "h"]],
        ["method", { method: "POST" }, ["b", "i"]],
        ["exact point", { point: "query › id" }, ["a", "c", "i"]],
        ["point prefix", { point: "query › *" }, ["a", "c", "g", "i"]],
        ["status", { status: 200 }, ["a", "f", "i"]],
        ["VNI", { vni: 42 }, ["a", "d"]],
        ["VNI 0 is a VNI", { vni: 0 }, ["f"]],
        ["a VNI no hit has", { vni: 16_777_215 }, []],
        ["filters combine with AND", { types: ["sqli"], source: "10.0.0.0/8", method: "GET" }, ["a"]],
        ["VNI and status", { vni: 42, status: 404 }, ["d"]],
      ];
      for (const [label, filter, want] of cases) {
        it(label, async () => {
          assert.deepEqual(keysOfHits(ctx.world, await ctx.store.hits(filter, { limit: 500 })), want);
        });
      }
      it("attack id (attack detail)", async () => {
        const id = ctx.world.attackOf.get("a")!.id;
        assert.deepEqual(keysOfHits(ctx.world, await ctx.store.hits({ attackId: id })), ["a", "i"]);
      });
      it("rejects (never throws) bad sources, globs, limits and cursors with coded StoreErrors", async () => {
        await withStore(async (store) => {
          const bad: [HitFilter, { cursor?: string; limit?: number }, StoreErrorCode][] = [
            [{ source: "bogus" }, {}, "invalid_filter"],
            [{ source: "10.0.0.0/33" }, {}, "invalid_filter"],
            [{ source: "2001:db8::/129" }, {}, "invalid_filter"],
            [{ source: "10.0.0.0/x" }, {}, "invalid_filter"],
            [{ path: "*".repeat(20).split("").join("a") }, {}, "invalid_filter"],
            [{ path: "x".repeat(100_000) }, {}, "invalid_filter"],
            [{}, { cursor: "not a cursor" }, "bad_cursor"],
            [{}, { cursor: "djE6eDp5" }, "bad_cursor"],
            [{}, { limit: 0 }, "invalid_filter"],
            [{}, { limit: 1.5 }, "invalid_filter"],
            [{ vni: 1.5 }, {}, "invalid_filter"],
          ];
          for (const [f, p, code] of bad) {
            const pending = store.hits(f, p);
            assert.ok(pending instanceof Promise);
            await assert.rejects(pending, coded(code), JSON.stringify([f, p]).slice(0, 80));
            await assert.rejects(store.attacks(f, p), coded(code));
          }
        });
      });
    });

    describe("attack filters", () => {
      const ctx = sharedWorld();
      const cases: [string, HitFilter, string[]][] = [
        ["no filter", {}, ["a", "b", "c", "d", "e", "f", "g", "h"]],
        ["type", { types: ["xss"] }, ["b", "f"]],
        ["host", { host: "API.example" }, ["e", "f", "g", "h"]],
        ["point prefix", { point: "query › *" }, ["a", "c", "g"]],
        ["a source of one of its hits", { source: "172.16.0.0/12" }, ["a"]],
        ["a method of one of its hits", { method: "POST" }, ["a", "b"]],
        ["a path of one of its hits", { path: "/api/users/*" }, ["a"]],
        ["a status of one of its hits", { status: 404 }, ["d"]],
        ["a VNI of one of its hits", { vni: 42 }, ["a", "d"]],
        ["a VNI and a method of one same hit", { vni: 42, method: "POST" }, []],
        ["active since (lastSeen >= from)", { from: T0 + 7500 }, ["a"]],
        ["started before (firstSeen < to)", { to: T0 + 1000 }, ["a"]],
        ["hit filters apply to one same hit", { source: "10.0.0.1", method: "POST" }, []],
      ];
      for (const [label, filter, want] of cases) {
        it(label, async () => {
          assert.deepEqual(keysOfAttacks(ctx.world, await ctx.store.attacks(filter, { limit: 500 })), want);
        });
      }
    });

    it("pages hits newest first without duplicates or gaps while newer hits arrive", async () => {
      await withStore(async (store) => {
        const a = attackRec();
        const req = requestRec();
        const hits: HitRecord[] = [];
        // 20 timestamps, three hits each: ties on ts are ordered by id.
        for (let t = 0; t < 20; t++)
          for (let k = 0; k < 3; k++) hits.push(hitRec(a, req, { ts: T0 + t * 1000 }));
        await store.write({ requests: [req], attacks: [a], hits });
        const seen: HitRecord[] = [];
        let cursor: string | undefined;
        let extra = 0;
        for (let i = 0; i < 100; i++) {
          const p: Page<HitRecord> = await store.hits(
            {},
            cursor === undefined ? { limit: 7 } : { limit: 7, cursor },
          );
          assert.ok(p.items.length <= 7);
          seen.push(...p.items);
          // Concurrent traffic: newer hits land between page requests.
          const fresh = [0, 1, 2].map(() => hitRec(a, req, { ts: T0 + 100_000 + extra++ }));
          await store.write({ requests: [], attacks: [], hits: fresh });
          if (p.next === undefined) break;
          cursor = p.next;
        }
        assert.equal(seen.length, 60);
        assert.equal(new Set(seen.map((h) => h.id)).size, 60);
        assert.deepEqual(new Set(seen.map((h) => h.id)), new Set(hits.map((h) => h.id)));
        for (let i = 1; i < seen.length; i++) {
          const p = seen[i - 1]!;
          const c = seen[i]!;
          assert.ok(p.ts > c.ts || (p.ts === c.ts && p.id > c.id), "newest first");
        }
        assert.equal((await store.hits({}, { limit: 500 })).items.length, 60 + extra);
      });
    });

    it("pages attacks without duplicates or gaps while attacks are updated and added", async () => {
      await withStore(async (store) => {
        const attacks: AttackRecord[] = [];
        for (let i = 0; i < 25; i++) attacks.push(attackRec({ firstSeen: T0 + Math.floor(i / 2) * 1000 }));
        await store.write({ requests: [], attacks, hits: [] });
        const got = await all<AttackRecord>(async (cursor) => {
          const p = await store.attacks({}, cursor === undefined ? { limit: 4 } : { limit: 4, cursor });
          // Every attack gets new activity, and a new attack starts, between pages.
          const bumped = attacks.map((a) => ({ ...a, lastSeen: T0 + 10 * HOUR, hitCount: a.hitCount + 1 }));
          await store.write({
            requests: [],
            attacks: [...bumped, attackRec({ firstSeen: T0 + 20 * HOUR })],
            hits: [],
          });
          return p;
        });
        assert.equal(got.length, 25);
        assert.deepEqual(new Set(got.map((a) => a.id)), new Set(attacks.map((a) => a.id)));
      });
    });

    it("computes stats: per type, per time bucket, top sources and targets", async () => {
      await withStore(async (store) => {
        const a = attackRec();
        const x = attackRec({ type: "xss", point: "query › s" });
        const req = requestRec();
        const b0 = Math.floor(T0 / HOUR) * HOUR;
        const hits = [
          hitRec(a, req, { ts: b0 + 1, clientIp: "10.0.0.1", host: "a.example", path: "/p" }),
          hitRec(a, req, { ts: b0 + 2, clientIp: "10.0.0.1", host: "a.example", path: "/p" }),
          hitRec(x, req, { ts: b0 + 3, type: "xss", clientIp: "10.0.0.1", host: "a.example", path: "/q" }),
          hitRec(a, req, { ts: b0 + HOUR + 5, clientIp: "10.0.0.2", host: "b.example", path: "/p" }),
        ];
        await store.write({ requests: [req], attacks: [a, x], hits });
        const s = await store.stats({});
        assert.equal(s.total, 4);
        assert.deepEqual(s.byType, { sqli: 3, xss: 1 });
        assert.deepEqual(s.series, [
          { ts: b0, byType: { sqli: 2, xss: 1 } },
          { ts: b0 + HOUR, byType: { sqli: 1 } },
        ]);
        assert.deepEqual(s.topSources, [
          { ip: "10.0.0.1", hits: 3 },
          { ip: "10.0.0.2", hits: 1 },
        ]);
        assert.deepEqual(s.topTargets[0], { host: "a.example", path: "/p", hits: 2 });
        assert.equal(s.topTargets.length, 3);
        const filtered = await store.stats({ types: ["sqli"], top: 1, bucketMs: 2 * HOUR, from: b0 });
        assert.equal(filtered.total, 3);
        assert.deepEqual(filtered.byType, { sqli: 3 });
        assert.equal(filtered.topSources.length, 1);
        assert.equal(
          filtered.series.reduce((n, b) => n + (b.byType.sqli ?? 0), 0),
          3,
        );
        const empty = await store.stats({ types: ["rce"] });
        assert.deepEqual(empty, { total: 0, byType: {}, series: [], topSources: [], topTargets: [] });
        await assert.rejects(store.stats({ bucketMs: 0 }), coded("invalid_filter"));
        await assert.rejects(store.stats({ top: 1000 }), coded("invalid_filter"));
      });
    });

    it("counts sampled-out hits in every stats figure, under the same filters", async () => {
      await withStore(async (store) => {
        const b0 = Math.floor(T0 / HOUR) * HOUR;
        const a = attackRec({ point: "query › id", lastClientIp: "10.0.0.1" });
        const x = attackRec({ type: "xss", point: "body › q", host: "blog.example", pathTemplate: "/q" });
        const req = requestRec();
        const stored = [
          hitRec(a, req, { ts: b0 + 1, clientIp: "10.0.0.1", path: "/api/users/1", method: "GET" }),
          hitRec(x, req, { ts: b0 + HOUR + 5, clientIp: "2001:db8::1", path: "/q", method: "POST" }),
        ];
        // Hits of one key in one minute arrive over several batches and add up; an unseen
        // status (absent) is a key of its own, and adds up too.
        const c1 = countRec(a, {
          ts: b0 + 5 * MINUTE,
          clientIp: "10.0.0.1",
          path: "/api/users/1",
          status: 200,
          vni: 42,
          count: 7,
        });
        const c1bare = countRec(a, {
          ts: b0 + 5 * MINUTE,
          clientIp: "10.0.0.1",
          path: "/api/users/1",
          count: 2,
        });
        const c2 = countRec(x, {
          ts: b0 + HOUR + 2 * MINUTE,
          clientIp: "10.1.2.3",
          host: "Blog.Example",
          path: "/q",
          method: "POST",
          count: 5,
        });
        await store.write({ requests: [req], attacks: [a, x], hits: stored, counts: [c1, c1bare, c2] });
        await store.write({ requests: [], attacks: [], hits: [], counts: [{ ...c1, count: 3 }, c1bare] });
        // Counts are not hits: the hit list shows what is stored in full.
        assert.equal((await store.hits({})).items.length, 2);

        const s = await store.stats({});
        assert.equal(s.total, 2 + 10 + 4 + 5);
        assert.deepEqual(s.byType, { sqli: 15, xss: 6 });
        assert.deepEqual(s.series, [
          { ts: b0, byType: { sqli: 15 } },
          { ts: b0 + HOUR, byType: { xss: 6 } },
        ]);
        assert.deepEqual(s.topSources, [
          { ip: "10.0.0.1", hits: 15 },
          { ip: "10.1.2.3", hits: 5 },
          { ip: "2001:db8::1", hits: 1 },
        ]);
        // Hosts compare case-insensitively: the stored hit and the count are one target.
        assert.deepEqual(
          s.topTargets.map((t) => ({ ...t, host: t.host.toLowerCase() })),
          [
            { host: "shop.example", path: "/api/users/1", hits: 15 },
            { host: "blog.example", path: "/q", hits: 6 },
          ],
        );
        assert.deepEqual((await store.stats({ top: 1 })).topSources, [{ ip: "10.0.0.1", hits: 15 }]);

        const total = async (f: HitFilter) => (await store.stats(f)).total;
        assert.equal(await total({ types: ["xss"] }), 6);
        assert.equal(await total({ source: "10.0.0.0/8" }), 20);
        assert.equal(await total({ source: "10.1.2.3" }), 5);
        assert.equal(await total({ host: "BLOG.example" }), 6);
        assert.equal(await total({ path: "/api/*" }), 15);
        assert.equal(await total({ method: "POST" }), 6);
        assert.equal(await total({ point: "query › *" }), 15);
        assert.equal(await total({ status: 200 }), 10);
        assert.equal(await total({ vni: 42 }), 10);
        assert.equal(await total({ attackId: a.id }), 15);
        assert.equal(await total({ attackId: x.id, source: "10.1.2.3" }), 5);
        // Counted hits sit at the start of their minute.
        assert.equal(await total({ from: b0 + 5 * MINUTE, to: b0 + 5 * MINUTE + 1 }), 14);
        assert.equal(await total({ from: b0 + 5 * MINUTE + 1 }), 6);
        assert.equal(await total({ from: b0 + 2, to: b0 + HOUR }), 14);
        const minutes = await store.stats({ types: ["sqli"], bucketMs: MINUTE });
        assert.deepEqual(minutes.series, [
          { ts: b0, byType: { sqli: 1 } },
          { ts: b0 + 5 * MINUTE, byType: { sqli: 14 } },
        ]);
        assert.deepEqual(
          (await store.stats({ from: b0 + 2 * MINUTE, bucketMs: 1000 })).series.map((b) => b.ts),
          [b0 + 5 * MINUTE, b0 + HOUR, b0 + HOUR + 2 * MINUTE],
        );

        // A count of an attack the store does not have fails its whole batch.
        const lone = requestRec({ ts: T0 + 9 });
        await assert.rejects(
          store.write({
            requests: [lone],
            attacks: [],
            hits: [],
            counts: [countRec(attackRec(), { count: 3 })],
          }),
          coded("invalid_record"),
        );
        assert.equal(await store.request(lone.id), undefined);
        assert.equal(await total({}), 21);
      });
    });

    it("lists an attack by a counted (sampled-out) hit as by a stored one", async () => {
      await withStore(async (store) => {
        // The stored hits come from one source; a second source's hits were all past the
        // sampling limit, so they exist as counts only.
        const a = attackRec({ firstSeen: T0, lastSeen: T0 + MINUTE });
        const other = attackRec({ firstSeen: T0 + 1, lastSeen: T0 + MINUTE, point: "query › id" });
        const req = requestRec({ ts: T0, clientIp: "10.0.0.1" });
        const counted = countRec(a, {
          ts: T0,
          clientIp: "192.0.2.9",
          method: "POST",
          path: "/search/deep",
          status: 500,
          vni: 7,
          count: 12,
        });
        await store.write({
          requests: [req],
          attacks: [a, other],
          hits: [hitRec(a, req, { clientIp: "10.0.0.1" }), hitRec(other, req, { clientIp: "10.0.0.1" })],
          counts: [counted],
        });
        const ids = async (f: HitFilter) => (await store.attacks(f)).items.map((x) => x.id);
        assert.deepEqual(await ids({ source: "192.0.2.9" }), [a.id]);
        assert.deepEqual(await ids({ source: "192.0.2.0/24", method: "POST" }), [a.id]);
        assert.deepEqual(await ids({ path: "/search/*", status: 500, vni: 7 }), [a.id]);
        // Conditions still hold on one same hit: no counted hit is a GET with status 500.
        assert.deepEqual(await ids({ method: "GET", status: 500 }), []);
        assert.deepEqual(await ids({ source: "198.51.100.1" }), []);
        // Counts are not hits: the hit list still shows the stored ones only.
        assert.equal((await store.hits({ source: "192.0.2.9" })).items.length, 0);
      });
    });

    it("prunes old hit counts, and keeps an attack while a count of it is left", async () => {
      await withStore(async (store) => {
        const cut = T0 + 10 * HOUR;
        const old = attackRec({ firstSeen: T0, lastSeen: T0 + HOUR });
        const recent = attackRec({ firstSeen: cut + MINUTE, lastSeen: cut + HOUR, point: "query › r" });
        // Counts only, no stored hit at all: the hit rows alone would call it empty.
        const quiet = attackRec({ firstSeen: T0, lastSeen: T0 + HOUR, point: "query › quiet" });
        const counts = [
          countRec(old, { ts: T0, count: 4 }),
          countRec(old, { ts: T0 + 30 * MINUTE, count: 2 }),
          countRec(recent, { ts: cut + MINUTE, count: 5 }),
          countRec(quiet, { ts: cut, count: 1 }),
        ];
        await store.write({ requests: [], attacks: [old, recent, quiet], hits: [], counts });
        assert.equal((await store.stats({})).total, 12);
        // Stored hits deleted: none (the counts are not hits).
        assert.equal(await store.prune(cut), 0);
        assert.equal(await store.attack(old.id), undefined);
        assert.ok(await store.attack(recent.id));
        assert.ok(await store.attack(quiet.id));
        const s = await store.stats({});
        assert.equal(s.total, 6);
        assert.deepEqual(s.series, [{ ts: Math.floor(cut / HOUR) * HOUR, byType: { sqli: 6 } }]);
        assert.equal(await store.prune(cut + 2 * HOUR), 0);
        assert.equal((await store.stats({})).total, 0);
        assert.equal(await store.attack(recent.id), undefined);
        assert.equal(await store.attack(quiet.id), undefined);
      });
    });

    it("prunes old hits, and the requests and attacks left without hits", async () => {
      await withStore(async (store) => {
        const cut = T0 + 10 * HOUR;
        const oldAttack = attackRec({ firstSeen: T0, lastSeen: T0 + HOUR });
        const spanning = attackRec({ firstSeen: T0, lastSeen: cut + HOUR, point: "query › x" });
        const oldReq = requestRec({ ts: T0 });
        const newReq = requestRec({ ts: cut + HOUR });
        const oldHits: HitRecord[] = [];
        // More than one chunk of any reasonable size.
        for (let i = 0; i < 4500; i++)
          oldHits.push(hitRec(i % 2 ? oldAttack : spanning, oldReq, { ts: T0 + (i % 1000) }));
        const keep = hitRec(spanning, newReq);
        await store.write({
          requests: [oldReq, newReq],
          attacks: [oldAttack, spanning],
          hits: [...oldHits, keep],
        });
        // A page limit past the maximum (500) is served as the maximum.
        assert.equal((await store.hits({}, { limit: 10_000 })).items.length, 500);
        assert.equal(await store.prune(cut), 4500);
        assert.deepEqual((await store.hits({})).items, [keep]);
        assert.equal(await store.attack(oldAttack.id), undefined);
        assert.ok(await store.attack(spanning.id));
        assert.equal(await store.request(oldReq.id), undefined);
        assert.ok(await store.request(newReq.id));
        assert.equal(await store.prune(cut), 0);
      });
    });

    it("keeps tokens by hash: create, look up, list, revoke, touch", async () => {
      await withStore(async (store) => {
        const t1 = tokenRec({ name: "ci", role: "admin", createdAt: T0 });
        const t2 = tokenRec({ name: "grafana", role: "viewer", createdAt: T0 + 1 });
        await store.createToken(t1);
        await store.createToken(t2);
        assert.deepEqual(await store.tokenByHash(t1.hash), t1);
        assert.equal(await store.tokenByHash("0".repeat(64)), undefined);
        assert.deepEqual(await store.tokens(), [t1, t2]);
        await assert.rejects(store.createToken({ ...t2, id: "other" }), coded("conflict"));
        await assert.rejects(store.createToken({ ...t2, hash: "f".repeat(64) }), coded("conflict"));
        await store.touchToken(t1.id, T0 + 50);
        await store.touchToken(t1.id, T0 + 20);
        assert.equal((await store.tokenByHash(t1.hash))?.lastUsedAt, T0 + 50);
        assert.equal(await store.revokeToken(t1.id, T0 + 60), true);
        assert.equal(await store.revokeToken(t1.id, T0 + 70), false);
        assert.equal(await store.revokeToken("missing", T0), false);
        assert.equal((await store.tokenByHash(t1.hash))?.revokedAt, T0 + 60);
        assert.equal((await store.tokenByHash(t2.hash))?.revokedAt, undefined);
      });
    });

    it("answers ping while open, and rejects calls once closed", async () => {
      const subject = await makeStore();
      try {
        assert.equal(await subject.store.ping(), false);
        await subject.store.open();
        assert.equal(await subject.store.ping(), true);
        await subject.store.close();
        assert.equal(await subject.store.ping(), false);
        await assert.rejects(subject.store.hits({}), coded("unavailable"));
        await assert.rejects(
          subject.store.write({ requests: [], attacks: [], hits: [] }),
          coded("unavailable"),
        );
        await subject.store.close();
      } finally {
        await subject.dispose?.();
      }
    });

    it("keeps everything across close and reopen (persistent stores)", async (t) => {
      const subject = await makeStore();
      if (subject.reopen === undefined) {
        await subject.dispose?.();
        t.skip("not a persistent store");
        return;
      }
      try {
        await subject.store.open();
        const { batch, world } = buildWorld();
        const tok = tokenRec();
        await subject.store.write(batch);
        await subject.store.write({
          requests: [],
          attacks: [],
          hits: [],
          counts: [countRec(world.attackOf.get("a")!, { ts: T0 + MINUTE, count: 40 })],
        });
        await subject.store.createToken(tok);
        const before = await subject.store.hits({}, { limit: 500 });
        const attacksBefore = await subject.store.attacks({}, { limit: 500 });
        const statsBefore = await subject.store.stats({});
        assert.equal(statsBefore.total, WORLD.length + 40);
        await subject.store.close();
        const again = await subject.reopen();
        await again.open();
        try {
          assert.deepEqual(await again.hits({}, { limit: 500 }), before);
          assert.deepEqual(await again.attacks({}, { limit: 500 }), attacksBefore);
          assert.deepEqual(await again.stats({}), statsBefore);
          assert.deepEqual(await again.request(batch.requests[0]!.id), batch.requests[0]);
          assert.deepEqual(await again.tokenByHash(tok.hash), tok);
        } finally {
          await again.close();
        }
      } finally {
        await subject.dispose?.();
      }
    });
  });
}

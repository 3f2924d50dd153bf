import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AttackRecord } from "../model/index.js";
import { AttackGrouper, AttackState, type FindOpenAttack, type GroupedHit } from "./grouping.js";
import { createUlid } from "./ulid.js";

const HOUR = 3_600_000;
const hit = (over: Partial<GroupedHit> = {}): GroupedHit => ({
  type: "sqli",
  point: "query › id",
  host: "shop.example",
  pathTemplate: "/items/{id}",
  ts: 1000,
  signature: "sqli.x",
  clientIp: "10.0.0.1",
  stored: true,
  ...over,
});
const none: FindOpenAttack = async () => undefined;

describe("AttackGrouper", () => {
  it("gathers hits with one key into one attack and counts them", async () => {
    const g = new AttackGrouper(none, createUlid());
    const a = await g.assign(hit({ ts: 1000 }));
    const b = await g.assign(hit({ ts: 2000, clientIp: "10.0.0.2", signature: "sqli.y", stored: false }));
    assert.equal(a, b);
    assert.deepEqual(
      { ...a.record(), id: "" },
      {
        id: "",
        type: "sqli",
        point: "query › id",
        host: "shop.example",
        pathTemplate: "/items/{id}",
        firstSeen: 1000,
        lastSeen: 2000,
        hitCount: 2,
        storedHits: 1,
        sourceCount: 2,
        lastSignature: "sqli.y",
        lastClientIp: "10.0.0.2",
      },
    );
  });
  it("keeps different types, points, hosts and templates apart", async () => {
    const g = new AttackGrouper(none, createUlid());
    const base = await g.assign(hit());
    for (const over of [
      { type: "xss" as const },
      { point: "query › q" },
      { host: "other" },
      { pathTemplate: "/x" },
    ]) {
      assert.notEqual(await g.assign(hit(over)), base);
    }
    assert.equal(g.size, 5);
  });
  it("starts a new attack after an hour of quiet, not before", async () => {
    const g = new AttackGrouper(none, createUlid());
    const a = await g.assign(hit({ ts: 0 }));
    assert.equal(await g.assign(hit({ ts: HOUR })), a);
    assert.equal(await g.assign(hit({ ts: 2 * HOUR })), a);
    const b = await g.assign(hit({ ts: 3 * HOUR + 1 }));
    assert.notEqual(b, a);
    assert.equal(b.record().firstSeen, 3 * HOUR + 1);
  });
  it("continues an attack found in the store (after a restart or an eviction)", async () => {
    const stored: AttackRecord = {
      id: "A-stored",
      type: "sqli",
      point: "query › id",
      host: "shop.example",
      pathTemplate: "/items/{id}",
      firstSeen: 0,
      lastSeen: 500,
      hitCount: 40,
      storedHits: 5,
      sourceCount: 3,
      lastSignature: "sqli.x",
      lastClientIp: "10.0.0.1",
    };
    const asked: unknown[] = [];
    const g = new AttackGrouper(async (k) => {
      asked.push(k);
      return stored;
    }, createUlid());
    const st = await g.assign(hit({ ts: 1000, clientIp: "10.0.0.1" }));
    assert.deepEqual(asked, [
      {
        type: "sqli",
        point: "query › id",
        host: "shop.example",
        pathTemplate: "/items/{id}",
        since: 1000 - HOUR,
      },
    ]);
    const r = st.record();
    assert.equal(r.id, "A-stored");
    assert.equal(r.hitCount, 41);
    assert.equal(r.storedHits, 6);
    // The last client was already counted in the stored 3.
    assert.equal(r.sourceCount, 3);
    await g.assign(hit({ ts: 1001, clientIp: "10.9.9.9" }));
    assert.equal(st.record().sourceCount, 4);
    assert.equal(asked.length, 1, "the second hit is answered from memory");
  });
  it("starts a new attack when the store fails, and reports the error", async () => {
    const errors: unknown[] = [];
    const g = new AttackGrouper(
      async () => Promise.reject(new Error("disk")),
      createUlid(),
      {},
      (e) => errors.push(e),
    );
    const st = await g.assign(hit());
    assert.equal(st.record().hitCount, 1);
    assert.equal(errors.length, 1);
  });
  it("keeps at most maxOpen attacks in memory", async () => {
    const g = new AttackGrouper(none, createUlid(), { maxOpen: 10 });
    for (let i = 0; i < 50; i++) await g.assign(hit({ pathTemplate: `/p${i}` }));
    assert.equal(g.size, 10);
  });
});

describe("AttackState source count", () => {
  it("counts distinct sources closely up to thousands", () => {
    const st = new AttackState("a", { type: "sqli", point: "p", host: "h", pathTemplate: "/" }, 0, 0);
    for (let i = 0; i < 3000; i++) {
      for (let rep = 0; rep < 2; rep++)
        st.add(hit({ clientIp: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` }));
    }
    const n = st.record().sourceCount;
    assert.ok(Math.abs(n - 3000) < 150, String(n));
  });
  it("is exact for a few sources", () => {
    const st = new AttackState("a", { type: "sqli", point: "p", host: "h", pathTemplate: "/" }, 0, 0);
    for (const ip of ["10.0.0.1", "10.0.0.2", "2001:db8::1", "10.0.0.1"]) st.add(hit({ clientIp: ip }));
    assert.equal(st.record().sourceCount, 3);
  });
});

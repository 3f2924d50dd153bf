import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import type { AttackRecord, Hit, HttpExchange } from "../model/index.js";
import { openSqliteStore } from "../store/index.js";
import type { Store, WriteBatch } from "../store/types.js";
import { Exclusions } from "./exclusions.js";
import { EventRecorder, type WriteObservation } from "./recorder.js";

const T = 1_700_000_000_000;

class FakeStore implements Pick<Store, "write" | "findOpenAttack"> {
  readonly batches: WriteBatch[] = [];
  fail = false;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  hold(): void {
    this.gate = new Promise((r) => {
      this.release = r;
    });
  }
  open(): void {
    this.release?.();
    this.gate = undefined;
  }
  async write(b: WriteBatch): Promise<void> {
    if (this.gate !== undefined) await this.gate;
    if (this.fail) throw new Error("disk full");
    this.batches.push(b);
  }
  async findOpenAttack(): Promise<AttackRecord | undefined> {
    return undefined;
  }
  get hits() {
    return this.batches.flatMap((b) => b.hits);
  }
  /** The latest version of each attack written. */
  get attacks(): AttackRecord[] {
    const m = new Map<string, AttackRecord>();
    for (const b of this.batches) for (const a of b.attacks) m.set(a.id, a);
    return [...m.values()];
  }
}

function ex(
  over: Partial<HttpExchange> = {},
  target = "/items/42?id=1%20OR%201=1&password=secret",
): HttpExchange {
  return {
    id: "e",
    ts: T,
    client: { ip: "203.0.113.9", port: 5555 },
    host: "Shop.Example",
    source: "http-mirror",
    request: { method: "GET", target, headers: [["Host", "shop.example"]], body: "" },
    ...over,
  };
}
const sqli: Hit = { type: "sqli", point: "query › id", payload: "1 OR 1=1", signature: "sqli.tautology" };
const xss: Hit = { type: "xss", point: "query › q", payload: "<script>", signature: "xss.script" };

/** Waits (bounded) until `cond` holds; for effects of timers, never for timing. */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("EventRecorder", () => {
  it("rules out excluded hits before grouping and storing them, and counts them", async () => {
    const store = new FakeStore();
    const exclusions = new Exclusions([
      { name: "never", types: ["rce"] },
      { types: ["xss"], paths: ["/items/*"] },
    ]);
    const rec = new EventRecorder({ store, flushIntervalMs: 0, exclusions });
    assert.equal(rec.record(ex(), [sqli, xss]), true);
    assert.equal(rec.record(ex(), [xss]), true);
    await rec.flush();
    assert.deepEqual(
      store.hits.map((h) => h.type),
      ["sqli"],
    );
    assert.deepEqual(
      store.attacks.map((a) => a.type),
      ["sqli"],
    );
    assert.equal(store.batches.flatMap((b) => b.requests).length, 1);
    assert.equal(rec.counters.hitsReceived, 3);
    assert.equal(rec.counters.hitsExcluded, 2);
    assert.deepEqual(rec.counters.excludedByRule, [
      ["never", 0],
      ["rule 2", 2],
    ]);
    assert.equal(rec.counters.hitsDropped, 0);
  });

  it("writes the request, its attacks and hits in one batch", async () => {
    const store = new FakeStore();
    const rec = new EventRecorder({ store, flushIntervalMs: 0 });
    assert.equal(rec.record(ex({ response: { status: 500, headers: [], body: "" } }), [sqli, xss]), true);
    await rec.flush();
    assert.equal(store.batches.length, 1);
    const b = store.batches[0]!;
    assert.equal(b.requests.length, 1);
    assert.equal(b.attacks.length, 2);
    assert.equal(b.hits.length, 2);
    const req = b.requests[0]!;
    assert.equal(req.target, "/items/42?id=1%20OR%201=1&password=***");
    const h = b.hits.find((x) => x.type === "sqli")!;
    assert.equal(h.requestId, req.id);
    assert.equal(h.attackId, b.attacks.find((a) => a.type === "sqli")!.id);
    assert.deepEqual(
      { ...h, id: "", attackId: "", requestId: "" },
      {
        id: "",
        attackId: "",
        requestId: "",
        ts: T,
        type: "sqli",
        point: "query › id",
        payload: "1 OR 1=1",
        signature: "sqli.tautology",
        clientIp: "203.0.113.9",
        host: "shop.example",
        method: "GET",
        path: "/items/42",
        pathTemplate: "/items/{id}",
        status: 500,
        responseBytes: 0,
      },
    );
    assert.equal(rec.counters.hitsReceived, 2);
    assert.equal(rec.counters.hitsStored, 2);
    assert.equal(rec.counters.requestsStored, 1);
    assert.equal(rec.counters.batches, 1);
    assert.equal(rec.counters.pendingHits, 0);
    assert.equal(rec.counters.pendingBytes, 0);
    await rec.close();
  });

  it("puts the packet path's response and tunnel on the hits and the stored request", async () => {
    const store = new FakeStore();
    const rec = new EventRecorder({ store, flushIntervalMs: 0 });
    const packetEx = ex({
      ts: T + 0.5,
      source: "vxlan",
      tunnel: { id: "geneve:0 vxlan:42 vlan:10", vni: 42, vlan: 10 },
      response: {
        status: 404,
        headers: [["Content-Encoding", "gzip"]],
        body: "not found, decoded",
        wireBytes: 38,
        ts: T + 13.25,
      },
    });
    rec.record(packetEx, [sqli, xss]);
    await rec.flush();
    const [req] = store.batches[0]!.requests;
    assert.equal(req?.tunnel, "geneve:0 vxlan:42 vlan:10");
    assert.deepEqual(
      [req?.status, req?.responseBytes, req?.responseMs, req?.vni, req?.vlan],
      [404, 38, 12.75, 42, 10],
    );
    assert.equal(store.hits.length, 2);
    for (const h of store.hits) {
      assert.deepEqual(
        { status: h.status, bytes: h.responseBytes, ms: h.responseMs, vni: h.vni, vlan: h.vlan },
        { status: 404, bytes: 38, ms: 12.75, vni: 42, vlan: 10 },
      );
    }
    // Without a response or a tunnel, none of these fields is set.
    rec.record(ex({ ts: T + 5000, client: { ip: "198.51.100.2" } }), [sqli]);
    await rec.flush();
    const last = store.hits[store.hits.length - 1]!;
    for (const k of ["status", "responseBytes", "responseMs", "vni", "vlan"]) assert.ok(!(k in last), k);
    await rec.close();
  });

  it("stores 5 identical hits an hour and counts the rest on the attack", async () => {
    const store = new FakeStore();
    const rec = new EventRecorder({ store, flushIntervalMs: 0 });
    for (let i = 0; i < 8; i++) rec.record(ex({ ts: T + i * 1000 }), [sqli]);
    await rec.flush();
    assert.equal(store.hits.length, 5);
    assert.equal(store.batches.flatMap((b) => b.requests).length, 5);
    assert.equal(rec.counters.hitsSampled, 3);
    const [a] = store.attacks;
    assert.equal(a!.hitCount, 8);
    assert.equal(a!.storedHits, 5);
    assert.equal(a!.lastSeen, T + 7000);
    // Another client is another key: stored.
    rec.record(ex({ ts: T + 9000, client: { ip: "198.51.100.1" } }), [sqli]);
    await rec.flush();
    assert.equal(store.hits.length, 6);
    assert.equal(store.attacks[0]!.sourceCount, 2);
    await rec.close();
  });

  it("counts sampled-out hits per minute and kind in the batch", async () => {
    const store = new FakeStore();
    const rec = new EventRecorder({ store, flushIntervalMs: 0 });
    // T is 20 s into its minute: 12 hits within 24 s, all in that minute.
    const minute = Math.floor(T / 60_000) * 60_000;
    for (let i = 0; i < 12; i++) rec.record(ex({ ts: T + i * 2000 }), [sqli]);
    await rec.flush();
    assert.equal(store.batches.length, 1);
    const [b] = store.batches;
    assert.equal(b!.hits.length, 5);
    assert.deepEqual(b!.counts, [
      {
        attackId: b!.attacks[0]!.id,
        ts: minute,
        type: "sqli",
        point: "query › id",
        clientIp: "203.0.113.9",
        host: "shop.example",
        method: "GET",
        path: "/items/42",
        pathTemplate: "/items/{id}",
        count: 7,
      },
    ]);
    assert.equal(b!.attacks[0]!.hitCount, 12);
    assert.equal(rec.counters.hitsSampled, 7);
    // The next minute, another response status and another VNI are other kinds; a batch
    // with no sampled-out hit carries no counts.
    rec.record(ex({ ts: minute + 60_000 }), [sqli]);
    rec.record(ex({ ts: minute + 60_001 }), [sqli]);
    rec.record(ex({ ts: minute + 60_002, response: { status: 403, headers: [], body: "" } }), [sqli]);
    rec.record(ex({ ts: minute + 60_003, tunnel: { id: "vxlan:9", vni: 9 } }), [sqli]);
    await rec.flush();
    assert.deepEqual(
      store.batches[1]!.counts!.map((c) => [c.ts - minute, c.count, c.status, c.vni]),
      [
        [60_000, 2, undefined, undefined],
        [60_000, 1, 403, undefined],
        [60_000, 1, undefined, 9],
      ],
    );
    assert.equal(store.batches[1]!.hits.length, 0);
    rec.record(ex({ ts: T, client: { ip: "198.51.100.1" } }), [sqli]);
    await rec.flush();
    assert.deepEqual(store.batches[2]!.counts, []);
    await rec.close();
  });

  it("makes SQLite stats count every hit of a flood, over several batches", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    try {
      const rec = new EventRecorder({ store, flushIntervalMs: 0, batchSize: 3, grouping: { maxOpen: 10 } });
      for (let i = 0; i < 12; i++) {
        rec.record(ex({ ts: T + i * 2000 }), [sqli]);
        // Small batches: one minute's count of one kind arrives in several writes.
        if (i % 3 === 2) await rec.flush();
      }
      await rec.close();
      assert.equal((await store.hits({})).items.length, 5);
      assert.equal((await store.attacks({})).items[0]!.hitCount, 12);
      const s = await store.stats({});
      assert.equal(s.total, 12);
      assert.deepEqual(s.byType, { sqli: 12 });
      assert.deepEqual(s.topSources, [{ ip: "203.0.113.9", hits: 12 }]);
      assert.deepEqual(s.topTargets, [{ host: "shop.example", path: "/items/42", hits: 12 }]);
      assert.equal((await store.stats({ source: "203.0.113.0/24", path: "/items/*" })).total, 12);
      assert.equal((await store.stats({ source: "198.51.100.0/24" })).total, 0);
    } finally {
      await store.close();
    }
  });

  it("writes in batches of at most batchSize hits, starting as soon as one is full", async () => {
    const store = new FakeStore();
    const rec = new EventRecorder({ store, flushIntervalMs: 0, batchSize: 10, grouping: { maxOpen: 100 } });
    for (let i = 0; i < 10; i++) rec.record(ex({}, `/p${i}`), [sqli]);
    await until(() => store.batches.length === 1);
    for (let i = 10; i < 25; i++) rec.record(ex({}, `/p${i}`), [sqli]);
    await rec.flush();
    assert.deepEqual(
      store.batches.map((b) => b.hits.length),
      [10, 10, 5],
    );
    await rec.close();
  });

  it("drops and counts when the store falls behind, never holding more than its bound", async () => {
    const store = new FakeStore();
    store.hold();
    const rec = new EventRecorder({ store, flushIntervalMs: 0, batchSize: 5, maxPendingHits: 20 });
    let accepted = 0;
    for (let i = 0; i < 100; i++) {
      if (rec.record(ex({}, `/p/${i}?v=${i}`), [sqli])) accepted++;
      assert.ok(rec.counters.pendingHits <= 20);
      await tick();
    }
    assert.equal(accepted, 20);
    assert.equal(rec.counters.hitsDropped, 80);
    assert.equal(rec.counters.droppedOverflow, 80);
    store.open();
    await rec.flush();
    assert.equal(rec.counters.hitsStored, 20);
    assert.equal(store.hits.length, 20);
    await rec.close();
  });

  it("bounds the buffer by bytes as well", async () => {
    const store = new FakeStore();
    store.hold();
    const rec = new EventRecorder({ store, flushIntervalMs: 0, maxPendingBytes: 200_000 });
    const big = ex({ request: { method: "POST", target: "/up", headers: [], body: "x".repeat(60_000) } });
    assert.equal(rec.record(big, [sqli]), true);
    assert.equal(rec.record(big, [sqli]), false);
    assert.equal(rec.counters.droppedOverflow, 1);
    store.open();
    await rec.close();
  });

  it("counts a failed write as dropped and keeps attack totals right", async () => {
    const store = new FakeStore();
    const errors: unknown[] = [];
    const seen: WriteObservation[] = [];
    const rec = new EventRecorder({
      store,
      flushIntervalMs: 0,
      onError: (e) => errors.push(e),
      onWrite: (o) => seen.push(o),
    });
    store.fail = true;
    rec.record(ex(), [sqli]);
    await rec.flush();
    assert.equal(rec.counters.writeErrors, 1);
    assert.equal(rec.counters.droppedWriteFailed, 1);
    assert.equal(errors.length, 1);
    store.fail = false;
    rec.record(ex({ ts: T + 1 }, "/items/43?id=2"), [sqli]);
    await rec.flush();
    const [a] = store.attacks;
    assert.equal(a!.hitCount, 2);
    assert.equal(a!.storedHits, 1);
    assert.deepEqual(
      seen.map((o) => [o.ok, o.hits, o.requests, o.attacks]),
      [
        [false, 1, 1, 1],
        [true, 1, 1, 1],
      ],
    );
    assert.ok(seen.every((o) => o.ms >= 0));
    await rec.close();
  });

  it("flushes on its timer", async () => {
    const store = new FakeStore();
    const rec = new EventRecorder({ store, flushIntervalMs: 5 });
    rec.record(ex(), [sqli]);
    await until(() => store.batches.length === 1);
    await rec.close();
  });

  it("flushes on close, then refuses and counts", async () => {
    const store = new FakeStore();
    const rec = new EventRecorder({ store, flushIntervalMs: 0 });
    rec.record(ex(), [sqli]);
    await rec.close();
    assert.equal(store.hits.length, 1);
    assert.equal(rec.record(ex(), [sqli]), false);
    assert.equal(rec.counters.droppedClosed, 1);
  });

  it("copes with exchanges that lack what it would like", async () => {
    const store = new FakeStore();
    const rec = new EventRecorder({ store, flushIntervalMs: 0, now: () => 42 });
    const bare: HttpExchange = {
      id: "b",
      request: {
        method: "X".repeat(100),
        target: "http://h.example/a/1?x",
        headers: [],
        body: new Uint8Array([0xff, 0xfe]),
      },
    };
    assert.equal(rec.record(bare, [sqli]), true);
    assert.equal(rec.record(bare, []), true);
    await rec.flush();
    const h = store.hits[0]!;
    assert.equal(h.ts, 42);
    assert.equal(h.clientIp, "");
    assert.equal(h.host, "");
    assert.equal(h.path, "/a/1");
    assert.equal(h.pathTemplate, "/a/{id}");
    assert.equal(h.method.length, 32);
    assert.equal(h.status, undefined);
    await rec.close();
  });

  it("masks card numbers in payloads; masking can be turned off", async () => {
    const card: Hit = { ...sqli, payload: "1 UNION SELECT 4111111111111111" };
    const store = new FakeStore();
    const rec = new EventRecorder({ store, flushIntervalMs: 0 });
    rec.record(ex(), [card]);
    await rec.close();
    assert.equal(store.hits[0]!.payload, "1 UNION SELECT ***");
    const raw = new FakeStore();
    const off = new EventRecorder({ store: raw, flushIntervalMs: 0, masking: { enabled: false } });
    off.record(ex(), [card]);
    await off.close();
    assert.equal(raw.hits[0]!.payload, card.payload);
    assert.ok(raw.batches[0]!.requests[0]!.target.includes("password=secret"));
  });

  it("refuses settings that cannot work", () => {
    const store = new FakeStore();
    assert.throws(() => new EventRecorder({ store, batchSize: 0 }));
    assert.throws(() => new EventRecorder({ store, maxPendingHits: -1 }));
    assert.throws(() => new EventRecorder({ store, batchSize: 100, grouping: { maxOpen: 10 } }));
  });

  it("stores into SQLite and continues attacks across a restart", async () => {
    const store = await openSqliteStore({ file: ":memory:" });
    try {
      const first = new EventRecorder({ store, flushIntervalMs: 0 });
      first.record(ex(), [sqli]);
      await first.close();
      // A new recorder (a restarted node) ten minutes later: same attack.
      const second = new EventRecorder({ store, flushIntervalMs: 0 });
      second.record(ex({ ts: T + 600_000, client: { ip: "198.51.100.7" } }, "/items/77?id=2"), [sqli]);
      await second.close();
      const attacks = await store.attacks({});
      assert.equal(attacks.items.length, 1);
      assert.equal(attacks.items[0]!.hitCount, 2);
      assert.equal(attacks.items[0]!.sourceCount, 2);
      const hits = await store.hits({ types: ["sqli"] });
      assert.equal(hits.items.length, 2);
      assert.equal(hits.items[0]!.clientIp, "198.51.100.7");
      const req = await store.request(hits.items[1]!.requestId);
      assert.equal(req?.target, "/items/42?id=1%20OR%201=1&password=***");
      // Two hours later: a new attack.
      const third = new EventRecorder({ store, flushIntervalMs: 0 });
      third.record(ex({ ts: T + 3 * 3_600_000 }), [sqli]);
      await third.close();
      assert.equal((await store.attacks({})).items.length, 2);
    } finally {
      await store.close();
    }
  });
});

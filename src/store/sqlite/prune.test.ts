import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HitRecord } from "../../model/index.js";
import { attackRec, hitRec, requestRec } from "../contract-fixtures.js";
import type { Store } from "../types.js";
import { SqliteStore } from "./store.js";
import { SqliteWorkerStore } from "./worker-store.js";

/**
 * Prune deletes in chunks and yields between them: a batch written while a large prune is
 * running is stored before the prune ends, on the calling thread and in a worker alike.
 */
async function writesInterleave(store: Store): Promise<void> {
  await store.open();
  try {
    const a = attackRec({ firstSeen: 0, lastSeen: 10 });
    const r = requestRec({ ts: 0 });
    const old: HitRecord[] = [];
    for (let i = 0; i < 3000; i++) old.push(hitRec(a, r, { ts: i % 10 }));
    await store.write({ requests: [r], attacks: [a], hits: old });
    const events: string[] = [];
    const pruning = store.prune(1000).then((n) => {
      events.push("prune");
      return n;
    });
    const fresh = attackRec({ firstSeen: 5000, lastSeen: 5000, point: "query › new" });
    const fr = requestRec({ ts: 5000 });
    await store.write({ requests: [fr], attacks: [fresh], hits: [hitRec(fresh, fr)] });
    events.push("write");
    assert.equal(await pruning, 3000);
    assert.deepEqual(events, ["write", "prune"]);
    assert.equal((await store.hits({})).items.length, 1);
  } finally {
    await store.close();
  }
}

describe("prune in chunks", () => {
  it("lets a write through while it runs (calling thread)", async () => {
    await writesInterleave(new SqliteStore({ file: ":memory:", pruneChunk: 10 }));
  });
  it("lets a write through while it runs (worker thread)", async () => {
    await writesInterleave(new SqliteWorkerStore({ file: ":memory:", pruneChunk: 10 }));
  });
});

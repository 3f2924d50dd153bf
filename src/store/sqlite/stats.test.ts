import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attackRec, countRec } from "../contract-fixtures.js";
import { StoreError } from "../errors.js";
import { SqliteStore } from "./store.js";

const MINUTE = 60_000;

describe("SQLite stats over hit counts", () => {
  it("bounds the series by the counts' times too", async () => {
    const store = new SqliteStore({ file: ":memory:", maxBuckets: 10 });
    await store.open();
    try {
      const t = 1_700_000_040_000;
      const a = attackRec({ firstSeen: t, lastSeen: t + 20 * MINUTE });
      // No stored hit at all: only counts, twenty minutes apart.
      await store.write({
        requests: [],
        attacks: [a],
        hits: [],
        counts: [countRec(a, { ts: t, count: 3 }), countRec(a, { ts: t + 20 * MINUTE, count: 4 })],
      });
      await assert.rejects(
        store.stats({ bucketMs: MINUTE }),
        (e: unknown) =>
          e instanceof StoreError && e.code === "invalid_filter" && /21 buckets/.test(e.message),
      );
      const s = await store.stats({ bucketMs: 5 * MINUTE });
      assert.equal(s.total, 7);
      assert.equal(s.series.length, 2);
    } finally {
      await store.close();
    }
  });

  it("refuses counts that are not positive integers", async () => {
    const store = new SqliteStore({ file: ":memory:" });
    await store.open();
    try {
      const a = attackRec();
      for (const count of [0, -3, 1.5]) {
        await assert.rejects(
          store.write({ requests: [], attacks: [a], hits: [], counts: [countRec(a, { count })] }),
          (e: unknown) => e instanceof StoreError && e.code === "invalid_record",
          String(count),
        );
      }
      assert.equal((await store.stats({})).total, 0);
      assert.equal(await store.attack(a.id), undefined, "the batch was rolled back whole");
    } finally {
      await store.close();
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Retention, startRetention } from "./retention.js";

const DAY = 86_400_000;

describe("Retention", () => {
  it("prunes hits older than maxAgeDays", async () => {
    const calls: number[] = [];
    const pruned: [number, number][] = [];
    const r = new Retention({
      store: {
        prune: async (before) => {
          calls.push(before);
          return 7;
        },
      },
      maxAgeDays: 2,
      now: () => 10 * DAY,
      onPrune: (n, b) => pruned.push([n, b]),
    });
    assert.equal(await r.runOnce(), 7);
    assert.deepEqual(calls, [8 * DAY]);
    assert.deepEqual(pruned, [[7, 8 * DAY]]);
  });
  it("defaults to 90 days", () => {
    assert.equal(new Retention({ store: { prune: async () => 0 } }).maxAgeMs, 90 * DAY);
  });
  it("joins a run in progress instead of starting another", async () => {
    let calls = 0;
    let release: (n: number) => void = () => {};
    const r = new Retention({
      store: {
        prune: () => {
          calls++;
          return new Promise((res) => {
            release = res;
          });
        },
      },
    });
    const a = r.runOnce();
    const b = r.runOnce();
    release(3);
    assert.deepEqual(await Promise.all([a, b]), [3, 3]);
    assert.equal(calls, 1);
  });
  it("runs on its timer and reports errors without stopping", async () => {
    let calls = 0;
    const errors: unknown[] = [];
    let done: () => void = () => {};
    const twice = new Promise<void>((r) => (done = r));
    const safety = setTimeout(done, 5000);
    const r = startRetention({
      store: {
        prune: async () => {
          calls++;
          if (calls >= 2) done();
          throw new Error("busy");
        },
      },
      initialDelayMs: 1,
      intervalMs: 1,
      onError: (e) => errors.push(e),
    });
    await twice;
    clearTimeout(safety);
    await r.stop();
    assert.ok(calls >= 2);
    assert.ok(errors.length >= 1);
  });
  it("refuses a non-positive age", () => {
    for (const d of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new Retention({ store: { prune: async () => 0 }, maxAgeDays: d }));
    }
  });
});

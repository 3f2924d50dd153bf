import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AUTO_WORKERS_MIN_BYTES,
  AUTO_WORKERS_MIN_BYTES_2_CORES,
  analyzeBatches,
  autoWorkers,
} from "./analyze.js";
import type { Batch } from "./batch.js";

const rec = (i: number) =>
  JSON.stringify({
    id: `r${i}`,
    method: "GET",
    target: `/p?i=${i}&pad=${"x".repeat((i * 37) % 900)}`,
    headers: [],
  });

/** Many small batches of uneven size, so that workers finish out of order. */
async function* batches(n: number): AsyncGenerator<Batch> {
  let line = 1;
  for (let i = 0; i < n; ) {
    const size = 1 + ((i * 7) % 13);
    const recs: string[] = [];
    for (let k = 0; k < size && i < n; k++, i++) recs.push(rec(i));
    yield { kind: "lines", input: 0, file: "mem", firstLine: line, text: `${recs.join("\n")}\n` };
    line += recs.length;
  }
}

/** The verdict lines written are those of r0…r(n-1), in that order. */
function assertInOrder(out: readonly string[], n: number): void {
  const ids = out
    .join("")
    .trimEnd()
    .split("\n")
    .map((l) => (JSON.parse(l) as { id: string }).id);
  assert.deepEqual(
    ids,
    Array.from({ length: n }, (_, i) => `r${i}`),
  );
}

describe("analyzeBatches", () => {
  for (const workers of [0, 2, 3]) {
    it(`keeps input order with ${workers} worker threads`, async () => {
      const out: string[] = [];
      const stats = await analyzeBatches(batches(400), workers, {
        workers,
        write: (t) => {
          out.push(t);
        },
        maxInFlight: 5,
      });
      assert.equal(stats.requests, 400);
      assertInOrder(out, 400);
    });
  }

  for (const workers of [1, 2]) {
    it(`keeps input order with ${workers} worker thread(s) and the main thread analysing too`, async () => {
      const out: string[] = [];
      const stats = await analyzeBatches(batches(400), workers, {
        workers,
        mainAnalyses: true,
        write: (t) => {
          out.push(t);
        },
      });
      assert.equal(stats.requests, 400);
      assert.equal(stats.mainAnalysed, true);
      assertInOrder(out, 400);
    });
  }

  it("stops early when the signal fires", async () => {
    const ac = new AbortController();
    let writes = 0;
    const stats = await analyzeBatches(batches(400), 2, {
      workers: 2,
      write: () => {
        if (++writes === 2) ac.abort();
      },
      signal: ac.signal,
    });
    assert.equal(stats.stopped, true);
    assert.ok(stats.requests < 400);
  });
});

describe("autoWorkers", () => {
  const input = (bytes: number, gzip = false) => [{ file: "x", format: "jsonl" as const, gzip, bytes }];

  it("stays on this thread for small inputs and on one core", () => {
    assert.equal(autoWorkers(input(1024), 8), 0);
    assert.equal(autoWorkers(input(10 * AUTO_WORKERS_MIN_BYTES_2_CORES), 1), 0);
  });

  it("needs a much larger input on 2 cores, where cold workers cost more than they save", () => {
    // blazehttp-sized (35 MB): measured slower with two workers than inline on 2 cores.
    assert.equal(autoWorkers(input(35_000_000), 2), 0);
    // One worker: the main thread analyses as well.
    assert.equal(autoWorkers(input(AUTO_WORKERS_MIN_BYTES_2_CORES), 2), 1);
    assert.equal(autoWorkers(input(35_000_000), 4), 3);
  });

  it("estimates a compressed input by its uncompressed size", () => {
    assert.equal(autoWorkers(input(AUTO_WORKERS_MIN_BYTES / 2), 4), 0);
    assert.equal(autoWorkers(input(AUTO_WORKERS_MIN_BYTES / 2, true), 4), 3);
  });
});

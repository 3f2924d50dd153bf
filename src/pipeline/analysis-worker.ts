/**
 * Worker-thread entry: runs the (pure, synchronous) analysis engine on batches sent by
 * `WorkerPool`. Options arrive once, as `workerData`.
 */

import { parentPort, workerData } from "node:worker_threads";
import { Engine } from "../analysis/index.js";
import type { AnalysisLimits } from "../model/index.js";
import { analysisClock } from "./analysis-clock.js";
import { type Batch, type BatchResult, runBatch } from "./batch.js";
import type { Reply } from "./worker-pool.js";

/** What the pool passes to each analysis worker. */
export interface AnalysisWorkerData {
  readonly limits?: AnalysisLimits;
}

const data = (workerData ?? {}) as AnalysisWorkerData;
const engine = new Engine({
  ...(data.limits !== undefined ? { limits: data.limits } : {}),
  clock: analysisClock(),
});

parentPort?.on("message", (m: { id: number; job: Batch }) => {
  let reply: Reply<BatchResult>;
  try {
    reply = { id: m.id, ok: true, value: runBatch(engine, m.job) };
  } catch (e) {
    reply = { id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});

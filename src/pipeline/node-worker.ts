/**
 * Worker-thread entry of the node: analyses batches of mirrored requests (see
 * `node-wire.ts`) with the pure engine and answers with the hits, anomalies and the time
 * each one took. Options arrive once, as `workerData`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Engine } from "../analysis/index.js";
import type { AnalysisLimits } from "../model/index.js";
import { analyseBatch, type WireBatch, type WireReply } from "./node-wire.js";
import type { Reply } from "./worker-pool.js";

export interface NodeWorkerData {
  readonly limits?: AnalysisLimits;
  readonly timeBudgetMs?: number;
}

const data = (workerData ?? {}) as NodeWorkerData;
const engine = new Engine({
  ...(data.limits !== undefined ? { limits: data.limits } : {}),
  ...(data.timeBudgetMs !== undefined ? { timeBudgetMs: data.timeBudgetMs } : {}),
  clock: () => performance.now(),
});

parentPort?.on("message", (m: { id: number; job: WireBatch }) => {
  let reply: Reply<WireReply>;
  try {
    reply = { id: m.id, ok: true, value: analyseBatch(engine, m.job) };
  } catch (e) {
    reply = { id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});

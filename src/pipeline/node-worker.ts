/**
 * Worker-thread entry of the node: analyses batches of mirrored exchanges (see
 * `node-wire.ts`) with the pure engine and answers with the time each one took and the
 * exchanges that had hits. Options arrive once, as `workerData`.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { Engine } from "../analysis/index.js";
import type { AnalysisLimits } from "../model/index.js";
import { analysisClock } from "./analysis-clock.js";
import { analyseBatch, type WireBatch, type WireReply } from "./node-wire.js";
import type { Reply } from "./worker-pool.js";

export interface NodeWorkerData {
  readonly limits?: AnalysisLimits;
  readonly timeBudgetMs?: number;
  /** Niceness of this thread (Linux); 0 leaves it alone. */
  readonly nice?: number;
}

const data = (workerData ?? {}) as NodeWorkerData;
if (data.nice !== undefined && data.nice > 0) lowerPriority(data.nice);

/**
 * Analysis threads run at a lower CPU priority than the main thread, which serves the
 * mirror listener: when analysis saturates the cores, the listener still answers at once
 * and the queue sheds the excess (issue #3: listener p99 under 5 ms while analysis is
 * saturated). On Linux, setpriority() on a thread id changes that thread alone; the id is
 * read from /proc/thread-self. Elsewhere, or without the right, nothing changes.
 */
function lowerPriority(nice: number): void {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: the pool still works, only without the priority split.
  }
}
const engine = new Engine({
  ...(data.limits !== undefined ? { limits: data.limits } : {}),
  ...(data.timeBudgetMs !== undefined ? { timeBudgetMs: data.timeBudgetMs } : {}),
  clock: analysisClock(),
});

parentPort?.on("message", (m: { id: number; job: WireBatch }) => {
  let reply: Reply<WireReply>;
  const transfer: ArrayBuffer[] = [];
  try {
    const value = analyseBatch(engine, m.job);
    transfer.push(value.ms.buffer as ArrayBuffer);
    reply = { id: m.id, ok: true, value };
  } catch (e) {
    reply = { id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply, transfer);
});

export {
  type AnalyzeOptions,
  type AnalyzeStats,
  AUTO_WORKERS_MIN_BYTES,
  analyzeBatches,
  analyzeFiles,
  autoWorkers,
  type InputStats,
  type Progress,
  probeInputs,
} from "./analyze.js";
export type { Batch, BatchResult, BatchWarning, ExchangeBatch, LineBatch } from "./batch.js";
export { runBatch } from "./batch.js";
export { describeFsError, InputError, type InputFormat, type InputInfo } from "./inputs.js";
export { LineBatcher, type TextBatch } from "./line-batcher.js";
export { verdictLine } from "./verdict.js";
export { WorkerPool } from "./worker-pool.js";

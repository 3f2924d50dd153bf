export {
  type AnalyzeOptions,
  type AnalyzeStats,
  AUTO_WORKERS_MIN_BYTES,
  AUTO_WORKERS_MIN_BYTES_2_CORES,
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
export {
  createNodeMetrics,
  type ListenerCounts,
  type NodeMetrics,
  type RecorderCounts,
  SHED_REASONS,
  type ShedReason,
} from "./metrics.js";
export {
  type NodeStats,
  openNodeStore,
  type RunningNode,
  type ShutdownReport,
  type StartNodeOptions,
  startNode,
} from "./node.js";
export { type AnalyzerOptions, type AnalyzerStats, ExchangeAnalyzer } from "./node-analysis.js";
export { createNodeLogger, LogLimiter, NODE_REDACT_PATHS } from "./node-logger.js";
export { NODE_PARTS, type NodeParts } from "./node-parts.js";
export { verdictLine } from "./verdict.js";
export { WorkerPool } from "./worker-pool.js";

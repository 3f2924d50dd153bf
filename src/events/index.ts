/**
 * Hits → stored records: attack grouping, sampling of identical hits, masking of stored
 * requests, batching into the store, and retention. The node builds one `EventRecorder`
 * over its store and calls `record(exchange, hits)` for each analysed exchange.
 */
export {
  AttackGrouper,
  AttackState,
  type GroupedHit,
  type GroupingOptions,
  type GroupKey,
} from "./grouping.js";
export { Lru } from "./lru.js";
export {
  createMasker,
  luhnValid,
  type Masker,
  type MaskingOptions,
  maskCards,
  type RequestParts,
} from "./mask/index.js";
export { pathTemplate, TEMPLATE_MAX_SEGMENT, TEMPLATE_MAX_SEGMENTS } from "./path-template.js";
export {
  EventRecorder,
  type RecorderCounters,
  type RecorderOptions,
  type WriteObservation,
} from "./recorder.js";
export { DEFAULT_MAX_BODY, storedRequest, targetPath } from "./request.js";
export { Retention, type RetentionOptions, startRetention } from "./retention.js";
export { Sampler, type SamplingOptions } from "./sampling.js";
export { createUlid, ulid, ulidTime } from "./ulid.js";

export type { Http1Counters } from "./counters.js";
export { HttpStreamTracker, type HttpStreamTrackerOptions } from "./tracker.js";
export { DEFAULT_HTTP1_OPTIONS, type ExchangeSink, type Http1Options } from "./types.js";

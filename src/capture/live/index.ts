export { linkTypeFromCap } from "./link-type.js";
export { openLiveCapture } from "./open.js";
export {
  LIVE_DEFAULTS,
  type LiveBackend,
  type LiveCapture,
  LiveCaptureError,
  type LiveCaptureOptions,
  type LiveStats,
} from "./options.js";
export { parseTcpdumpCounts, tcpdumpArgs } from "./tcpdump.js";

export { CaptureFormatError } from "./errors.js";
export type { CaptureFrame, FrameHandler } from "./frame.js";
export { PcapngBuilder } from "./pcapng-builder.js";
export {
  CAPTURE_READ_CHUNK_BYTES,
  type CaptureReadOptions,
  type CaptureReadResult,
  readCaptureFile,
  readCaptureStream,
} from "./read-file.js";
export { type CaptureCounters, type CaptureFormat, CaptureReader, MAX_RECORD_BYTES } from "./reader.js";
export { PcapWriter, type PcapWriterOptions } from "./writer.js";

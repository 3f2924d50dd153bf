export { PacketDecoder } from "./decoder.js";
export { DEFAULT_DECODER_OPTIONS, type DecoderCounters, type DecoderOptions } from "./options.js";
export * from "./types.js";

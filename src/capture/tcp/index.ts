export { DEFAULT_TCP_OPTIONS, newTcpCounters, type TcpCounters, type TcpOptions } from "./options.js";
export { TcpReassembler } from "./reassembler.js";
export { seqAdd, seqDiff } from "./seq.js";
export type { CloseReason, Direction, FlowInfo, FlowSink, FlowSinkFactory } from "./types.js";

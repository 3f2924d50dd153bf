/** Bounds and timeouts of TCP reassembly; every one of them caps what attackers can make us hold. */
export interface TcpOptions {
  /** Most flows tracked at once; a new flow beyond it evicts the least recently active one. */
  maxFlows: number;
  /**
   * Most bytes one flow may hold for out-of-order data (both directions, each buffered
   * segment also counted with a fixed overhead). Past it, reassembly declares the oldest
   * hole a gap and delivers what follows it.
   */
  maxFlowBufferBytes: number;
  /** Most bytes all flows together may hold for out-of-order data; past it, holes are skipped. */
  maxBufferedBytes: number;
  /** A hole older than this (ms) with data waiting behind it is declared a gap. */
  gapTimeoutMs: number;
  /** Idle time (ms) after which a flow that carried data and saw no FIN is dropped. */
  establishedTimeoutMs: number;
  /** Idle time (ms) after which a half-open, closing or ignored flow is dropped. */
  shortTimeoutMs: number;
  /**
   * Farthest a segment may start ahead of the next expected byte (bytes); beyond it, the
   * segment is dropped as out of window. Must stay below 2^31 for sequence comparisons.
   */
  maxWindow: number;
  /**
   * A RST is believed only when its sequence number is within this distance of the
   * sender's next expected byte: a blind RST injected to make us stop watching a flow
   * (an IDS evasion) then has to guess within this window (RFC 5961 §3 has the same idea).
   */
  rstWindow: number;
}

export const DEFAULT_TCP_OPTIONS: Readonly<TcpOptions> = {
  maxFlows: 200_000,
  maxFlowBufferBytes: 256 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
  gapTimeoutMs: 2_000,
  establishedTimeoutMs: 300_000,
  shortTimeoutMs: 30_000,
  maxWindow: 1 << 30,
  rstWindow: 1 << 20,
};

/** What reassembly did and dropped, as plain numbers (exported as metrics by the caller). */
export interface TcpCounters {
  /** TcpPacket calls, all included. */
  segments: number;
  /** TcpPackets whose fields were unusable (wrong address length, port out of range…). */
  malformed: number;
  flowsOpened: number;
  flowsClosed: number;
  /** Flows the factory declined (counted in flowsOpened too, tracked without reassembly). */
  ignoredFlows: number;
  /** Flows dropped after idling past their timeout. */
  timedOut: number;
  /** Flows dropped to make room under `maxFlows`. */
  evicted: number;
  /** Flows replaced by a new connection on the same addresses and ports. */
  reused: number;
  bytesDelivered: number;
  /** Holes declared (by ACK evidence, gap timeout, caps or at close) and their bytes. */
  gaps: number;
  gapBytes: number;
  gapsByAck: number;
  gapsByTimeout: number;
  /** Times a flow's buffer exceeded `maxFlowBufferBytes` and a hole was skipped. */
  capsHitFlow: number;
  /** Times all buffers together exceeded `maxBufferedBytes` and holes were skipped. */
  capsHitGlobal: number;
  /** Segments that arrived ahead of the next expected byte. */
  outOfOrderSegments: number;
  /** Bytes seen again (already delivered or already buffered). */
  retransmittedBytes: number;
  /** Segments that came after their flow finished (late retransmissions), dropped. */
  afterClose: number;
  /** Overlapping segments whose bytes differed from those kept (first arrival wins). */
  overlapConflicts: number;
  /** Segments dropped for starting beyond `maxWindow` or after the direction's FIN. */
  outOfWindowSegments: number;
  /** RSTs not believed (sequence number outside `rstWindow`). */
  ignoredRst: number;
  /** Exceptions caught (a consumer threw); the flow's consumer is then dropped. */
  errors: number;
}

export function newTcpCounters(): TcpCounters {
  return {
    segments: 0,
    malformed: 0,
    flowsOpened: 0,
    flowsClosed: 0,
    ignoredFlows: 0,
    timedOut: 0,
    evicted: 0,
    reused: 0,
    bytesDelivered: 0,
    gaps: 0,
    gapBytes: 0,
    gapsByAck: 0,
    gapsByTimeout: 0,
    capsHitFlow: 0,
    capsHitGlobal: 0,
    outOfOrderSegments: 0,
    retransmittedBytes: 0,
    afterClose: 0,
    overlapConflicts: 0,
    outOfWindowSegments: 0,
    ignoredRst: 0,
    errors: 0,
  };
}

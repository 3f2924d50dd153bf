import type { FlowSink } from "./types.js";

/** Flow state bits (`Flow.bits`). */
export const CLIENT_IS_A = 1; // the client is endpoint A of the key (see flow-key.ts)
export const INIT0 = 2; // direction 0's next sequence number is known
export const INIT1 = 4;
export const DONE0 = 8; // direction 0 delivered everything up to its FIN
export const DONE1 = 16;
export const DATA = 32; // some payload was seen: the flow is established, not half-open
export const IGNORED = 64; // no consumer: track flags only
export const SHORT_LIST = 128; // the flow is on the short-timeout list
export const SYN_FROM1 = 256; // the pending SYN (`Flow.synSeq`) came from direction 1
export const CLOSED = 512; // closed and out of the table: no more calls to its consumer
/**
 * Finished (FIN both ways, or RST) and its consumer closed, but kept in the table for the
 * short timeout, like TCP's TIME_WAIT: retransmissions that arrive after the close are
 * dropped instead of opening a flow picked up mid-stream (which would hand the HTTP layer
 * a request it already saw). A SYN still starts a new connection at once.
 */
export const LINGER = 1024;

/** Bytes charged per buffered segment on top of its data (object, array slot, typed-array header). */
export const SEGMENT_OVERHEAD = 96;

/** A copied out-of-order piece of one direction; pieces of a direction never overlap. */
export interface Segment {
  readonly seq: number;
  readonly data: Uint8Array;
}

/**
 * Out-of-order state of a flow, allocated only while some data or a FIN waits behind a
 * hole, so that the common in-order flow carries none of it.
 */
export class Pending {
  readonly segs0: Segment[] = [];
  readonly segs1: Segment[] = [];
  /** Since when (ms) each direction's current hole has made no progress. */
  since0: number;
  since1: number;
  /** Bytes charged to this flow (data + SEGMENT_OVERHEAD per segment). */
  bytes = 0;
  constructor(ts: number) {
    this.since0 = ts;
    this.since1 = ts;
  }
}

/**
 * One connection. Kept small and flat (no per-direction objects) so that an idle flow
 * costs a few hundred bytes: see bench/tcp-reassembly.bench.ts for the figure.
 */
export class Flow {
  prev: Flow | null = null;
  next: Flow | null = null;
  /** Next expected sequence number of each direction (valid once INIT0/INIT1 is set). */
  seq0 = 0;
  seq1 = 0;
  /** Sequence number of each direction's FIN, -1 before one is seen. */
  fin0 = -1;
  fin1 = -1;
  /** A SYN on the same addresses and ports while this flow lives: reuse, once the SYN-ACK confirms it. */
  synSeq = -1;
  pending: Pending | null = null;
  constructor(
    readonly key: string,
    public sink: FlowSink | null,
    public bits: number,
    public last: number,
  ) {}
}

/** Intrusive doubly linked list of flows in order of last activity (oldest at the head). */
export class FlowList {
  head: Flow | null = null;
  tail: Flow | null = null;

  push(f: Flow): void {
    f.prev = this.tail;
    f.next = null;
    if (this.tail) this.tail.next = f;
    else this.head = f;
    this.tail = f;
  }

  remove(f: Flow): void {
    if (f.prev) f.prev.next = f.next;
    else if (this.head === f) this.head = f.next;
    if (f.next) f.next.prev = f.prev;
    else if (this.tail === f) this.tail = f.prev;
    f.prev = null;
    f.next = null;
  }
}

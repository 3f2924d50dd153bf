import { formatIPv4, formatIPv6 } from "../http-mirror/ip.js";
import { type PacketSink, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpPacket } from "../packet/types.js";
import {
  CLIENT_IS_A,
  CLOSED,
  DATA,
  DONE0,
  DONE1,
  Flow,
  FlowList,
  IGNORED,
  INIT0,
  LINGER,
  Pending,
  SEGMENT_OVERHEAD,
  type Segment,
  SHORT_LIST,
  SYN_FROM1,
} from "./flow.js";
import { flowKey, keySide } from "./flow-key.js";
import { DEFAULT_TCP_OPTIONS, newTcpCounters, type TcpCounters, type TcpOptions } from "./options.js";
import { seqAdd, seqDiff } from "./seq.js";
import { dstIsServer } from "./server-port.js";
import type { CloseReason, Direction, FlowInfo, FlowSink, FlowSinkFactory } from "./types.js";

const getSeq = (f: Flow, d: Direction): number => (d === 0 ? f.seq0 : f.seq1);
const finOf = (f: Flow, d: Direction): number => (d === 0 ? f.fin0 : f.fin1);
const segsOf = (p: Pending, d: Direction): Segment[] => (d === 0 ? p.segs0 : p.segs1);
const finPending = (f: Flow, d: Direction): boolean => finOf(f, d) !== -1 && (f.bits & (DONE0 << d)) === 0;

function setSeq(f: Flow, d: Direction, v: number): void {
  if (d === 0) f.seq0 = v;
  else f.seq1 = v;
}

function setSince(p: Pending, d: Direction, ts: number): void {
  if (d === 0) p.since0 = ts;
  else p.since1 = ts;
}

function sameBytes(a: Uint8Array, ai: number, b: Uint8Array, bi: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[ai + k] !== b[bi + k]) return false;
  return true;
}

const validPort = (x: number): boolean => (x & 0xffff) === x;

function formatAddress(b: Uint8Array, family: 4 | 6): string {
  return family === 4 ? formatIPv4(b) : formatIPv6(b);
}

/**
 * TCP reassembly for a passive observer (RFC 9293 for the sequence space): turns the
 * packets of many interleaved connections into ordered byte streams per direction for a
 * `FlowSink` each. In-order data goes to the consumer straight from the packet's view;
 * only data that arrives ahead of a hole is copied, and every copy is bounded per flow and
 * in total. Holes the mirror will never fill become `gap` calls so that the consumer can
 * resynchronise instead of losing the connection.
 */
export class TcpReassembler implements PacketSink {
  readonly counters: TcpCounters = newTcpCounters();
  private readonly o: TcpOptions;
  private readonly table = new Map<string, Flow>();
  /** Established flows (long timeout) and half-open, closing or ignored ones (short timeout). */
  private readonly long = new FlowList();
  private readonly short = new FlowList();
  /** Flows holding out-of-order data or a FIN past a hole, oldest first. */
  private readonly waiting = new Set<Flow>();
  private held = 0;
  /** Finished flows kept as tombstones (LINGER), in the table but not counted as flows. */
  private lingering = 0;
  private current: Flow | null = null;
  private lastTs = 0;
  private nextHoleCheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly factory: FlowSinkFactory,
    opts: Partial<TcpOptions> = {},
  ) {
    this.o = { ...DEFAULT_TCP_OPTIONS, ...opts };
  }

  /** Flows currently tracked (ignored ones included, finished ones lingering not). */
  get flows(): number {
    return this.table.size - this.lingering;
  }

  /** Bytes held for out-of-order data, each segment charged SEGMENT_OVERHEAD on top. */
  get bufferedBytes(): number {
    return this.held;
  }

  tcp(p: TcpPacket): void {
    this.counters.segments++;
    try {
      this.packet(p);
    } catch {
      // A consumer threw (or a bug): stop feeding that flow rather than the whole capture.
      this.counters.errors++;
      if (this.current !== null) this.abandon(this.current);
    }
    this.current = null;
  }

  /** Expires idle flows and declares holes that waited too long. `now` in ms. */
  tick(now: number): void {
    if (!Number.isFinite(now)) return;
    this.expire(this.long, now - this.o.establishedTimeoutMs, now);
    this.expire(this.short, now - this.o.shortTimeoutMs, now);
    // Checked every gapTimeoutMs/8; a clock that jumped back (another source) re-arms it.
    if (this.waiting.size === 0) return;
    if (now < this.nextHoleCheck && this.nextHoleCheck - now <= this.o.gapTimeoutMs) return;
    this.nextHoleCheck = now + this.o.gapTimeoutMs / 8;
    for (const f of this.waiting) {
      try {
        this.checkHoles(f, now);
        this.settle(f, now);
      } catch {
        this.counters.errors++;
        this.abandon(f);
      }
    }
  }

  /** End of input: delivers what is held (skipping holes) and closes every flow with "end". */
  flush(now: number): void {
    const ts = Number.isFinite(now) ? now : this.lastTs;
    for (const f of this.table.values()) this.close(f, "end", ts);
  }

  private packet(p: TcpPacket): void {
    const c = this.counters;
    const fam = p.family;
    const n = fam === 4 ? 4 : 16;
    const payload = p.payload;
    if (
      (fam !== 4 && fam !== 6) ||
      !(p.src instanceof Uint8Array) ||
      !(p.dst instanceof Uint8Array) ||
      p.src.length < n ||
      p.dst.length < n ||
      !(payload instanceof Uint8Array) ||
      typeof p.tunnel !== "string" ||
      !validPort(p.srcPort) ||
      !validPort(p.dstPort)
    ) {
      c.malformed++;
      return;
    }
    let ts = p.ts;
    if (Number.isFinite(ts)) this.lastTs = ts;
    else ts = this.lastTs;
    const flags = p.flags & 0xff;
    const seq = p.seq >>> 0;
    const len = payload.length;

    const key = flowKey(p);
    const srcIsA = keySide.srcIsA;
    let f = this.table.get(key);
    if (f === undefined) {
      // A RST, bare ACK or FIN of an unknown flow has nothing to deliver: no state for it.
      if ((flags & TCP_RST) !== 0 || ((flags & TCP_SYN) === 0 && len === 0)) return;
      f = this.open(p, key, srcIsA, flags, ts);
    }
    this.current = f;
    let dir: Direction = ((f.bits & CLIENT_IS_A) !== 0) === srcIsA ? 0 : 1;
    if (ts > f.last) f.last = ts;

    if ((f.bits & IGNORED) !== 0) {
      this.ignoredPacket(f, dir, flags, p, ts);
      return;
    }
    if ((flags & TCP_RST) !== 0) {
      this.rst(f, dir, seq, ts);
      return;
    }
    if ((flags & TCP_SYN) !== 0) {
      const g = this.syn(f, dir, flags, seq, p, key, srcIsA, ts);
      if (g === null) {
        this.settle(f, ts);
        return;
      }
      f = g;
      this.current = f;
      dir = ((f.bits & CLIENT_IS_A) !== 0) === srcIsA ? 0 : 1;
    }

    const dseq = (flags & TCP_SYN) !== 0 ? seqAdd(seq, 1) : seq;
    const init = INIT0 << dir;
    if ((f.bits & init) === 0 && (len > 0 || (flags & TCP_FIN) !== 0)) {
      // Picked up mid-stream: the first data seen sets the direction's sequence.
      f.bits |= init;
      setSeq(f, dir, dseq);
    }
    if (len > 0 && (f.bits & init) !== 0) {
      f.bits |= DATA;
      this.data(f, dir, dseq, payload, ts);
    }
    if ((flags & TCP_FIN) !== 0 && (f.bits & init) !== 0) this.fin(f, dir, seqAdd(dseq, len), ts);
    if (f.pending !== null) {
      if ((flags & TCP_ACK) !== 0) this.ackEvidence(f, dir === 0 ? 1 : 0, p.ack >>> 0, ts);
      if (f.pending !== null) this.checkHoles(f, ts);
    }
    this.settle(f, ts);
    if (this.held > this.o.maxBufferedBytes) this.enforceGlobalCap(ts);
  }

  private open(p: TcpPacket, key: string, srcIsA: boolean, flags: number, ts: number): Flow {
    const c = this.counters;
    if (this.table.size >= this.o.maxFlows) this.evictOldest(ts);
    const handshake = (flags & TCP_SYN) !== 0;
    // The SYN's sender is the client, the SYN-ACK's the server; otherwise guess by port.
    const srcIsClient = handshake ? (flags & TCP_ACK) === 0 : dstIsServer(p.srcPort, p.dstPort);
    const client = srcIsClient ? p.src : p.dst;
    const server = srcIsClient ? p.dst : p.src;
    const info: FlowInfo = {
      clientIp: formatAddress(client, p.family),
      clientPort: srcIsClient ? p.srcPort : p.dstPort,
      serverIp: formatAddress(server, p.family),
      serverPort: srcIsClient ? p.dstPort : p.srcPort,
      tunnel: p.tunnel,
      vni: Number.isInteger(p.vni) ? p.vni : -1,
      vlan: Number.isInteger(p.vlan) ? p.vlan : -1,
      handshake,
      ts,
    };
    let sink: FlowSink | null = null;
    try {
      sink = this.factory(info);
    } catch {
      c.errors++;
    }
    const bits = (srcIsClient === srcIsA ? CLIENT_IS_A : 0) | (sink === null ? IGNORED : 0) | SHORT_LIST;
    const f = new Flow(key, sink ?? null, bits, ts);
    this.short.push(f);
    this.table.set(key, f);
    c.flowsOpened++;
    if (sink === null) c.ignoredFlows++;
    return f;
  }

  /** Flows the factory declined: only FIN, RST and reuse matter, to know when to forget them. */
  private ignoredPacket(f: Flow, dir: Direction, flags: number, p: TcpPacket, ts: number): void {
    if ((f.bits & LINGER) !== 0) {
      if ((flags & TCP_SYN) !== 0 && (flags & TCP_ACK) === 0) {
        // A new connection on the same addresses and ports (TIME_WAIT reuse).
        this.close(f, "fin", ts);
        this.counters.reused++;
        this.packet(p);
      } else {
        if (p.payload.length > 0) this.counters.afterClose++;
        // Kept while retransmissions go on; the list stays in order of last activity.
        this.short.remove(f);
        this.short.push(f);
      }
      return;
    }
    if ((flags & TCP_RST) !== 0) {
      this.close(f, "rst", ts);
      return;
    }
    if ((flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && (f.fin0 !== -1 || f.fin1 !== -1)) {
      this.counters.reused++;
      this.close(f, "fin", ts);
      this.packet(p); // the key is free now: opens the new flow (at most once)
      return;
    }
    if ((flags & TCP_FIN) !== 0) {
      if (dir === 0) f.fin0 = 0;
      else f.fin1 = 0;
      f.bits |= DONE0 << dir;
    }
    this.settle(f, ts);
  }

  /** RST closes at once, if its sequence number is plausible (see TcpOptions.rstWindow). */
  private rst(f: Flow, dir: Direction, seq: number, ts: number): void {
    if ((f.bits & (INIT0 << dir)) !== 0) {
      const d = seqDiff(seq, getSeq(f, dir));
      if (d > this.o.rstWindow || d < -this.o.rstWindow) {
        this.counters.ignoredRst++;
        this.settle(f, ts);
        return;
      }
    }
    this.finish(f, "rst", ts);
  }

  /**
   * A SYN or SYN-ACK: sets a direction's initial sequence, or is a duplicate, or starts a
   * new connection on the same addresses and ports. A new connection replaces the flow at
   * once after a FIN (TIME_WAIT reuse) or when the old one never carried data; otherwise
   * only when the server's SYN-ACK acknowledges that very SYN, so that a SYN injected into
   * a live connection (which the server answers with a challenge ACK, RFC 5961 §4) cannot
   * make us drop the real one. Returns the flow to continue with, or null to stop here.
   */
  private syn(
    f: Flow,
    dir: Direction,
    flags: number,
    seq: number,
    p: TcpPacket,
    key: string,
    srcIsA: boolean,
    ts: number,
  ): Flow | null {
    const c = this.counters;
    const init = INIT0 << dir;
    const isn1 = seqAdd(seq, 1);
    const finSeen = f.fin0 !== -1 || f.fin1 !== -1;
    const synDir = (f.bits & SYN_FROM1) !== 0 ? 1 : 0;
    if ((flags & TCP_ACK) !== 0 && f.synSeq !== -1 && synDir !== dir && p.ack >>> 0 === seqAdd(f.synSeq, 1)) {
      const clientIsn1 = seqAdd(f.synSeq, 1);
      c.reused++;
      this.close(f, finSeen ? "fin" : "evicted", ts);
      const g = this.open(p, key, srcIsA, flags, ts);
      g.bits |= INIT0 | (INIT0 << 1);
      g.seq0 = clientIsn1;
      g.seq1 = isn1;
      return (g.bits & IGNORED) !== 0 ? null : g;
    }
    if ((f.bits & init) === 0) {
      f.bits |= init;
      setSeq(f, dir, isn1);
      return f;
    }
    if (getSeq(f, dir) === isn1) return f; // a duplicate (a retransmitted SYN may carry data)
    if ((flags & TCP_ACK) === 0) {
      if (finSeen || (f.bits & DATA) === 0) {
        c.reused++;
        this.close(f, finSeen ? "fin" : "evicted", ts);
        const g = this.open(p, key, srcIsA, flags, ts);
        g.bits |= INIT0; // the SYN's sender is the client, direction 0
        g.seq0 = isn1;
        return (g.bits & IGNORED) !== 0 ? null : g;
      }
      f.synSeq = seq;
      if (dir === 1) f.bits |= SYN_FROM1;
      else f.bits &= ~SYN_FROM1;
      return null;
    }
    return null;
  }

  /** Payload of direction `dir` starting at sequence number `seq`. */
  private data(f: Flow, dir: Direction, seq: number, bytes: Uint8Array, ts: number): void {
    const c = this.counters;
    const next = getSeq(f, dir);
    const rel = seqDiff(seq, next);
    let len = bytes.length;
    if (rel > this.o.maxWindow) {
      c.outOfWindowSegments++;
      return;
    }
    const fin = finOf(f, dir);
    if (fin !== -1) {
      // Nothing exists past a FIN (RFC 9293 §3.10.7.4): cut what claims to.
      const room = seqDiff(fin, seq);
      if (room < len) {
        if (room <= 0) {
          c.outOfWindowSegments++;
          return;
        }
        bytes = bytes.subarray(0, room);
        len = room;
      }
    }
    const end = rel + len;
    if (end <= 0) {
      c.retransmittedBytes += len;
      return;
    }
    const pend = f.pending;
    const segs = pend === null ? null : segsOf(pend, dir);
    if (rel <= 0 && (segs === null || segs.length === 0 || end <= seqDiff(segs[0]!.seq, next))) {
      // The hot path: next in order and clear of anything buffered, delivered from the view.
      if (rel < 0) {
        c.retransmittedBytes -= rel;
        bytes = bytes.subarray(-rel);
      }
      setSeq(f, dir, seqAdd(next, end));
      this.deliver(f, dir, bytes, ts);
      if (f.pending !== null) this.drain(f, dir, ts);
      return;
    }
    if (rel > 0) c.outOfOrderSegments++;
    this.insert(f, dir, seq, bytes, ts);
    if (rel <= 0) this.drain(f, dir, ts);
    const p = f.pending;
    if (p !== null && p.bytes > this.o.maxFlowBufferBytes) this.enforceFlowCap(f, ts);
  }

  /**
   * Copies the parts of a segment that no buffered segment holds yet. Where it overlaps
   * buffered data, the first arrival wins and a difference counts as a conflict: the
   * receiving host's choice is unknowable, so we keep one reading and say so.
   */
  private insert(f: Flow, dir: Direction, seq: number, bytes: Uint8Array, ts: number): void {
    const c = this.counters;
    let pend = f.pending;
    if (pend === null) {
      pend = new Pending(ts);
      f.pending = pend;
      this.waiting.add(f);
    }
    const segs = segsOf(pend, dir);
    if (segs.length === 0 && !finPending(f, dir)) setSince(pend, dir, ts);
    const next = getSeq(f, dir);
    const r0 = seqDiff(seq, next);
    const end = r0 + bytes.length;
    let r = r0;
    if (r0 < 0) {
      c.retransmittedBytes -= r0;
      r = 0;
    }
    let i = 0;
    while (i < segs.length) {
      const s = segs[i]!;
      if (seqDiff(s.seq, next) + s.data.length > r) break;
      i++;
    }
    while (r < end) {
      const s = segs[i];
      const sr = s === undefined ? end : seqDiff(s.seq, next);
      if (sr > r) {
        const stop = end < sr ? end : sr;
        const data = bytes.slice(r - r0, stop - r0);
        segs.splice(i, 0, { seq: seqAdd(next, r), data });
        pend.bytes += data.length + SEGMENT_OVERHEAD;
        this.held += data.length + SEGMENT_OVERHEAD;
        i++;
        r = stop;
        continue;
      }
      const held = s!.data;
      const se = sr + held.length;
      const stop = end < se ? end : se;
      if (!sameBytes(bytes, r - r0, held, r - sr, stop - r)) c.overlapConflicts++;
      c.retransmittedBytes += stop - r;
      r = stop;
      i++;
    }
  }

  /** Delivers buffered segments that became in order; marks the direction done at its FIN. */
  private drain(f: Flow, dir: Direction, ts: number): void {
    const pend = f.pending;
    if (pend === null) return;
    const segs = segsOf(pend, dir);
    let next = getSeq(f, dir);
    let moved = false;
    while (segs.length > 0) {
      const s = segs[0]!;
      const r = seqDiff(s.seq, next);
      if (r > 0) break;
      segs.shift();
      this.release(pend, s.data.length + SEGMENT_OVERHEAD);
      moved = true;
      if (-r < s.data.length) {
        next = seqAdd(next, s.data.length + r);
        setSeq(f, dir, next);
        this.deliver(f, dir, r === 0 ? s.data : s.data.subarray(-r), ts);
      }
    }
    if (moved) setSince(pend, dir, ts);
    const fin = finOf(f, dir);
    if (fin !== -1 && seqDiff(next, fin) >= 0) {
      f.bits |= DONE0 << dir;
      for (const s of segs) this.release(pend, s.data.length + SEGMENT_OVERHEAD);
      segs.length = 0;
    }
    if (
      pend.segs0.length === 0 &&
      pend.segs1.length === 0 &&
      !finPending(f, 0) &&
      !finPending(f, 1) &&
      f.pending === pend
    ) {
      f.pending = null;
      this.waiting.delete(f);
    }
  }

  private fin(f: Flow, dir: Direction, finSeq: number, ts: number): void {
    if (finOf(f, dir) === -1) {
      if (dir === 0) f.fin0 = finSeq;
      else f.fin1 = finSeq;
    }
    const fin = finOf(f, dir);
    if (f.pending === null) {
      if (seqDiff(getSeq(f, dir), fin) >= 0) {
        f.bits |= DONE0 << dir;
        return;
      }
      // The FIN waits behind a hole: it needs the same gap handling as buffered data.
      f.pending = new Pending(ts);
      this.waiting.add(f);
    } else if (segsOf(f.pending, dir).length === 0) {
      setSince(f.pending, dir, ts);
    }
    this.drain(f, dir, ts);
  }

  /** Where the first waiting thing of a direction starts (segment or FIN), or -1. */
  private firstPending(f: Flow, dir: Direction): number {
    const p = f.pending;
    if (p === null) return -1;
    const s = segsOf(p, dir)[0];
    if (s !== undefined) return s.seq;
    return finPending(f, dir) ? finOf(f, dir) : -1;
  }

  /** Declares the bytes up to `target` lost and delivers what follows. Returns the bytes lost. */
  private skip(f: Flow, dir: Direction, target: number, ts: number): number {
    const lost = seqDiff(target, getSeq(f, dir));
    if (lost > 0) {
      const c = this.counters;
      c.gaps++;
      c.gapBytes += lost;
      setSeq(f, dir, target);
      if (f.sink !== null) f.sink.gap(dir, lost, ts);
    }
    this.drain(f, dir, ts);
    return lost > 0 ? lost : 0;
  }

  /**
   * The peer acknowledged bytes past our next expected one: the receiver got bytes the
   * mirror did not show us, so waiting longer is pointless. Only acted on while something
   * waits behind the hole (a lone ACK may race ahead of its data across two capture ports).
   */
  private ackEvidence(f: Flow, d: Direction, ack: number, ts: number): void {
    if ((f.bits & (INIT0 << d)) === 0) return;
    const fp = this.firstPending(f, d);
    if (fp === -1) return;
    const a = seqDiff(ack, getSeq(f, d));
    if (a <= 0 || a > this.o.maxWindow) return;
    const target = seqDiff(ack, fp) < 0 ? ack : fp;
    if (this.skip(f, d, target, ts) > 0) this.counters.gapsByAck++;
  }

  /** Holes older than gapTimeoutMs are declared gaps. */
  private checkHoles(f: Flow, ts: number): void {
    for (let k = 0; k < 2; k++) {
      const d: Direction = k === 0 ? 0 : 1;
      const p = f.pending;
      if (p === null) return;
      const since = d === 0 ? p.since0 : p.since1;
      if (ts - since <= this.o.gapTimeoutMs) continue;
      const fp = this.firstPending(f, d);
      if (fp !== -1 && this.skip(f, d, fp, ts) > 0) this.counters.gapsByTimeout++;
    }
  }

  /** Skips every hole of both directions (and, when closing, the one before a FIN). */
  private skipAll(f: Flow, ts: number, toFin: boolean): void {
    for (let k = 0; k < 2; k++) {
      const d: Direction = k === 0 ? 0 : 1;
      for (;;) {
        const p = f.pending;
        if (p === null) break;
        const s = segsOf(p, d)[0];
        if (s !== undefined) this.skip(f, d, s.seq, ts);
        else {
          if (toFin && finPending(f, d)) this.skip(f, d, finOf(f, d), ts);
          break;
        }
      }
    }
  }

  private enforceFlowCap(f: Flow, ts: number): void {
    this.counters.capsHitFlow++;
    let p = f.pending;
    while (p !== null && p.bytes > this.o.maxFlowBufferBytes) {
      const d: Direction = p.segs0.length >= p.segs1.length ? 0 : 1;
      const s = segsOf(p, d)[0];
      if (s === undefined) break;
      this.skip(f, d, s.seq, ts);
      p = f.pending;
    }
  }

  /** All buffers together are too big: skip the holes of the flows that have waited longest. */
  private enforceGlobalCap(ts: number): void {
    this.counters.capsHitGlobal++;
    for (const f of this.waiting) {
      if (this.held <= this.o.maxBufferedBytes) break;
      try {
        this.skipAll(f, ts, false);
        this.settle(f, ts);
      } catch {
        this.counters.errors++;
        this.abandon(f);
      }
    }
  }

  private deliver(f: Flow, dir: Direction, bytes: Uint8Array, ts: number): void {
    const s = f.sink;
    if (s === null || bytes.length === 0) return;
    this.counters.bytesDelivered += bytes.length;
    s.data(dir, bytes, ts);
  }

  private release(p: Pending, n: number): void {
    p.bytes -= n;
    this.held -= n;
  }

  private dropPending(f: Flow): void {
    const p = f.pending;
    if (p === null) return;
    this.held -= p.bytes;
    p.bytes = 0;
    f.pending = null;
    this.waiting.delete(f);
  }

  /** Closes a flow that finished both ways, or files it on the list matching its state. */
  private settle(f: Flow, ts: number): void {
    if ((f.bits & CLOSED) !== 0) return;
    if ((f.bits & (DONE0 | DONE1)) === (DONE0 | DONE1)) {
      this.finish(f, "fin", ts);
      return;
    }
    const short = (f.bits & (IGNORED | DATA)) !== DATA || f.fin0 !== -1 || f.fin1 !== -1;
    const onShort = (f.bits & SHORT_LIST) !== 0;
    if (short === onShort && (short ? this.short.tail : this.long.tail) === f) return;
    (onShort ? this.short : this.long).remove(f);
    if (short) {
      f.bits |= SHORT_LIST;
      this.short.push(f);
    } else {
      f.bits &= ~SHORT_LIST;
      this.long.push(f);
    }
  }

  /**
   * A flow that ended on the wire (FIN both ways, RST): closed for its consumer, then kept
   * as a tombstone for the short timeout (see LINGER). Ignored flows just close.
   */
  private finish(f: Flow, reason: CloseReason, ts: number): void {
    if ((f.bits & IGNORED) !== 0 || (f.bits & CLOSED) !== 0) {
      this.close(f, reason, ts);
      return;
    }
    this.close(f, reason, ts);
    // Back in the table as a tombstone: no consumer, no buffers, on the short list.
    f.bits = (f.bits & ~(CLOSED | SHORT_LIST)) | LINGER | IGNORED | SHORT_LIST;
    f.last = ts;
    this.table.set(f.key, f);
    this.short.push(f);
    this.lingering++;
  }

  private close(f: Flow, reason: CloseReason, ts: number): void {
    if ((f.bits & CLOSED) !== 0) return;
    if ((f.bits & LINGER) !== 0) {
      // A tombstone leaving: it was counted closed when it finished.
      f.bits |= CLOSED;
      this.lingering--;
      if (this.table.get(f.key) === f) this.table.delete(f.key);
      ((f.bits & SHORT_LIST) !== 0 ? this.short : this.long).remove(f);
      return;
    }
    f.bits |= CLOSED;
    if (this.table.get(f.key) === f) this.table.delete(f.key);
    ((f.bits & SHORT_LIST) !== 0 ? this.short : this.long).remove(f);
    this.counters.flowsClosed++;
    if (f.sink !== null && f.pending !== null) {
      try {
        this.skipAll(f, ts, true);
      } catch {
        this.counters.errors++;
      }
    }
    this.dropPending(f);
    const sink = f.sink;
    f.sink = null;
    if (sink === null) return;
    try {
      sink.close(reason, ts);
    } catch {
      this.counters.errors++;
    }
  }

  /** Stops calling a flow's consumer (it threw) and frees what the flow held. */
  private abandon(f: Flow): void {
    this.dropPending(f);
    f.sink = null;
    f.bits |= IGNORED;
  }

  private evictOldest(ts: number): void {
    const a = this.long.head;
    const b = this.short.head;
    const victim = a === null ? b : b === null ? a : a.last <= b.last ? a : b;
    if (victim === null) return;
    if ((victim.bits & LINGER) === 0) this.counters.evicted++;
    this.close(victim, "evicted", ts);
  }

  private expire(list: FlowList, before: number, now: number): void {
    for (let f = list.head; f !== null && f.last < before; f = list.head) {
      if ((f.bits & LINGER) === 0) this.counters.timedOut++;
      this.close(f, "timeout", now);
    }
  }
}

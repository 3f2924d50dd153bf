import type { DecoderCounters, DecoderOptions } from "./options.js";

/**
 * IP fragment reassembly, IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5), bounded: at most
 * `maxFragmentDatagrams` datagrams and `maxFragmentBytes` bytes held, `maxFragmentsPerDatagram`
 * pieces per datagram, 65535 bytes per datagram, and a timeout from the first fragment.
 *
 * Overlaps, where analyzers and hosts historically disagreed (the basis of evasion
 * attacks, Ptacek & Newsham 1998):
 * - IPv4: the first bytes to arrive win. A later fragment only fills what is still missing;
 *   the overlap is counted (`fragmentOverlaps`). Deterministic whatever the policy of the
 *   real receiver, and the counter makes the attempt visible.
 * - IPv6: RFC 5722 (now RFC 8200 §4.5) says a datagram with overlapping fragments is
 *   abandoned whole; an exact duplicate (same offset, length and bytes), which a mirror
 *   that copies a packet twice produces, is dropped alone as RFC 8200 allows.
 *
 * A complete datagram comes back as one new buffer laid out as
 * [source address][destination address][payload], the addresses copied from the first
 * fragment seen, so the decoder can point TcpPacket.src/dst into it.
 */

interface Piece {
  start: number;
  data: Uint8Array;
}

interface Pending {
  readonly key: string;
  readonly created: number;
  readonly family: 4 | 6;
  readonly addrs: Uint8Array;
  /** Protocol of the payload; for IPv6 known once the offset-0 fragment arrived (else -1). */
  proto: number;
  /** Payload length, known once the last fragment (MF = 0) arrived, else -1. */
  total: number;
  /** Sorted, non-overlapping. */
  pieces: Piece[];
  /** Payload bytes held (= covered, since pieces do not overlap). */
  have: number;
  /** Highest end offset seen. */
  maxEnd: number;
  /** Fragments accepted into this datagram, for the dropped counter when it is abandoned. */
  count: number;
}

const MAX_DATAGRAM = 65535;

export class FragmentTable {
  private readonly pending = new Map<string, Pending>();
  private bytes = 0;
  /** Protocol of the datagram last returned by add(). */
  proto = 0;

  constructor(
    private readonly opts: Pick<
      DecoderOptions,
      "maxFragmentDatagrams" | "maxFragmentBytes" | "maxFragmentsPerDatagram" | "fragmentTimeoutMs"
    >,
    private readonly c: DecoderCounters,
  ) {}

  /** Datagrams and bytes held, for tests and metrics. */
  get size(): number {
    return this.pending.size;
  }
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * One fragment: payload bytes buf[from, to) at `offset` in the datagram. `key` identifies
   * the datagram (addresses, id, protocol for IPv4, and the tunnel path, so that fragments
   * from different VPCs never mix); `addr` holds the source and destination addresses at
   * srcOff/dstOff, `alen` bytes each. `proto` is the IPv4 protocol, or the IPv6 fragment
   * header's next header (used from the offset-0 fragment only, RFC 8200 §4.5).
   * Returns the reassembled [src][dst][payload] buffer when this fragment completes it.
   */
  add(
    key: string,
    family: 4 | 6,
    addr: Uint8Array,
    srcOff: number,
    dstOff: number,
    proto: number,
    offset: number,
    more: boolean,
    buf: Uint8Array,
    from: number,
    to: number,
    ts: number,
  ): Uint8Array | null {
    const c = this.c;
    c.fragments++;
    const len = to - from;
    const end = offset + len;
    // Every fragment but the last carries a multiple of 8 bytes (RFC 8200 §4.5 says to
    // discard it otherwise; RFC 791 implies it), and nothing goes past 65535.
    if ((more && (len === 0 || (len & 7) !== 0)) || end > MAX_DATAGRAM) {
      c.malformed++;
      c.fragmentsDropped++;
      return null;
    }
    let p = this.pending.get(key);
    if (p !== undefined && ts - p.created >= this.opts.fragmentTimeoutMs) {
      c.fragmentTimeouts++;
      this.drop(p);
      p = undefined;
    }
    if (p === undefined) {
      while (this.pending.size >= this.opts.maxFragmentDatagrams) {
        const oldest = this.pending.values().next().value;
        if (oldest === undefined) break;
        this.drop(oldest);
      }
      const alen = family === 4 ? 4 : 16;
      const addrs = new Uint8Array(2 * alen);
      addrs.set(addr.subarray(srcOff, srcOff + alen), 0);
      addrs.set(addr.subarray(dstOff, dstOff + alen), alen);
      p = {
        key,
        created: ts,
        family,
        addrs,
        proto: family === 4 ? proto : -1,
        total: -1,
        pieces: [],
        have: 0,
        maxEnd: 0,
        count: 0,
      };
      this.pending.set(key, p);
    }
    // Lengths must agree: one last fragment, and nothing beyond it.
    if (!more) {
      if ((p.total >= 0 && p.total !== end) || p.maxEnd > end) return this.abandon(p);
      p.total = end;
    } else if (p.total >= 0 && end > p.total) {
      return this.abandon(p);
    }

    const added =
      family === 4 ? this.insert4(p, offset, buf, from, to) : this.insert6(p, offset, buf, from, to);
    if (added < 0) return added === -1 ? null : this.abandon(p);
    if (p.pieces.length > this.opts.maxFragmentsPerDatagram) return this.abandon(p);
    p.count++;
    p.have += added;
    this.bytes += added;
    if (end > p.maxEnd) p.maxEnd = end;
    if (family === 6 && offset === 0) p.proto = proto;
    if (this.bytes > this.opts.maxFragmentBytes) {
      for (const q of this.pending.values()) {
        if (this.bytes <= this.opts.maxFragmentBytes) break;
        if (q !== p) this.drop(q);
      }
      if (this.bytes > this.opts.maxFragmentBytes) {
        this.drop(p);
        return null;
      }
    }
    if (p.total < 0 || p.have !== p.total || p.proto < 0) return null;
    return this.assemble(p);
  }

  /** Drops datagrams whose first fragment is `fragmentTimeoutMs` or more before `now`. */
  tick(now: number): void {
    for (const p of this.pending.values()) {
      if (now - p.created >= this.opts.fragmentTimeoutMs) {
        this.c.fragmentTimeouts++;
        this.drop(p);
      }
    }
  }

  /**
   * IPv4, first arrival wins: copies only the parts of [offset, offset+len) not yet held.
   * Returns the bytes added, or -1 when nothing was new (a full duplicate, dropped).
   */
  private insert4(p: Pending, offset: number, buf: Uint8Array, from: number, to: number): number {
    const end = offset + (to - from);
    const pieces = p.pieces;
    let cursor = offset;
    let added = 0;
    let overlapped = false;
    for (let i = 0; i < pieces.length && cursor < end; i++) {
      const q = pieces[i]!;
      const qEnd = q.start + q.data.length;
      if (qEnd <= cursor) continue;
      if (q.start >= end) break;
      if (q.start > cursor) {
        pieces.splice(i, 0, {
          start: cursor,
          data: buf.slice(from + cursor - offset, from + q.start - offset),
        });
        added += q.start - cursor;
        i++;
      }
      overlapped = true;
      cursor = qEnd;
    }
    if (cursor < end) {
      let i = pieces.length;
      while (i > 0 && pieces[i - 1]!.start > cursor) i--;
      pieces.splice(i, 0, { start: cursor, data: buf.slice(from + cursor - offset, to) });
      added += end - cursor;
    }
    if (overlapped) this.c.fragmentOverlaps++;
    if (added === 0 && end > offset) {
      this.c.fragmentsDropped++;
      return -1;
    }
    return added;
  }

  /**
   * IPv6: any overlap abandons the datagram (-2), except an exact duplicate, dropped
   * alone (-1). Returns the bytes added.
   */
  private insert6(p: Pending, offset: number, buf: Uint8Array, from: number, to: number): number {
    const len = to - from;
    const end = offset + len;
    const pieces = p.pieces;
    let i = 0;
    for (; i < pieces.length; i++) {
      const q = pieces[i]!;
      const qEnd = q.start + q.data.length;
      if (qEnd <= offset) continue;
      if (q.start >= end) break;
      if (q.start === offset && qEnd === end && sameBytes(q.data, buf, from)) {
        this.c.fragmentsDropped++;
        return -1;
      }
      return -2;
    }
    pieces.splice(i, 0, { start: offset, data: buf.slice(from, to) });
    return len;
  }

  private assemble(p: Pending): Uint8Array {
    const a = p.addrs.length;
    const out = new Uint8Array(a + p.total);
    out.set(p.addrs, 0);
    for (const q of p.pieces) out.set(q.data, a + q.start);
    this.pending.delete(p.key);
    this.bytes -= p.have;
    this.proto = p.proto;
    this.c.fragmentsReassembled++;
    return out;
  }

  /** Abandons a datagram because of the fragment being added: it is dropped too. */
  private abandon(p: Pending): null {
    this.c.fragmentsDropped++;
    this.drop(p);
    return null;
  }

  private drop(p: Pending): void {
    this.c.fragmentsDropped += p.count;
    this.bytes -= p.have;
    this.pending.delete(p.key);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, from: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[from + i]) return false;
  return true;
}

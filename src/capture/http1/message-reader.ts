import type { Direction } from "../tcp/types.js";
import { addAnomaly } from "./anomaly-list.js";
import { ByteBuffer } from "./byte-buffer.js";
import type { Http1Counters } from "./counters.js";
import {
  BODY_CHUNKED,
  BODY_LENGTH,
  BODY_NONE,
  BODY_UNKNOWN,
  BODY_UNTIL_CLOSE,
  type MessageHead,
  parseHead,
  readFieldLines,
} from "./head.js";
import { headCost } from "./held-budget.js";
import {
  MAX_START_LINE,
  NOT_START,
  type ScanResult,
  STATUS_LINE,
  type StartKind,
  scanForStart,
  startLineKind,
} from "./start-line.js";

/** One finished (or cut) message of one direction. */
export interface ParsedMessage {
  readonly head: MessageHead;
  /** The body as it crossed the wire (chunked framing removed), at most maxBodyBytes. */
  readonly body: Uint8Array;
  /** Body bytes on the wire, kept or not (chunk framing not counted). */
  readonly wireBytes: number;
  /** Whether `body` lacks some of the body (beyond maxBodyBytes, or a capture gap). */
  readonly truncated: boolean;
  /** False when the message was cut (gap, end of flow, unreadable framing). */
  readonly complete: boolean;
  readonly tsStart: number;
  readonly tsEnd: number;
  /** Bytes it keeps in memory (head estimate + body capacity), charged while it waits. */
  readonly held: number;
}

/** What the flow tells the reader about the body of a message once it has seen its head. */
export const RULE_NORMAL = 0;
/** No body whatever the fields say (response to HEAD, RFC 9112 §6.3 item 1). */
export const RULE_NO_BODY = 1;
/** The connection stops being HTTP/1.x after this head (101, 2xx to CONNECT: §6.3 item 2). */
export const RULE_TUNNEL = 2;
export type BodyRule = typeof RULE_NORMAL | typeof RULE_NO_BODY | typeof RULE_TUNNEL;

export interface ReaderOwner {
  onHead(dir: Direction, head: MessageHead, ts: number): BodyRule;
  onMessage(dir: Direction, msg: ParsedMessage): void;
  /** Bytes skipped while resynchronising (lets the flow give up on non-HTTP traffic). */
  onSkipped(n: number): void;
  /** Room for n more bytes under the tracker's held-bytes budget; false: keep less. */
  reserve(n: number): boolean;
  /** Bytes already in memory (a parsed head) charged to the flow; never refused. */
  charge(n: number): void;
  release(n: number): void;
}

export interface ReaderLimits {
  readonly maxHeadBytes: number;
  readonly maxHeaders: number;
  readonly maxBodyBytes: number;
}

const S_HEAD = 0;
const S_BODY = 1;
const S_CHUNK_SIZE = 2;
const S_CHUNK_DATA = 3;
const S_CHUNK_END = 4;
const S_TRAILERS = 5;
const S_UNTIL_CLOSE = 6;
const S_RESYNC = 7;
const S_DEAD = 8;

/** Hex digits of a chunk size beyond which the size is not believed (2^48 bytes). */
const MAX_CHUNK_DIGITS = 12;
/** Chunk extensions longer than this are noted (they are skipped, never buffered). */
const MAX_CHUNK_EXT = 4096;

const EMPTY = new Uint8Array(0);

/**
 * Bodies of known length up to this are allocated at their exact size on their first
 * bytes (no copy); longer ones start here and grow fourfold, so that a Content-Length and
 * one byte never reserve more than this. What is reserved is charged to the global budget:
 * with 2,000 connections each starting a large response, bench:packet's mix reserves up to
 * ~250 MiB for bytes not yet seen, which is why the budget's default is 256 MiB (at 128 MiB
 * it cut healthy flows). Starting smaller (32 KiB) cost ~10% of the path's throughput.
 */
const FIRST_BODY_ALLOC = 256 * 1024;

/** Detail of the anomaly on a message cut by the tracker's held-bytes budget. */
export const BUDGET_DETAIL = "cut by the HTTP/1.x memory budget (maxHeldBytes)";

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The end of a head: the offset just past the empty line that follows the field lines
 * (CRLF CRLF, or bare LFs read leniently, RFC 9112 §2.2), looking at LFs from `from`.
 */
function findHeadEnd(b: Buffer, from: number): number {
  let i = b.indexOf(10, from);
  while (i >= 0) {
    const c = b[i + 1];
    if (c === 10) return i + 2;
    if (c === 13) {
      const d = b[i + 2];
      if (d === 10) return i + 3;
      if (d === undefined) return -1;
    }
    if (c === undefined) return -1;
    i = b.indexOf(10, i + 1);
  }
  return -1;
}

/**
 * One direction of one connection: an incremental state machine over the bytes as they
 * arrive, turning them into messages. Heads wholly inside one chunk are parsed in place;
 * bodies are copied once, up to maxBodyBytes, and the rest is skipped by length.
 */
export class DirectionReader {
  private state = S_HEAD;
  private readonly headBuf: ByteBuffer;
  /** Kind of the start line in headBuf, once its first line is complete. */
  private kind: StartKind = NOT_START;
  private head: MessageHead | null = null;
  /** What `head` is charged to the flow (headCost), 0 when none. */
  private headHeld = 0;
  private tsStart = 0;
  private remaining = 0;
  private body: Uint8Array | null = null;
  private bodyLen = 0;
  /** Most body bytes this message may be allocated (min(Content-Length, maxBodyBytes)). */
  private bodyLimit = 0;
  /** Whether the budget refused body room: bytes past the allocation are not kept. */
  private bodyDenied = false;
  /** The message was emitted early (budget): the rest of its framing is skipped, not kept. */
  private skipRest = false;
  private wire = 0;
  private truncated = false;
  private hole = false;
  private chunkSize = 0;
  private chunkDigits = 0;
  private inExt = false;
  private extLen = 0;
  private sawCr = false;
  private readonly trailer: ByteBuffer;
  private trailerDenied = false;
  private trailerLine = 0;
  private trailerLast = 0;
  private readonly carry: ByteBuffer;
  private lineStart = true;
  private carryLineStart = false;
  private readonly scan: ScanResult = { found: -1, keep: -1, keepLineStart: false };
  /** Time of the last bytes seen in this direction. */
  lastTs = 0;

  constructor(
    private readonly dir: Direction,
    private readonly owner: ReaderOwner,
    private readonly limits: ReaderLimits,
    private readonly counters: Http1Counters,
    midStream: boolean,
  ) {
    // Picked up mid-stream: the first bytes may be anywhere in a message.
    if (midStream) this.state = S_RESYNC;
    this.headBuf = new ByteBuffer(limits.maxHeadBytes + 1, owner);
    this.trailer = new ByteBuffer(limits.maxHeadBytes, owner);
    this.carry = new ByteBuffer(MAX_START_LINE + 2, owner);
  }

  get stopped(): boolean {
    return this.state === S_DEAD;
  }

  /** Whether a message has begun and not ended (for the response timeout). */
  get inMessage(): boolean {
    return this.head !== null || this.headBuf.length > 0;
  }

  data(bytes: Uint8Array, ts: number): void {
    if (this.state === S_DEAD) return;
    this.lastTs = ts;
    const b = asBuffer(bytes);
    const n = b.length;
    let p = 0;
    while (p < n) {
      switch (this.state) {
        case S_HEAD:
          p = this.readHead(b, p, ts);
          break;
        case S_BODY:
        case S_CHUNK_DATA: {
          const k = Math.min(this.remaining, n - p);
          this.keep(b, p, k);
          p += k;
          this.remaining -= k;
          if (this.remaining === 0) {
            if (this.state === S_BODY) this.finish(ts, true);
            else {
              this.state = S_CHUNK_END;
              this.sawCr = false;
            }
          }
          break;
        }
        case S_CHUNK_SIZE:
          p = this.readChunkSize(b, p, ts);
          break;
        case S_CHUNK_END: {
          const c = b[p];
          if (c === 13 && !this.sawCr) {
            this.sawCr = true;
            p++;
          } else if (c === 10) {
            p++;
            this.state = S_CHUNK_SIZE;
          } else p = this.framingLost(p, ts, "missing CRLF after chunk data");
          break;
        }
        case S_TRAILERS:
          p = this.readTrailers(b, p, ts);
          break;
        case S_UNTIL_CLOSE:
          this.keep(b, p, n - p);
          p = n;
          break;
        case S_RESYNC:
          p = this.resync(b, p, ts);
          break;
        default:
          return;
      }
    }
  }

  /** `lost` bytes will never arrive: keep our place if the framing allows, else resynchronise. */
  gap(lost: number, ts: number): void {
    switch (this.state) {
      case S_BODY:
      case S_CHUNK_DATA:
        this.markHole();
        if (this.remaining > lost) {
          // Still inside a body of known length: its end, and the next message, are known.
          this.remaining -= lost;
          this.wire += lost;
          return;
        }
        this.wire += this.remaining;
        this.cut(ts, "message cut by a capture gap");
        break;
      case S_UNTIL_CLOSE:
        this.markHole();
        this.wire += lost;
        return;
      case S_CHUNK_SIZE:
      case S_CHUNK_END:
      case S_TRAILERS:
        this.cut(ts, "message cut by a capture gap");
        break;
      case S_HEAD:
        if (this.headBuf.length > 0) {
          this.counters.parseErrors++;
          this.skipped(this.headBuf.length);
        }
        break;
      case S_RESYNC:
        this.skipped(this.carry.length);
        break;
      default:
        return;
    }
    this.counters.resyncs++;
    this.enterResync(true);
  }

  /** End of the flow: a body delimited by the close is complete, anything else is cut. */
  end(ts: number): void {
    switch (this.state) {
      case S_UNTIL_CLOSE:
        this.finish(ts, true);
        break;
      case S_BODY:
      case S_CHUNK_SIZE:
      case S_CHUNK_DATA:
      case S_CHUNK_END:
      case S_TRAILERS:
        this.cut(ts, "message cut short by the end of the flow");
        break;
      case S_HEAD:
        if (this.headBuf.length > 0 && this.kind !== NOT_START) {
          // A head the flow ended in the middle of: what was read is still worth analysing.
          const v = this.headBuf.view();
          const head = parseHead(v, 0, v.length, this.kind === STATUS_LINE, this.limits.maxHeaders);
          addAnomaly(head.anomalies, "http_parse_error", "head cut short by the end of the flow");
          this.owner.onHead(this.dir, head, ts);
          this.setHead(head, v.length);
          this.finish(ts, false);
        } else if (this.headBuf.length > 0) this.skipped(this.headBuf.length);
        break;
      case S_RESYNC:
        this.skipped(this.carry.length);
        break;
      default:
        break;
    }
    this.stop();
  }

  /** Stop reading this direction for good (upgrade, tunnel, end, not HTTP). */
  stop(): void {
    this.state = S_DEAD;
    this.dropMessage();
    this.headBuf.clear();
    this.carry.clear();
    this.trailer.clear();
  }

  // --- heads ---

  private readHead(b: Buffer, p: number, ts: number): number {
    const n = b.length;
    const max = this.limits.maxHeadBytes;
    const lineMax = Math.min(MAX_START_LINE, max);
    if (this.headBuf.length === 0) {
      // RFC 9112 §2.2: empty lines before a message are ignored.
      while (p < n && (b[p] === 13 || b[p] === 10)) p++;
      if (p === n) return n;
      this.tsStart = ts;
      const lf = b.indexOf(10, p);
      if (lf < 0) {
        if (n - p > lineMax) return this.notAStart(p, false);
        this.kind = NOT_START;
        if (!this.headBuf.append(b, p, n)) return this.headRefused(p, ts);
        return n;
      }
      const kind = startLineKind(b, p, lf);
      if (kind === NOT_START) return this.notAStart(p, false);
      const e = findHeadEnd(b, lf);
      if (e >= 0 && e - p <= max) {
        this.gotHead(parseHead(b, p, e, kind === STATUS_LINE, this.limits.maxHeaders), e - p, ts);
        return e;
      }
      if (e < 0 && n - p <= max) {
        this.kind = kind;
        // No room under the budget: what this chunk holds of the head is all there will be.
        if (!this.headBuf.append(b, p, n)) this.headTooLong(b, p, n, kind, ts, BUDGET_DETAIL);
        return n;
      }
      this.headTooLong(b, p, p + max, kind, ts);
      return p + max;
    }
    // A head begun in an earlier chunk.
    const old = this.headBuf.length;
    const take = Math.min(n - p, max + 1 - old);
    if (!this.headBuf.append(b, p, p + take)) return this.headRefused(p, ts);
    const v = this.headBuf.view();
    let from = Math.max(0, old - 3);
    if (this.kind === NOT_START) {
      const lf = v.indexOf(10, old);
      if (lf < 0) {
        if (v.length <= lineMax) return p + take;
        this.skipped(old);
        this.headBuf.clear();
        return this.notAStart(p, false);
      }
      const kind = startLineKind(v, 0, lf);
      if (kind === NOT_START) {
        this.skipped(old);
        this.headBuf.clear();
        return this.notAStart(p, false);
      }
      this.kind = kind;
      from = lf;
    }
    const e = findHeadEnd(v, from);
    if (e >= 0 && e <= max) {
      const head = parseHead(v, 0, e, this.kind === STATUS_LINE, this.limits.maxHeaders);
      this.headBuf.clear();
      this.gotHead(head, e, ts);
      return p + (e - old);
    }
    if (v.length > max) {
      this.headTooLong(v, 0, max, this.kind, ts);
      this.headBuf.clear();
    }
    return p + take;
  }

  /**
   * The budget refused room for a head begun in an earlier chunk: the head is cut at what
   * was gathered (emitted with an anomaly when its start line is known), and the rest of it
   * in this chunk is skipped by resynchronising.
   */
  private headRefused(p: number, ts: number): number {
    const v = this.headBuf.view();
    if (this.kind === NOT_START) {
      this.skipped(v.length);
      this.counters.resyncs++;
      this.enterResync(false);
      return p;
    }
    this.headTooLong(v, 0, v.length, this.kind, ts, BUDGET_DETAIL);
    this.headBuf.clear();
    return p;
  }

  /**
   * A head longer than maxHeadBytes (or than the budget left room for, `detail`): keep
   * what fits, and find the next message.
   */
  private headTooLong(
    b: Buffer,
    start: number,
    cut: number,
    kind: StartKind,
    ts: number,
    detail?: string,
  ): void {
    let end = b.lastIndexOf(10, cut - 1);
    if (end < start) end = cut;
    const head = parseHead(b, start, end, kind === STATUS_LINE, this.limits.maxHeaders);
    if (detail === undefined) {
      addAnomaly(head.anomalies, "headers_limit", `head longer than ${this.limits.maxHeadBytes} bytes`);
      this.counters.parseErrors++;
    } else addAnomaly(head.anomalies, "headers_limit", `head ${detail}`);
    this.owner.onHead(this.dir, head, ts);
    if (this.state === S_DEAD) return;
    this.setHead(head, end - start);
    this.finish(ts, false);
    if (this.state === S_DEAD) return;
    this.counters.resyncs++;
    this.enterResync(false);
  }

  /** The message being read is `head` (`raw` bytes on the wire): charged until it leaves. */
  private setHead(head: MessageHead, raw: number): void {
    this.head = head;
    this.headHeld = headCost(raw, head.headers.length);
    this.owner.charge(this.headHeld);
  }

  /** Forgets the message being read (head and body) and releases what it held. */
  private dropMessage(): void {
    this.head = null;
    const held = this.headHeld + (this.body === null ? 0 : this.body.length);
    this.headHeld = 0;
    this.body = null;
    this.bodyLen = 0;
    this.bodyDenied = false;
    this.skipRest = false;
    if (held > 0) this.owner.release(held);
  }

  private gotHead(head: MessageHead, raw: number, ts: number): void {
    const rule = this.owner.onHead(this.dir, head, ts);
    if (this.state === S_DEAD) return;
    this.setHead(head, raw);
    if (rule === RULE_TUNNEL) {
      this.finish(ts, true);
      this.stop();
      return;
    }
    if (rule === RULE_NO_BODY) head.framing = BODY_NONE;
    switch (head.framing) {
      case BODY_LENGTH:
        this.remaining = head.length;
        this.bodyLimit = Math.min(head.length, this.limits.maxBodyBytes);
        this.state = S_BODY;
        return;
      case BODY_CHUNKED:
        this.bodyLimit = this.limits.maxBodyBytes;
        this.state = S_CHUNK_SIZE;
        this.chunkSize = 0;
        this.chunkDigits = 0;
        this.inExt = false;
        this.extLen = 0;
        return;
      case BODY_UNTIL_CLOSE:
        this.bodyLimit = this.limits.maxBodyBytes;
        this.state = S_UNTIL_CLOSE;
        return;
      case BODY_UNKNOWN:
        // The body's end cannot be known: the next message is found by resynchronising.
        this.counters.parseErrors++;
        this.finish(ts, false);
        if (this.state === S_DEAD) return;
        this.counters.resyncs++;
        this.enterResync(true);
        return;
      default:
        this.finish(ts, true);
    }
  }

  /** The bytes at p do not start a message: note it and look for the next one. */
  private notAStart(p: number, lineStart: boolean): number {
    this.counters.parseErrors++;
    this.counters.resyncs++;
    this.enterResync(lineStart);
    return p;
  }

  // --- bodies ---

  private keep(b: Buffer, p: number, len: number): void {
    this.wire += len;
    if (this.hole || this.skipRest || len === 0) return;
    const max = this.limits.maxBodyBytes;
    let k = Math.min(max - this.bodyLen, len);
    if (k > 0) {
      const need = this.bodyLen + k;
      const cap = this.body === null ? 0 : this.body.length;
      if (need > cap) {
        if (this.bodyDenied) k = cap - this.bodyLen;
        else {
          // Known lengths up to FIRST_BODY_ALLOC get their exact size at once (no copy); longer
          // ones grow fourfold (few copies: what is reserved is at most 4x what arrived), other
          // bodies double. Never past the limit.
          const limit = this.bodyLimit;
          const known = this.state === S_BODY;
          const grown = cap === 0 ? (known ? FIRST_BODY_ALLOC : 1024) : known ? cap * 4 : cap * 2;
          const size = Math.max(need, Math.min(limit, Math.max(need * 2, grown)));
          if (this.owner.reserve(size - cap)) {
            const next = new Uint8Array(size);
            if (this.body !== null) next.set(this.body.subarray(0, this.bodyLen));
            this.body = next;
          } else {
            this.bodyDenied = true;
            k = cap - this.bodyLen;
          }
        }
      }
      if (k > 0) {
        b.copy(this.body!, this.bodyLen, p, p + k);
        this.bodyLen += k;
      }
    }
    if (len > k) {
      if (!this.truncated) {
        this.truncated = true;
        this.counters.bodiesTruncated++;
        if (this.head !== null)
          addAnomaly(
            this.head.anomalies,
            "body_truncated",
            this.bodyDenied ? `body ${BUDGET_DETAIL}` : `body longer than ${max} bytes`,
          );
      }
      this.counters.bodyBytesDropped += len - k;
    }
  }

  private markHole(): void {
    if (this.hole) return;
    this.hole = true;
    if (this.head !== null) addAnomaly(this.head.anomalies, "body_truncated", "body cut by a capture gap");
  }

  private readChunkSize(b: Buffer, p: number, ts: number): number {
    const n = b.length;
    while (p < n) {
      if (this.inExt) {
        // Chunk extensions (RFC 9112 §7.1.1) are skipped to the end of the line, never kept.
        const lf = b.indexOf(10, p);
        if (lf < 0) {
          this.extLen += n - p;
          return n;
        }
        this.extLen += lf - p;
        p = lf;
        this.inExt = false;
        continue;
      }
      const c = b[p]!;
      const v = hexValue(c);
      if (v >= 0) {
        if (++this.chunkDigits > MAX_CHUNK_DIGITS) return this.framingLost(p, ts, "chunk size too large");
        this.chunkSize = this.chunkSize * 16 + v;
        p++;
      } else if (c === 10) {
        return this.chunkSizeDone(p + 1, ts);
      } else if (c === 13) {
        p++;
      } else if (c === 59 || c === 32 || c === 9) {
        // ";" starts an extension; BWS before it is tolerated.
        this.inExt = true;
      } else return this.framingLost(p, ts, "invalid chunk size");
    }
    return p;
  }

  private chunkSizeDone(p: number, ts: number): number {
    if (this.chunkDigits === 0) return this.framingLost(p, ts, "missing chunk size");
    if (this.extLen > MAX_CHUNK_EXT && this.head !== null)
      addAnomaly(this.head.anomalies, "http_parse_error", "long chunk extension");
    const size = this.chunkSize;
    this.chunkSize = 0;
    this.chunkDigits = 0;
    this.extLen = 0;
    if (size === 0) {
      this.state = S_TRAILERS;
      this.trailerLine = 0;
      this.trailerLast = 0;
      return p;
    }
    this.remaining = size;
    this.state = S_CHUNK_DATA;
    return p;
  }

  /** The trailer section (RFC 9112 §7.1.2): field lines up to an empty line. */
  private readTrailers(b: Buffer, p: number, ts: number): number {
    const n = b.length;
    while (p < n) {
      const lf = b.indexOf(10, p);
      const segEnd = lf < 0 ? n : lf;
      const len = segEnd - p;
      if (len > 0) {
        if (this.trailer.length + len <= this.limits.maxHeadBytes) this.keepTrailer(b, p, segEnd);
        this.trailerLine += len;
        this.trailerLast = b[segEnd - 1]!;
      }
      if (lf < 0) return n;
      if (this.trailerLine === 0 || (this.trailerLine === 1 && this.trailerLast === 13)) {
        this.endTrailers();
        this.finish(ts, true);
        return lf + 1;
      }
      if (this.trailer.length < this.limits.maxHeadBytes) this.keepTrailer(b, lf, lf + 1);
      this.trailerLine = 0;
      p = lf + 1;
    }
    return p;
  }

  private keepTrailer(b: Buffer, start: number, end: number): void {
    if (this.trailerDenied || this.skipRest) return;
    if (this.trailer.append(b, start, end)) return;
    this.trailerDenied = true;
    this.trailer.clear();
    if (this.head !== null)
      addAnomaly(this.head.anomalies, "headers_limit", `trailer section ${BUDGET_DETAIL}`);
  }

  private endTrailers(): void {
    const head = this.head;
    if (this.trailer.length === 0 || head === null) return;
    const v = this.trailer.view();
    if (v.length >= this.limits.maxHeadBytes)
      addAnomaly(head.anomalies, "headers_limit", "trailer section too long");
    const text = v.toString("latin1");
    head.dropped += readFieldLines(text, 0, head.headers, this.limits.maxHeaders, head.anomalies, null);
    this.trailer.clear();
  }

  /** Framing that cannot be followed any more: end the message here and resynchronise. */
  private framingLost(p: number, ts: number, detail: string): number {
    this.counters.parseErrors++;
    this.cut(ts, detail);
    if (this.state === S_DEAD) return p;
    this.counters.resyncs++;
    this.enterResync(false);
    return p;
  }

  private cut(ts: number, detail: string): void {
    if (this.head !== null) addAnomaly(this.head.anomalies, "http_parse_error", detail);
    this.finish(ts, false);
  }

  private finish(ts: number, complete: boolean): void {
    const head = this.head;
    if (head === null) {
      // The end of a message emitted early (shed): its framing is done, the next begins.
      if (this.skipRest) {
        this.resetMessage();
        this.state = S_HEAD;
      }
      return;
    }
    this.trailer.clear();
    const body = this.body;
    const held = this.headHeld + (body === null ? 0 : body.length);
    const msg: ParsedMessage = {
      head,
      body: body === null ? EMPTY : this.bodyLen === body.length ? body : body.subarray(0, this.bodyLen),
      wireBytes: this.wire,
      truncated: this.truncated || this.hole,
      complete,
      tsStart: this.tsStart,
      tsEnd: ts,
      held,
    };
    this.head = null;
    this.headHeld = 0;
    this.body = null;
    this.resetMessage();
    this.state = S_HEAD;
    // What the message holds is the flow's to charge now, if it keeps it.
    if (held > 0) this.owner.release(held);
    this.owner.onMessage(this.dir, msg);
  }

  private resetMessage(): void {
    this.bodyLen = 0;
    this.wire = 0;
    this.truncated = false;
    this.hole = false;
    this.remaining = 0;
    this.bodyDenied = false;
    this.skipRest = false;
    this.trailerDenied = false;
    this.trailer.clear();
  }

  // --- the held-bytes budget ---

  /**
   * The tracker's budget wants this direction's bytes back: an unfinished head is cut
   * (emitted with a `headers_limit` anomaly when its start line is known) and the direction
   * resynchronises; a message whose body is arriving is emitted now with what it has
   * (`body_truncated`) and the rest of its body is skipped by its framing, which stays in
   * sync; a carried partial line is skipped. Afterwards this reader holds nothing.
   */
  shed(ts: number): void {
    switch (this.state) {
      case S_HEAD:
        if (this.headBuf.length > 0) this.headRefused(0, ts);
        return;
      case S_RESYNC:
        if (this.carry.length > 0) {
          this.skipped(this.carry.length);
          this.carry.clear();
          this.lineStart = false;
        }
        return;
      case S_BODY:
      case S_CHUNK_SIZE:
      case S_CHUNK_DATA:
      case S_CHUNK_END:
      case S_TRAILERS:
      case S_UNTIL_CLOSE: {
        const head = this.head;
        if (head === null) return;
        addAnomaly(head.anomalies, "body_truncated", `body ${BUDGET_DETAIL}`);
        const state = this.state;
        const remaining = this.remaining;
        const wire = this.wire;
        this.truncated = true;
        this.finish(ts, false);
        if (this.stopped) return;
        this.state = state;
        this.remaining = remaining;
        this.wire = wire;
        this.skipRest = true;
        return;
      }
      default:
        return;
    }
  }

  // --- resynchronisation ---

  private enterResync(lineStart: boolean): void {
    if (this.state === S_DEAD) return;
    this.state = S_RESYNC;
    this.lineStart = lineStart;
    this.dropMessage();
    this.resetMessage();
    this.headBuf.clear();
    this.carry.clear();
    this.trailer.clear();
  }

  private skipped(n: number): void {
    if (n <= 0) return;
    this.counters.bytesSkipped += n;
    this.owner.onSkipped(n);
  }

  /** Skips to the next plausible message start (bounded memory: at most one line kept). */
  private resync(b: Buffer, p: number, ts: number): number {
    const n = b.length;
    const scan = this.scan;
    if (this.carry.length > 0) {
      // An unfinished tail of the previous chunk: finish its line and look at it alone.
      const lf = b.indexOf(10, p);
      const lineLen = this.carry.length + (lf < 0 ? n : lf + 1) - p;
      if (lineLen > MAX_START_LINE + 2) {
        this.skipped(this.carry.length);
        this.carry.clear();
        this.lineStart = false;
      } else if (lf < 0) {
        if (this.carry.append(b, p, n)) return n;
        // No room under the budget: the line is skipped.
        this.skipped(this.carry.length + n - p);
        this.carry.clear();
        this.lineStart = false;
        return n;
      } else if (!this.carry.append(b, p, lf + 1)) {
        this.skipped(this.carry.length + lf + 1 - p);
        this.carry.clear();
        p = lf + 1;
        this.lineStart = true;
      } else {
        const v = this.carry.view();
        scanForStart(v, 0, v.length, this.carryLineStart, scan);
        if (scan.found >= 0 && this.headBuf.append(v, scan.found, v.length)) {
          // The message starts in the carried line: it becomes the head buffer.
          this.skipped(scan.found);
          this.state = S_HEAD;
          this.kind = startLineKind(v, scan.found, v.length - 1);
          this.tsStart = ts;
          this.carry.clear();
          return lf + 1;
        }
        this.skipped(v.length);
        this.carry.clear();
        p = lf + 1;
        this.lineStart = true;
      }
    }
    scanForStart(b, p, n, this.lineStart, scan);
    if (scan.found >= 0) {
      this.skipped(scan.found - p);
      this.state = S_HEAD;
      return scan.found;
    }
    if (scan.keep >= 0) {
      this.skipped(scan.keep - p);
      if (this.carry.append(b, scan.keep, n)) this.carryLineStart = scan.keepLineStart;
      else {
        this.skipped(n - scan.keep);
        this.lineStart = false;
      }
    } else {
      this.skipped(n - p);
      this.lineStart = b[n - 1] === 10;
    }
    return n;
  }
}

import type { Anomaly } from "../../model/anomalies.js";
import { addAnomaly } from "./anomaly-list.js";
import { GrowBuffer } from "./grow-buffer.js";
import { decodeHeadBytes, isTokenByte, parseHead, type RequestHead } from "./head.js";

/**
 * An incremental HTTP/1.x request parser for one connection: bytes in, whole requests out,
 * pipelining included. It exists because node:http (llhttp) refuses much of what attackers
 * send and mirrors forward — methods outside its fixed list (BREW, lower-case get), raw
 * non-ASCII, tabs or spaces in the request-target, header names that are not tokens, a
 * space before the colon — and a refused request would be neither analysed nor answered.
 * See RATIONALE.md. Memory per connection is bounded by maxHeaderBytes (head, chunk-size
 * lines, trailers) plus the body bytes kept; the rest of a long body is read and dropped.
 */

export interface ParserLimits {
  /** Largest request head (request line and header fields), and separately trailer section. */
  readonly maxHeaderBytes: number;
  /** Most header fields kept per request. */
  readonly maxHeaders: number;
}

export interface ParsedRequest {
  readonly head: RequestHead;
  /** The body bytes kept (chunked bodies decoded), in a buffer of its own. */
  readonly body: Uint8Array;
  /** Body bytes received, kept or not. */
  readonly bodyBytes: number;
  /** More body arrived than was kept. */
  readonly truncated: boolean;
  /** Head anomalies plus those found while reading the body. */
  readonly anomalies: Anomaly[];
}

export interface ParserSink {
  /** The first byte of a request arrived. */
  onStart(): void;
  /** The head is complete; returns how many body bytes to keep (0 drops the body). */
  onHead(head: RequestHead): number;
  onRequest(request: ParsedRequest): void;
  /**
   * The stream can no longer be read as requests: the parser is dead and the connection
   * should answer `status` and close. `partial` is what could be read of the request, when
   * its head was readable.
   */
  onError(status: number, reason: string, partial: ParsedRequest | null): void;
}

/** Longest chunk-size line (size plus chunk extensions, RFC 9112 §7.1.1). */
const MAX_CHUNK_LINE = 4096;
/** Hex digits in a chunk size: 13 keeps it a safe integer. */
const MAX_CHUNK_DIGITS = 13;

enum S {
  Idle,
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  Dead,
}

const EMPTY = new Uint8Array(0);
/** Bodies declared up to this size get their buffer at once; larger ones grow as they arrive. */
const EXACT_ALLOC_MAX = 64 * 1024;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Index just past the empty line that ends a head starting at `from`, or -1. */
function headEnd(b: Buffer, from: number): { textEnd: number; next: number } | null {
  let i = b.indexOf(0x0a, from);
  while (i >= 0) {
    // The LF at i ends a line; the head ends if the next line is empty (LF or CR LF).
    if (i + 1 >= b.length) return null;
    if (b[i + 1] === 0x0a) return { textEnd: i + 1, next: i + 2 };
    if (b[i + 1] === 0x0d) {
      if (i + 2 >= b.length) return null;
      if (b[i + 2] === 0x0a) return { textEnd: i + 1, next: i + 3 };
    }
    i = b.indexOf(0x0a, i + 1);
  }
  return null;
}

export class RequestParser {
  readonly #limits: ParserLimits;
  readonly #sink: ParserSink;
  #state = S.Idle;
  /** Bytes of an unfinished head, chunk-size line or trailer line. */
  readonly #pending = new GrowBuffer();
  #head: RequestHead | null = null;
  #anomalies: Anomaly[] = [];
  #keep = 0;
  #remaining = 0;
  #bodyBytes = 0;
  #captured = 0;
  /** Body bytes kept so far, in a buffer grown by doubling up to the number kept. */
  #body: Uint8Array = EMPTY;
  #trailerBytes = 0;
  #crSeen = false;

  constructor(limits: ParserLimits, sink: ParserSink) {
    this.#limits = limits;
    this.#sink = sink;
  }

  /** Where the parser is: between requests, reading a head, or reading a body. */
  get phase(): "idle" | "head" | "body" | "dead" {
    switch (this.#state) {
      case S.Idle:
        return "idle";
      case S.Head:
        return "head";
      case S.Dead:
        return "dead";
      default:
        return "body";
    }
  }

  /** Stops parsing: later bytes are ignored (the connection is closing). */
  stop(): void {
    this.#state = S.Dead;
    this.#pending.clear();
    this.#body = EMPTY;
  }

  /** Feeds bytes; calls the sink for each request completed, in order. */
  push(chunk: Buffer): void {
    const buf = chunk;
    let pos = 0;
    while (pos < buf.length) {
      switch (this.#state) {
        case S.Dead:
          return;
        case S.Idle: {
          // RFC 9112 §2.2: empty lines before a request line are ignored.
          while (pos < buf.length && (buf[pos] === 0x0d || buf[pos] === 0x0a)) pos++;
          if (pos >= buf.length) return;
          this.#sink.onStart();
          if (!isTokenByte(buf[pos]!)) {
            // TLS, HTTP/2 frames or binary noise: not a request line at all.
            this.#fail(400, "not an HTTP/1 request", false);
            return;
          }
          this.#state = S.Head;
          break;
        }
        case S.Head: {
          const max = this.#limits.maxHeaderBytes;
          const pending = this.#pending;
          if (pending.length === 0) {
            const end = headEnd(buf, pos);
            if (end === null) {
              if (buf.length - pos > max) {
                this.#failHeadTooLarge(buf.subarray(pos));
                return;
              }
              pending.append(buf.subarray(pos));
              return;
            }
            if (end.textEnd - pos > max) {
              this.#failHeadTooLarge(buf.subarray(pos, end.textEnd));
              return;
            }
            const headBytes = buf.subarray(pos, end.textEnd);
            pos = end.next;
            this.#startBody(headBytes);
            break;
          }
          // Gather only what can still belong to the head: the limit plus the empty line.
          const old = pending.length;
          pending.append(buf.subarray(pos, pos + Math.min(buf.length - pos, max + 3 - old)));
          const data = pending.view();
          // Only line ends at or after the old tail can complete the head now.
          const end = headEnd(data, Math.max(0, old - 2));
          if (end === null || end.textEnd > max) {
            if (end !== null || data.length > max) {
              this.#failHeadTooLarge(end === null ? data : data.subarray(0, end.textEnd));
            }
            // Otherwise all of `buf` was gathered and more is needed.
            return;
          }
          pos += end.next - old;
          // startBody decodes the head before anything else touches the pending bytes.
          this.#startBody(data.subarray(0, end.textEnd));
          pending.clear();
          break;
        }
        case S.Length:
        case S.ChunkData: {
          const n = Math.min(this.#remaining, buf.length - pos);
          this.#capture(buf, pos, n);
          pos += n;
          this.#remaining -= n;
          if (this.#remaining === 0) {
            if (this.#state === S.Length) this.#complete();
            else {
              this.#state = S.ChunkDataEnd;
              this.#crSeen = false;
            }
          }
          break;
        }
        case S.ChunkDataEnd: {
          const c = buf[pos++];
          if (c === 0x0d && !this.#crSeen) this.#crSeen = true;
          else if (c === 0x0a) this.#state = S.ChunkSize;
          else {
            this.#fail(400, "chunk data not followed by CRLF", true);
            return;
          }
          break;
        }
        case S.ChunkSize:
        case S.Trailers: {
          const limit = this.#state === S.ChunkSize ? MAX_CHUNK_LINE : this.#limits.maxHeaderBytes;
          const line = this.#readLine(
            buf,
            pos,
            limit - (this.#state === S.Trailers ? this.#trailerBytes : 0),
          );
          if (line === null) return;
          if (line === false) {
            this.#fail(
              this.#state === S.Trailers ? 431 : 400,
              "chunk line or trailer section too long",
              true,
            );
            return;
          }
          pos = line.next;
          if (this.#state === S.ChunkSize) this.#chunkSize(line.bytes);
          else this.#trailer(line.bytes);
          break;
        }
      }
    }
  }

  /**
   * The connection ended. A request cut short in its body is returned (with an anomaly) so
   * that what was read is still analysed; a partial head is dropped.
   */
  end(reason = "connection closed before the body ended"): ParsedRequest | null {
    const phase = this.phase;
    let out: ParsedRequest | null = null;
    if (phase === "body" && this.#head !== null) {
      addAnomaly(this.#anomalies, "http_parse_error", reason);
      out = this.#result();
    }
    this.stop();
    return out;
  }

  /**
   * Reads one LF-terminated line starting at `pos`, joining a pending part. Returns null
   * when more bytes are needed (the part is kept), false past `limit` bytes.
   */
  #readLine(buf: Buffer, pos: number, limit: number): { bytes: Buffer; next: number } | null | false {
    const lf = buf.indexOf(0x0a, pos);
    const pending = this.#pending;
    if (lf < 0) {
      if (pending.length + buf.length - pos > limit) return false;
      pending.append(buf.subarray(pos));
      return null;
    }
    if (pending.length + lf + 1 - pos > limit) return false;
    let bytes = buf.subarray(pos, lf);
    if (pending.length > 0) {
      pending.append(bytes);
      bytes = Buffer.from(pending.view());
      pending.clear();
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    return { bytes, next: lf + 1 };
  }

  #startBody(headBytes: Buffer): void {
    const anomalies: Anomaly[] = [];
    const head = parseHead(decodeHeadBytes(headBytes, anomalies), this.#limits);
    for (const a of head.anomalies) addAnomaly(anomalies, a.code, a.detail, a.point);
    this.#head = head;
    this.#anomalies = anomalies;
    this.#bodyBytes = 0;
    this.#captured = 0;
    this.#body = EMPTY;
    this.#trailerBytes = 0;
    if (head.h2Preface) {
      this.#head = null;
      this.#fail(505, "HTTP/2 connection preface", false);
      return;
    }
    const f = head.framing;
    if (f.kind === "invalid") {
      addAnomaly(anomalies, "http_parse_error", f.reason);
      this.#fail(400, f.reason, true);
      return;
    }
    this.#keep = Math.max(0, this.#sink.onHead(head));
    if (this.#state === S.Dead) return;
    if (f.kind === "length" && f.length > 0) {
      this.#state = S.Length;
      this.#remaining = f.length;
      // The common case, a small body within the limit: one exact allocation. A large
      // declared length is not trusted with an allocation before its bytes arrive.
      if (f.length <= Math.min(this.#keep, EXACT_ALLOC_MAX)) this.#body = new Uint8Array(f.length);
    } else if (f.kind === "chunked") {
      this.#state = S.ChunkSize;
    } else {
      this.#complete();
    }
  }

  #capture(buf: Buffer, pos: number, n: number): void {
    if (n === 0) return;
    this.#bodyBytes += n;
    const room = this.#keep - this.#captured;
    const take = Math.min(room, n);
    if (take > 0) {
      // Copies: a view would pin the socket's chunk (and, for pooled buffers, other data).
      const need = this.#captured + take;
      if (need > this.#body.length) {
        const grown = new Uint8Array(Math.min(this.#keep, Math.max(need * 2, 4096)));
        grown.set(this.#body.subarray(0, this.#captured));
        this.#body = grown;
      }
      this.#body.set(buf.subarray(pos, pos + take), this.#captured);
      this.#captured += take;
    }
  }

  #chunkSize(line: Buffer): void {
    let size = 0;
    let i = 0;
    while (i < line.length) {
      const h = hexValue(line[i]!);
      if (h < 0) break;
      size = size * 16 + h;
      i++;
    }
    // After the digits: nothing, BWS, or `;` chunk extensions (ignored, §7.1.1).
    const c = line[i];
    if (i === 0 || i > MAX_CHUNK_DIGITS || (c !== undefined && c !== 0x3b && c !== 0x20 && c !== 0x09)) {
      this.#fail(400, "bad chunk size", true);
      return;
    }
    if (size === 0) {
      this.#state = S.Trailers;
      return;
    }
    this.#state = S.ChunkData;
    this.#remaining = size;
  }

  #trailer(line: Buffer): void {
    if (line.length === 0) {
      this.#complete();
      return;
    }
    this.#trailerBytes += line.length + 2;
    // Trailer fields are kept with the header fields: an application may read them too.
    const text = decodeHeadBytes(line, this.#anomalies);
    const colon = text.indexOf(":");
    const head = this.#head!;
    if (head.headers.length < this.#limits.maxHeaders) {
      head.headers.push(colon < 0 ? [text, ""] : [text.slice(0, colon), text.slice(colon + 1).trim()]);
    } else addAnomaly(this.#anomalies, "headers_limit", "trailer fields past the limit were not kept");
  }

  #result(): ParsedRequest {
    // The exchange gets a buffer of exactly its body (transferable to a worker as is).
    // Never the shared EMPTY: a consumer may transfer (detach) the buffer it is given.
    const b = this.#body;
    const body =
      b === EMPTY ? new Uint8Array(0) : this.#captured === b.length ? b : b.slice(0, this.#captured);
    const truncated = this.#bodyBytes > this.#captured;
    return {
      head: this.#head!,
      body,
      bodyBytes: this.#bodyBytes,
      truncated,
      anomalies: this.#anomalies,
    };
  }

  #complete(): void {
    const req = this.#result();
    this.#state = S.Idle;
    this.#head = null;
    this.#body = EMPTY;
    this.#anomalies = [];
    this.#sink.onRequest(req);
  }

  #fail(status: number, reason: string, withPartial: boolean): void {
    const partial = withPartial && this.#head !== null ? this.#result() : null;
    if (partial !== null) addAnomaly(partial.anomalies, "http_parse_error", reason);
    this.stop();
    this.#head = null;
    this.#sink.onError(status, reason, partial);
  }

  /** A head past maxHeaderBytes: what was read of it is still reported, then the stream ends. */
  #failHeadTooLarge(bytes: Buffer): void {
    // Only complete lines are read; the cut-off last line is dropped.
    const lastLf = bytes.lastIndexOf(0x0a);
    let partial: ParsedRequest | null = null;
    if (lastLf > 0) {
      const anomalies: Anomaly[] = [];
      const head = parseHead(decodeHeadBytes(bytes.subarray(0, lastLf + 1), anomalies), this.#limits);
      for (const a of head.anomalies) addAnomaly(anomalies, a.code, a.detail, a.point);
      addAnomaly(anomalies, "headers_limit", `request head longer than ${this.#limits.maxHeaderBytes} bytes`);
      partial = { head, body: new Uint8Array(0), bodyBytes: 0, truncated: false, anomalies };
    }
    this.stop();
    this.#sink.onError(431, "request head too large", partial);
  }
}

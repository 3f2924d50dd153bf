import { isTchar } from "../../model/http-syntax.js";

/**
 * Recognising where an HTTP/1.x message starts, from bytes alone: the first line of every
 * message, and the way back in after a capture gap or a flow picked up mid-stream.
 */

export const NOT_START = 0;
export const REQUEST_LINE = 1;
export const STATUS_LINE = 2;
export type StartKind = typeof NOT_START | typeof REQUEST_LINE | typeof STATUS_LINE;

/** Longest start line believed (request-target included); RFC 9112 §3 suggests 8000 octets. */
export const MAX_START_LINE = 8192;
/** Longest method believed: registered ones are at most 17 characters (VERSION-CONTROL). */
const MAX_METHOD = 32;

/** `HTTP/1.`: every HTTP/1.x start line holds it (RFC 9112 §2.3). */
export const VERSION_PREFIX = Buffer.from("HTTP/1.", "latin1");

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function isVersionAt(b: Uint8Array, i: number): boolean {
  return (
    b[i] === 72 &&
    b[i + 1] === 84 &&
    b[i + 2] === 84 &&
    b[i + 3] === 80 &&
    b[i + 4] === 47 &&
    b[i + 5] === 49 &&
    b[i + 6] === 46 &&
    isDigit(b[i + 7])
  );
}

/**
 * What the line b[start, end) is (`end` is its LF, or the end of the bytes; a CR before it
 * is allowed): a request line `token SP target SP HTTP/1.d` (RFC 9112 §3), a status line
 * `HTTP/1.d SP 3DIGIT [SP reason]` (§4), or neither. Runs of SP/HTAB between the parts are
 * tolerated here (the head parser notes them as anomalies); anything else is not a start.
 */
export function startLineKind(b: Uint8Array, start: number, end: number): StartKind {
  let e = end;
  if (e > start && b[e - 1] === 13) e--;
  const len = e - start;
  if (len < 12 || len > MAX_START_LINE) return NOT_START;
  if (isVersionAt(b, start)) {
    // Status line: HTTP/1.d SP 3DIGIT, then end, or SP/HTAB and a reason.
    const s = start + 8;
    if (b[s] !== 32 || !isDigit(b[s + 1]) || !isDigit(b[s + 2]) || !isDigit(b[s + 3])) return NOT_START;
    if (s + 4 === e) return STATUS_LINE;
    const c = b[s + 4];
    return c === 32 || c === 9 ? STATUS_LINE : NOT_START;
  }
  // Request line: the version is the last 8 bytes.
  if (!isVersionAt(b, e - 8)) return NOT_START;
  let i = start;
  while (i < e && i - start <= MAX_METHOD && isTchar(b[i]!)) i++;
  if (i === start || i - start > MAX_METHOD) return NOT_START;
  const sp = b[i];
  if (sp !== 32 && sp !== 9) return NOT_START;
  while (i < e && (b[i] === 32 || b[i] === 9)) i++;
  const vEnd = e - 8;
  let t = vEnd;
  if (t <= i) return NOT_START;
  const before = b[t - 1];
  if (before !== 32 && before !== 9) return NOT_START;
  while (t > i && (b[t - 1] === 32 || b[t - 1] === 9)) t--;
  if (t <= i) return NOT_START;
  // The target: no controls (CR, LF, NUL…) and no inner whitespace.
  for (let k = i; k < t; k++) {
    const c = b[k]!;
    if (c <= 32 || c === 127) return NOT_START;
  }
  return REQUEST_LINE;
}

/** Result of a scan for a message start; `found` is -1 when none was found. */
export interface ScanResult {
  /** Offset of the first byte of a plausible start line, or -1. */
  found: number;
  /**
   * When nothing was found: offset of an unfinished tail that may still turn out to hold a
   * start line once more bytes arrive (keep b[keep, end)), or -1 to keep nothing.
   */
  keep: number;
  /** Whether `keep` is at a line start. */
  keepLineStart: boolean;
}

/** Methods recognised in mid-line, after a body that did not end with a line break. */
const METHODS = [
  "PROPFIND",
  "OPTIONS",
  "CONNECT",
  "DELETE",
  "PATCH",
  "TRACE",
  "POST",
  "HEAD",
  "GET",
  "PUT",
].map((m) => Buffer.from(m, "latin1"));

/** Bytes kept from a tail with no line start near the end (a start line cut in mid-needle). */
const MID_LINE_TAIL = 32;

function matchesAt(b: Uint8Array, at: number, m: Uint8Array): boolean {
  for (let k = 0; k < m.length; k++) if (b[at + k] !== m[k]) return false;
  return true;
}

/**
 * A message that starts in mid-line (a body needs no line break after it): a status line
 * right at the `HTTP/1.` found at i, or a request line whose method is a known method
 * ending just before ` target HTTP/1.`. Looks no further back than `lo`.
 */
function midLineStart(b: Uint8Array, lo: number, i: number, lf: number): number {
  if (startLineKind(b, i, lf) === STATUS_LINE) return i;
  const sp = i - 1;
  if (sp <= lo || b[sp] !== 32) return -1;
  let k = sp - 1;
  while (k >= lo && b[k]! > 32 && b[k] !== 127) k--;
  if (k < lo || b[k] !== 32 || k === sp - 1) return -1;
  for (const m of METHODS) {
    const s = k - m.length;
    if (s >= lo && matchesAt(b, s, m) && startLineKind(b, s, lf) === REQUEST_LINE) return s;
  }
  return -1;
}

/**
 * Looks in b[from, end) for the first plausible start line: a whole line that is one (after
 * an LF, or at `from` when `fromIsLineStart`), or a message glued to the end of a body (see
 * midLineStart). Linear: one native search for `HTTP/1.`, and each line checked once.
 */
export function scanForStart(
  b: Buffer,
  from: number,
  end: number,
  fromIsLineStart: boolean,
  out: ScanResult,
): void {
  out.found = -1;
  out.keep = -1;
  out.keepLineStart = false;
  let lineStart = fromIsLineStart ? from : -1;
  let nextLf = b.indexOf(10, from);
  if (nextLf >= end) nextLf = -1;
  let q = from;
  for (;;) {
    const i = q < end ? b.indexOf(VERSION_PREFIX, q) : -1;
    if (i < 0 || i >= end) break;
    // Move to the line that holds i.
    while (nextLf >= 0 && nextLf < i) {
      lineStart = nextLf + 1;
      nextLf = b.indexOf(10, lineStart);
      if (nextLf >= end) nextLf = -1;
    }
    if (nextLf < 0) {
      // The candidate's line is not finished yet: keep it for the next bytes.
      if (lineStart >= 0 && end - lineStart <= MAX_START_LINE) {
        out.keep = lineStart;
        out.keepLineStart = true;
      } else out.keep = Math.max(from, lineStart, i - MAX_START_LINE);
      return;
    }
    if (lineStart >= 0 && startLineKind(b, lineStart, nextLf) !== NOT_START) {
      out.found = lineStart;
      return;
    }
    const m = midLineStart(b, Math.max(from, lineStart), i, nextLf);
    if (m >= 0) {
      out.found = m;
      return;
    }
    q = nextLf + 1;
  }
  // No candidate: keep an unfinished last line, or a few bytes, as `HTTP/1.` may be cut in two.
  const lastLf = end > from ? b.lastIndexOf(10, end - 1) : -1;
  const tail = lastLf >= from ? lastLf + 1 : fromIsLineStart ? from : -1;
  if (tail === end) return;
  if (tail >= 0 && end - tail <= MAX_START_LINE) {
    out.keep = tail;
    out.keepLineStart = true;
  } else out.keep = Math.max(from, end - MID_LINE_TAIL);
}

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
   * When nothing was found: offset of an unfinished last line that may still turn out to be
   * a start line once more bytes arrive (keep b[keep, end)), or -1 to keep nothing.
   */
  keep: number;
}

/**
 * Looks in b[from, end) for the first line that is a plausible start line. Only line starts
 * count (after an LF, or at `from` when `fromIsLineStart`), which makes a body that merely
 * quotes a request line in mid-line harmless. Linear: one native search for `HTTP/1.`, and
 * each line is checked at most once.
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
      // The candidate's line is not finished yet.
      if (lineStart >= 0 && end - lineStart <= MAX_START_LINE) out.keep = lineStart;
      return;
    }
    if (lineStart >= 0 && startLineKind(b, lineStart, nextLf) !== NOT_START) {
      out.found = lineStart;
      return;
    }
    q = nextLf + 1;
  }
  // No candidate: still keep an unfinished last line, its `HTTP/1.` may be cut in two.
  const lastLf = end > from ? b.lastIndexOf(10, end - 1) : -1;
  const tail = lastLf >= from ? lastLf + 1 : fromIsLineStart ? from : -1;
  if (tail >= 0 && tail < end && end - tail <= MAX_START_LINE) out.keep = tail;
}

import { isTchar } from "../../../model/index.js";

export { isTchar } from "../../../model/index.js";

/**
 * What an injected line looks like to an HTTP/1.1 parser (RFC 9112): a status line
 * (`HTTP/1.1 200 OK`, §4), a request line (`GET /x HTTP/1.1`, §3), a field line
 * (`Name: value`, §5 with the token grammar of RFC 9110 §5.6.2), or — after an empty
 * line — the start of a body.
 */

function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `HTTP/` followed by a digit, at `p` (case-insensitive, as lenient parsers accept). */
export function httpVersionAt(v: string, p: number): number {
  if (p + 6 > v.length) return -1;
  if ((v.charCodeAt(p) | 0x20) !== 104) return -1;
  if ((v.charCodeAt(p + 1) | 0x20) !== 116) return -1;
  if ((v.charCodeAt(p + 2) | 0x20) !== 116) return -1;
  if ((v.charCodeAt(p + 3) | 0x20) !== 112) return -1;
  if (v.charCodeAt(p + 4) !== 47) return -1;
  let j = p + 5;
  if (!isDigit(v.charCodeAt(j))) return -1;
  j++;
  if (v.charCodeAt(j) === 46 && isDigit(v.charCodeAt(j + 1))) j += 2;
  return j;
}

/** A status line `HTTP/x.y NNN` starts at `p`. */
export function isStatusLine(v: string, p: number): boolean {
  const j = httpVersionAt(v, p);
  if (j === -1 || v.charCodeAt(j) !== 32) return false;
  return isDigit(v.charCodeAt(j + 1)) && isDigit(v.charCodeAt(j + 2)) && isDigit(v.charCodeAt(j + 3));
}

/**
 * A request line `METHOD SP target SP HTTP/x` starts at `p`. The method is an upper-case
 * token (methods are case-sensitive, RFC 9110 §9.1); the target any run without spaces.
 */
export function isRequestLine(v: string, p: number): boolean {
  let j = p;
  const n = v.length;
  const mEnd = Math.min(n, p + 16);
  while (j < mEnd) {
    const c = v.charCodeAt(j);
    if (c < 65 || c > 90) break;
    j++;
  }
  if (j - p < 3 || v.charCodeAt(j) !== 32) return false;
  j++;
  const tStart = j;
  const tEnd = Math.min(n, j + 4096);
  while (j < tEnd) {
    const c = v.charCodeAt(j);
    if (c === 32 || c === 10 || c === 13) break;
    j++;
  }
  if (j === tStart || v.charCodeAt(j) !== 32) return false;
  return httpVersionAt(v, j + 1) !== -1;
}

/**
 * The line ending at `end` (exclusive) is a request line: `… METHOD SP target SP HTTP/x`
 * right before a break, as in a pipelined second request glued to a value.
 */
export function lineEndsWithRequestLine(v: string, lineStart: number, end: number): boolean {
  // Walk back over the version: HTTP/d or HTTP/d.d
  let j = end;
  if (j - lineStart < 14) return false;
  if (!isDigit(v.charCodeAt(j - 1))) return false;
  j--;
  if (v.charCodeAt(j - 1) === 46 && isDigit(v.charCodeAt(j - 2))) j -= 2;
  const vStart = j - 5;
  if (vStart <= lineStart || httpVersionAt(v, vStart) === -1 || v.charCodeAt(vStart - 1) !== 32) return false;
  // Find a METHOD SP at some token boundary of the line (the value may prefix it: `barGET /`).
  const from = Math.max(lineStart, vStart - 4096);
  for (let i = vStart - 2; i >= from; i--) {
    if (v.charCodeAt(i) !== 32) continue;
    // i is the space before the target; the method ends at i.
    let k = i;
    while (k > from && v.charCodeAt(k - 1) >= 65 && v.charCodeAt(k - 1) <= 90 && i - k < 10) k--;
    if (i - k >= 3) return true;
    return false;
  }
  return false;
}

/**
 * A field line `name: value` at `p`: returns the end index of the name, or -1. The name
 * must start with a letter; `:` followed by `//` is a URL, not a field.
 */
export function fieldNameAt(v: string, p: number): number {
  const n = v.length;
  if (p >= n || !isAlpha(v.charCodeAt(p))) return -1;
  let j = p + 1;
  const lim = Math.min(n, p + 64);
  while (j < lim && isTchar(v.charCodeAt(j))) j++;
  const nameEnd = j;
  // Some servers tolerate spaces before the colon; accept a little.
  while (j < n && j - nameEnd < 3 && (v.charCodeAt(j) === 32 || v.charCodeAt(j) === 9)) j++;
  if (v.charCodeAt(j) !== 58 /* : */) return -1;
  if (v.charCodeAt(j + 1) === 47 && v.charCodeAt(j + 2) === 47) return -1;
  return nameEnd;
}

/** `name=` at `p`: a parameter or cookie assignment on its own line. */
export function assignmentAt(v: string, p: number): boolean {
  const n = v.length;
  if (p >= n || !isAlpha(v.charCodeAt(p))) return false;
  let j = p + 1;
  const lim = Math.min(n, p + 64);
  while (j < lim) {
    const c = v.charCodeAt(j);
    if (!(isAlpha(c) || isDigit(c) || c === 95 || c === 45 || c === 46)) break;
    j++;
  }
  return v.charCodeAt(j) === 61;
}

/** Markup at `p`: `<` followed by a letter, `!` or `/` (an injected body). */
export function markupAt(v: string, p: number): boolean {
  if (v.charCodeAt(p) !== 60) return false;
  const c = v.charCodeAt(p + 1);
  return isAlpha(c) || c === 33 || c === 47;
}

import { isRequestLineMethod } from "./methods.js";

/**
 * Finds an HTTP/1.x request line (RFC 9112 §3: `method SP request-target SP
 * HTTP-version`) carried inside a value: the shape of a smuggled or split request, e.g.
 * a body that ends with `GET /admin HTTP/1.1\r\nHost: …` so that a front-end and a
 * back-end disagree on where one request ends.
 *
 * The scan is anchored on `HTTP/` (HTTP-name is case-sensitive, RFC 9112 §2.3, so a
 * back-end only honours it in upper case) and walks backwards over a bounded target and
 * an upper-case method token, so it never backtracks.
 */

const MAX_HITS_SCANNED = 16;
const MAX_TARGET = 2048;

export interface Span {
  readonly start: number;
  readonly end: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * After the version, a real request line ends the value or the line. Also accepted:
 * the first character of an encoded or escaped line break left undecoded by the
 * carrier (`%0d`, `&#13;`, `\r\n` in raw JSON) and a closing quote or tag (an XML
 * attribute or element that carried the line).
 */
function isLineEnd(c: number): boolean {
  return (
    Number.isNaN(c) ||
    c === 13 ||
    c === 10 ||
    c === 37 /* % */ ||
    c === 38 /* & */ ||
    c === 92 /* \ */ ||
    c === 34 /* " */ ||
    c === 39 /* ' */ ||
    c === 60 /* < */
  );
}

/** `Name:` right after the version: a request flattened onto one line (`… HTTP/1.1 Host: x`). */
function headerFollows(v: string, i: number): boolean {
  let j = i;
  const stop = Math.min(v.length, i + 40);
  while (j < stop) {
    const c = v.charCodeAt(j);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || (j > i && c >= 48 && c <= 57)) j++;
    else break;
  }
  return j - i >= 2 && v.charCodeAt(j) === 58;
}

/** Returns where the first embedded request line is, or null. */
export function findRequestLine(v: string): Span | null {
  let from = 0;
  for (let n = 0; n < MAX_HITS_SCANNED; n++) {
    const h = v.indexOf("HTTP/", from);
    if (h === -1) return null;
    from = h + 5;
    const span = checkAt(v, h);
    if (span !== null) return span;
  }
  return null;
}

function checkAt(v: string, h: number): Span | null {
  // HTTP-version = HTTP-name "/" DIGIT "." DIGIT; be lenient on the minor part so that
  // unsupported versions (HTTP/1.2, HTTP/3.2, HTTP/2) still count.
  let e = h + 5;
  if (!isDigit(v.charCodeAt(e))) return null;
  e++;
  if (v.charCodeAt(e) === 46 /* . */ && isDigit(v.charCodeAt(e + 1))) e += 2;
  if (!isLineEnd(v.charCodeAt(e)) && !(v.charCodeAt(e) === 32 && headerFollows(v, e + 1))) return null;
  if (accessLogLine(v, h, e)) return null;
  // SP before the version.
  const i = h - 1;
  if (v.charCodeAt(i) !== 32) return null;
  return strictLine(v, i, e) ?? lineFromStart(v, i, e);
}

/**
 * The request line as an access log records it (NCSA common/combined format, which
 * NGINX and Apache write): quoted, and followed by the status code and the size —
 * `… "GET /index.html HTTP/1.1" 200 612 …`, a line logging or error-reporting APIs carry.
 * A smuggled request is not followed by its own response status.
 */
function accessLogLine(v: string, h: number, e: number): boolean {
  if (v.charCodeAt(e) !== 34 || v.charCodeAt(e + 1) !== 32) return false;
  for (let k = e + 2; k < e + 5; k++) if (!isDigit(v.charCodeAt(k))) return false;
  const after = v.charCodeAt(e + 5);
  if (!(after === 32 || Number.isNaN(after))) return false;
  // …and the line was opened by a quote before the method.
  const open = v.lastIndexOf('"', h);
  return open !== -1 && h - open <= MAX_TARGET + 24;
}

/** `METHOD SP target SP` read backwards from the SP before the version (at `i`). */
function strictLine(v: string, sp: number, e: number): Span | null {
  let i = sp;
  // request-target: at least one visible character, no spaces, bounded.
  const targetEnd = i;
  i--;
  const stop = Math.max(0, targetEnd - MAX_TARGET);
  while (i >= stop) {
    const c = v.charCodeAt(i);
    if (c <= 32 || c === 127) break;
    i--;
  }
  if (i === targetEnd - 1 || v.charCodeAt(i) !== 32) return null;
  // method: upper-case letters and '-' right before the SP.
  const methodEnd = i;
  i--;
  while (i >= 0 && methodEnd - i <= 20) {
    const c = v.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || c === 45)) break;
    i--;
  }
  // The run may be glued to text before it (`barGET`, `XGET`): accept its longest
  // suffix that is a method.
  for (let s = i + 1; s <= methodEnd - 3; s++) {
    if (isRequestLineMethod(v.slice(s, methodEnd))) return { start: s, end: e };
  }
  return null;
}

/**
 * The same line read from the start of its line: `METHOD SP` then a target that starts
 * like one (`/`, `*`, `http`). Here the target may hold spaces, as it does once a value
 * was percent-decoded twice (`GET /a%2520b HTTP/1.1%250d%250a…` → `GET /a b HTTP/1.1\r\n`):
 * the smuggled line's own `%20` was decoded with the rest.
 */
function lineFromStart(v: string, sp: number, e: number): Span | null {
  const stop = Math.max(0, sp - MAX_TARGET);
  let ls = sp;
  while (ls > stop) {
    const c = v.charCodeAt(ls - 1);
    if (c === 10 || c === 13) break;
    ls--;
  }
  if (ls === stop && stop > 0) return null;
  let m = ls;
  while (m < sp && m - ls <= 20) {
    const c = v.charCodeAt(m);
    if (!((c >= 65 && c <= 90) || c === 45)) break;
    m++;
  }
  if (m - ls < 3 || v.charCodeAt(m) !== 32 || m + 1 >= sp) return null;
  const t = v.charCodeAt(m + 1);
  if (t !== 47 && t !== 42 && t !== 104 && t !== 72) return null;
  return isRequestLineMethod(v.slice(ls, m)) ? { start: ls, end: e } : null;
}

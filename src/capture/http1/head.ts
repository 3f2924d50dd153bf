import { isAscii, isUtf8 } from "node:buffer";
import type { Anomaly } from "../../model/anomalies.js";
import type { Header } from "../../model/http.js";
import { isToken, trimOws } from "../../model/http-syntax.js";
import { addAnomaly } from "./anomaly-list.js";

/**
 * A message head (start line and field lines, RFC 9112 §3, §4, §5) read leniently: we
 * observe traffic, we do not serve it, so whatever a real peer might have accepted is kept
 * and every departure from the grammar becomes an anomaly. What must be right is framing
 * (§6.3): where this body ends and the next message begins.
 */

/** How the body is delimited (RFC 9112 §6.3). */
export const BODY_NONE = 0;
export const BODY_LENGTH = 1;
export const BODY_CHUNKED = 2;
/** A response without a length: the body runs to the end of the connection (§6.3 item 8). */
export const BODY_UNTIL_CLOSE = 3;
/** A request whose body length cannot be known (§6.3 items 4-5): no body is read. */
export const BODY_UNKNOWN = 4;
export type Framing =
  | typeof BODY_NONE
  | typeof BODY_LENGTH
  | typeof BODY_CHUNKED
  | typeof BODY_UNTIL_CLOSE
  | typeof BODY_UNKNOWN;

export interface MessageHead {
  readonly isResponse: boolean;
  readonly method: string;
  readonly target: string;
  readonly status: number;
  readonly reason: string;
  /** As on the wire, `HTTP/1.1`. */
  readonly version: string;
  /** Field lines in order, names as spelled; trailer fields are appended after the body. */
  readonly headers: Header[];
  /** Anomalies of the whole message (head, body, framing). */
  readonly anomalies: Anomaly[];
  framing: Framing;
  /** Content-Length when framing is BODY_LENGTH. */
  length: number;
  /** The Content-Encoding field values joined by commas, "" when none. */
  readonly contentEncoding: string;
  /** Header fields beyond maxHeaders that were read for framing but not kept. */
  dropped: number;
}

/** Longest Content-Length believed: 15 digits stays a safe integer. */
const MAX_LENGTH_DIGITS = 15;

/**
 * Header bytes as text. ASCII and valid UTF-8 are read as such; anything else as Latin-1,
 * which keeps every byte as one character, so nothing a peer sent disappears.
 */
function headText(b: Buffer, start: number, end: number, anomalies: Anomaly[]): string {
  const v = b.subarray(start, end);
  if (isAscii(v)) return v.toString("latin1");
  if (isUtf8(v)) return v.toString("utf8");
  addAnomaly(anomalies, "bad_utf8", "message head is not UTF-8; read as Latin-1");
  return v.toString("latin1");
}

function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** Framing-relevant fields, gathered while the field lines are read. */
interface FieldScan {
  lengths: string[] | null;
  codings: string[] | null;
  encodings: string[] | null;
}

/** Appends a field line's value to the framing fields it matters for (names compared case-insensitively). */
function noteField(name: string, value: string, scan: FieldScan): void {
  const n = name.length;
  if (n !== 14 && n !== 16 && n !== 17) return;
  const lower = name.toLowerCase();
  if (lower === "content-length") scan.lengths = push(scan.lengths, value);
  else if (lower === "transfer-encoding") scan.codings = push(scan.codings, value);
  else if (lower === "content-encoding") scan.encodings = push(scan.encodings, value);
}

function push(list: string[] | null, v: string): string[] {
  if (list === null) return [v];
  list.push(v);
  return list;
}

/**
 * Reads field lines (RFC 9112 §5) from `text` starting at `pos` into `headers`, until an
 * empty line or the end of the text. obs-fold continuation lines (§5.2) are joined to the
 * previous value with one SP. Returns how many fields were not kept beyond `maxHeaders`.
 */
export function readFieldLines(
  text: string,
  pos: number,
  headers: Header[],
  maxHeaders: number,
  anomalies: Anomaly[],
  scan: FieldScan | null,
): number {
  let dropped = 0;
  let lastKept = false;
  const n = text.length;
  while (pos < n) {
    let lf = text.indexOf("\n", pos);
    if (lf < 0) lf = n;
    let lineEnd = lf;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    const line = text.slice(pos, lineEnd);
    pos = lf + 1;
    if (line.length === 0) break;
    if (isWs(line.charCodeAt(0))) {
      // obs-fold: deprecated, and a classic way to make two parsers disagree.
      addAnomaly(anomalies, "http_parse_error", "obsolete line folding");
      const last = headers[headers.length - 1];
      if (lastKept && last !== undefined) {
        const joined = `${last[1]} ${trimOws(line)}`;
        headers[headers.length - 1] = [last[0], joined];
        if (scan !== null) noteField(last[0], trimOws(line), scan);
      }
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      addAnomaly(anomalies, "bad_header", colon === 0 ? "empty field name" : "field line without a colon");
      lastKept = false;
      continue;
    }
    let name = line.slice(0, colon);
    if (isWs(name.charCodeAt(name.length - 1))) {
      // RFC 9112 §5.1: whitespace before the colon is a smuggling vector; servers must reject.
      addAnomaly(anomalies, "bad_header", "whitespace between field name and colon");
      name = trimOws(name);
    }
    if (!isToken(name)) addAnomaly(anomalies, "bad_header", "field name is not a token");
    const value = trimOws(line.slice(colon + 1));
    if (scan !== null) noteField(name, value, scan);
    if (headers.length >= maxHeaders) {
      dropped++;
      lastKept = false;
      continue;
    }
    headers.push([name, value]);
    lastKept = true;
  }
  if (dropped > 0) addAnomaly(anomalies, "headers_limit", `more than ${maxHeaders} header fields`);
  return dropped;
}

/** Splits comma-separated list values (RFC 9110 §5.6.1) into trimmed, non-empty items. */
function listItems(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v.indexOf(",") < 0) {
      const t = trimOws(v);
      if (t.length > 0) out.push(t);
      continue;
    }
    for (const part of v.split(",")) {
      const t = trimOws(part);
      if (t.length > 0) out.push(t);
    }
  }
  return out;
}

function parseLength(s: string): number {
  if (s.length === 0 || s.length > MAX_LENGTH_DIGITS) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/**
 * The framing of a message from its Transfer-Encoding and Content-Length (RFC 9112 §6.3),
 * leniently: where a server must reject (conflicting lengths, TE with CL), we note an
 * anomaly and pick the reading a lenient server would most likely have used.
 */
function framingOf(head: MessageHead, scan: FieldScan): void {
  const a = head.anomalies;
  if (scan.codings !== null) {
    const codings = listItems(scan.codings).map((c) => c.toLowerCase());
    if (scan.lengths !== null) addAnomaly(a, "http_parse_error", "both Transfer-Encoding and Content-Length");
    if (head.version === "HTTP/1.0") addAnomaly(a, "http_parse_error", "Transfer-Encoding in HTTP/1.0");
    const chunkedAt = codings.indexOf("chunked");
    if (chunkedAt >= 0 && chunkedAt !== codings.length - 1)
      addAnomaly(a, "http_parse_error", "chunked is not the final transfer coding");
    else if (chunkedAt >= 0 && codings.lastIndexOf("chunked") !== chunkedAt)
      addAnomaly(a, "http_parse_error", "chunked applied more than once");
    if (codings[codings.length - 1] === "chunked") head.framing = BODY_CHUNKED;
    else {
      // §6.3 item 4: a response reads to close; a request's length cannot be known.
      addAnomaly(a, "http_parse_error", "Transfer-Encoding without final chunked");
      head.framing = head.isResponse ? BODY_UNTIL_CLOSE : BODY_UNKNOWN;
    }
    return;
  }
  if (scan.lengths !== null) {
    const items = listItems(scan.lengths);
    let chosen = -1;
    let bad = items.length === 0;
    let conflict = false;
    for (const it of items) {
      const v = parseLength(it);
      if (v < 0) bad = true;
      else if (chosen < 0) chosen = v;
      else if (v !== chosen) conflict = true;
    }
    if (items.length > 1 && !conflict && !bad)
      addAnomaly(a, "duplicate_header", "repeated Content-Length with the same value");
    if (conflict) addAnomaly(a, "http_parse_error", "conflicting Content-Length values");
    if (bad) addAnomaly(a, "http_parse_error", "invalid Content-Length");
    if (chosen >= 0) {
      // §6.3 item 5 leniently: the first valid value, as most lenient servers read it.
      head.framing = chosen === 0 ? BODY_NONE : BODY_LENGTH;
      head.length = chosen;
    } else head.framing = head.isResponse ? BODY_UNTIL_CLOSE : BODY_UNKNOWN;
    return;
  }
  // §6.3 items 7-8: a request without either has no body; a response reads to close.
  head.framing = head.isResponse ? BODY_UNTIL_CLOSE : BODY_NONE;
}

/**
 * Parses the head in b[start, end): a start line already recognised by startLineKind (as a
 * request when `isResponse` is false), then field lines up to the empty line or `end`.
 */
export function parseHead(
  b: Buffer,
  start: number,
  end: number,
  isResponse: boolean,
  maxHeaders: number,
): MessageHead {
  const anomalies: Anomaly[] = [];
  const text = headText(b, start, end, anomalies);
  let lf = text.indexOf("\n");
  if (lf < 0) lf = text.length;
  let lineEnd = lf;
  if (lineEnd > 0 && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  else if (lf < text.length) addAnomaly(anomalies, "http_parse_error", "bare LF line ending");
  const line = text.slice(0, lineEnd);
  let method = "";
  let target = "";
  let status = 0;
  let reason = "";
  let version: string;
  if (isResponse) {
    version = line.slice(0, 8);
    status = Number(line.slice(9, 12));
    reason = trimOws(line.slice(12));
  } else {
    let i = 0;
    while (i < line.length && !isWs(line.charCodeAt(i))) i++;
    method = line.slice(0, i);
    let ts = i;
    while (ts < line.length && isWs(line.charCodeAt(ts))) ts++;
    version = line.slice(line.length - 8);
    let te = line.length - 8;
    const sepStart = te;
    while (te > ts && isWs(line.charCodeAt(te - 1))) te--;
    target = line.slice(ts, te);
    if (ts - i !== 1 || sepStart - te !== 1)
      addAnomaly(anomalies, "http_parse_error", "extra whitespace in request line");
  }
  const headers: Header[] = [];
  const scan: FieldScan = { lengths: null, codings: null, encodings: null };
  const dropped = readFieldLines(text, lf + 1, headers, maxHeaders, anomalies, scan);
  const head: MessageHead = {
    isResponse,
    method,
    target,
    status,
    reason,
    version,
    headers,
    anomalies,
    framing: BODY_NONE,
    length: 0,
    contentEncoding: scan.encodings === null ? "" : scan.encodings.join(", "),
    dropped,
  };
  framingOf(head, scan);
  // RFC 9112 §6.3 items 1-2: 1xx, 204 and 304 never have a body, whatever the fields say.
  if (isResponse && (status < 200 || status === 204 || status === 304)) head.framing = BODY_NONE;
  return head;
}

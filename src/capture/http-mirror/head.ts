import { isAscii, isUtf8 } from "node:buffer";
import type { Anomaly } from "../../model/anomalies.js";
import type { Header } from "../../model/http.js";
import { isTchar, isToken, trimOws } from "../../model/index.js";
import { addAnomaly, MAX_ANOMALIES } from "./anomaly-list.js";

/**
 * The request head (request line and header fields, RFC 9112 §3 and §5), read leniently:
 * we observe traffic, we do not serve it, so whatever a real server might have accepted is
 * kept and every departure from the grammar becomes an anomaly instead of a rejection.
 * The one thing that must be exact is framing (§6): where this request's body ends and the
 * next request begins. When it cannot be known, the connection is given up.
 */

/** How the body is delimited (RFC 9112 §6.3). */
export type Framing =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" }
  /** The body length cannot be determined: answer, then close the connection. */
  | { readonly kind: "invalid"; readonly reason: string };

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  /** As on the wire (`HTTP/1.1`), absent when the request line has none. */
  readonly httpVersion?: string;
  /** Field lines in order, names as spelled; mutable so trailer fields can be appended. */
  readonly headers: Header[];
  readonly anomalies: Anomaly[];
  /** Whether the connection may carry another request after this one. */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue` on a request with a body: the client waits for a 100. */
  readonly expectContinue: boolean;
  readonly framing: Framing;
  /** `PRI * HTTP/2.0`: an HTTP/2 prior-knowledge preface, which this listener does not speak. */
  readonly h2Preface: boolean;
}

export interface HeadLimits {
  /** Most header fields kept; further ones are still read for framing but not kept. */
  readonly maxHeaders: number;
}

/** Longest Content-Length accepted: 15 digits stays a safe integer. */
const MAX_LENGTH_DIGITS = 15;

export { isToken };

/** Whether a byte can start a request line (a method is a token). */
export function isTokenByte(c: number): boolean {
  return isTchar(c);
}

/**
 * Header bytes as text. ASCII and valid UTF-8 are read as such; anything else is read as
 * Latin-1, which keeps every byte as one character, so nothing an attacker sent disappears
 * (RATIONALE.md: the same rule as percent-decoding).
 */
export function decodeHeadBytes(b: Buffer, anomalies: Anomaly[]): string {
  if (isAscii(b)) return b.toString("latin1");
  if (isUtf8(b)) return b.toString("utf8");
  addAnomaly(anomalies, "bad_utf8", "request head is not UTF-8; read as Latin-1");
  return b.toString("latin1");
}

function isWs(c: number): boolean {
  // RFC 9112 §3: SP, HTAB, VT, FF and bare CR may be read as request-line separators.
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

/** `HTTP/` + digits `.` digits (RFC 9112 §2.3), name compared case-insensitively. */
function isHttpVersion(s: string): boolean {
  if (s.length < 8 || s.length > 16 || s.slice(0, 5).toUpperCase() !== "HTTP/") return false;
  let dot = false;
  for (let i = 5; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && !dot && i > 5 && i < s.length - 1) dot = true;
    else if (c < 48 || c > 57) return false;
  }
  return dot;
}

interface RequestLine {
  method: string;
  target: string;
  version?: string;
}

function parseRequestLine(line: string, anomalies: Anomaly[]): RequestLine {
  const n = line.length;
  let i = 0;
  while (i < n && !isWs(line.charCodeAt(i))) i++;
  const method = line.slice(0, i);
  if (!isToken(method)) addAnomaly(anomalies, "http_parse_error", "method is not a token");
  let start = i;
  while (start < n && isWs(line.charCodeAt(start))) start++;
  let end = n;
  while (end > start && isWs(line.charCodeAt(end - 1))) end--;
  if (start - i !== 1 || end !== n)
    addAnomaly(anomalies, "http_parse_error", "extra whitespace in request line");
  let sep = end;
  while (sep > start && !isWs(line.charCodeAt(sep - 1))) sep--;
  const last = line.slice(sep, end);
  if (sep > start && isHttpVersion(last)) {
    let tEnd = sep;
    while (tEnd > start && isWs(line.charCodeAt(tEnd - 1))) tEnd--;
    const target = line.slice(start, tEnd);
    if (target.length === 0) addAnomaly(anomalies, "http_parse_error", "empty request-target");
    for (let k = 0; k < target.length; k++) {
      if (isWs(target.charCodeAt(k))) {
        addAnomaly(anomalies, "http_parse_error", "whitespace in request-target");
        break;
      }
    }
    if (!last.startsWith("HTTP/"))
      addAnomaly(anomalies, "http_parse_error", "HTTP-version name not upper-case");
    return { method, target, version: last };
  }
  addAnomaly(anomalies, "http_parse_error", "no HTTP-version in request line");
  return { method, target: line.slice(start, end) };
}

/**
 * Whether a field name equals a lower-case ASCII name, ignoring ASCII case (RFC 9110 §5.1:
 * field names are case-insensitive tokens). Compares in place: no lower-cased copy.
 */
export function isFieldName(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const t = lower.charCodeAt(i);
    if (c !== t && !(c >= 65 && c <= 90 && c + 32 === t)) return false;
  }
  return true;
}

/** Splits a list-valued field (RFC 9110 §5.6.1) into trimmed, non-empty, lower-case items. */
function listItems(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const item of v.split(",")) {
      const t = trimOws(item).toLowerCase();
      if (t !== "") out.push(t);
    }
  }
  return out;
}

/**
 * Reads one field line `name: value` (RFC 9112 §5.1): text[from, to), CR already cut;
 * `colon` is the first colon at or after `from` (-1: none in the rest of the head).
 */
function parseFieldLine(text: string, from: number, to: number, colon: number, anomalies: Anomaly[]): Header {
  if (colon < 0 || colon >= to) {
    addAnomaly(anomalies, "bad_header", "field line without a colon");
    return [text.slice(from, to), ""];
  }
  const name = text.slice(from, colon);
  if (!isToken(name)) {
    const c = name.charCodeAt(name.length - 1);
    addAnomaly(
      anomalies,
      "bad_header",
      c === 32 || c === 9 ? "whitespace before the colon" : "field name is not a token",
    );
  }
  // The value without the OWS around it, cut once.
  let a = colon + 1;
  let b = to;
  while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9)) a++;
  while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 9)) b--;
  return [name, text.slice(a, b)];
}

/**
 * Parses the head text: the request line and the field lines, each ended by LF (a CR before
 * it is dropped; a bare LF is accepted, RFC 9112 §2.2). `text` excludes the empty line that
 * ends the head. Lines are walked in place (no split, no per-line copies): this runs for
 * every mirrored request on the listener's thread.
 */
export function parseHead(text: string, limits: HeadLimits): RequestHead {
  const anomalies: Anomaly[] = [];
  const n = text.length;
  let sawBareLf = false;
  let sawBareCr = false;
  // Next CR and next colon at or after the line being read (-1: none left). Kept as cursors
  // so that lines without them do not make each later search rescan the head.
  let cr = text.indexOf("\r");
  let colon = text.indexOf(":");
  let rl: RequestLine | undefined;
  const headers: Header[] = [];
  const te: string[] = [];
  const cl: string[] = [];
  const conn: string[] = [];
  let expect = false;
  let last: Header | null = null;
  let dropped = 0;
  let pos = 0;
  while (pos < n) {
    const lf = text.indexOf("\n", pos);
    const next = lf < 0 ? n : lf + 1;
    let end = lf < 0 ? n : lf;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    else sawBareLf = true;
    if (cr >= 0 && cr < pos) cr = text.indexOf("\r", pos);
    if (cr >= 0 && cr < end) sawBareCr = true;
    const from = pos;
    pos = next;
    if (rl === undefined) {
      rl = parseRequestLine(text.slice(from, end), anomalies);
      continue;
    }
    const c0 = text.charCodeAt(from);
    if ((c0 === 32 || c0 === 9) && last !== null) {
      // RFC 9112 §5.2: obs-fold; a recipient may replace it with SP.
      addAnomaly(anomalies, "bad_header", "obs-fold line continuation");
      const joined: Header = [last[0], `${last[1]} ${trimOws(text.slice(from, end))}`];
      if (headers[headers.length - 1] === last) headers[headers.length - 1] = joined;
      if (isFieldName(last[0], "transfer-encoding")) te[te.length - 1] = joined[1];
      else if (isFieldName(last[0], "content-length")) cl[cl.length - 1] = joined[1];
      last = joined;
      continue;
    }
    if (colon >= 0 && colon < from) colon = text.indexOf(":", from);
    const h = parseFieldLine(text, from, end, colon, anomalies);
    last = h;
    if (headers.length < limits.maxHeaders) headers.push(h);
    else dropped++;
    const [name, value] = h;
    // Framing-relevant fields are read whether or not the field is kept.
    switch (name.length) {
      case 6:
        if (isFieldName(name, "expect") && value.toLowerCase() === "100-continue") expect = true;
        break;
      case 10:
        if (isFieldName(name, "connection")) conn.push(value);
        break;
      case 14:
        if (isFieldName(name, "content-length")) cl.push(value);
        break;
      case 17:
        if (isFieldName(name, "transfer-encoding")) te.push(value);
        break;
    }
  }
  rl ??= parseRequestLine("", anomalies);
  if (sawBareLf || sawBareCr) {
    // Line-ending faults are listed first (they concern the whole head), within the cap.
    const first: Anomaly[] = [];
    if (sawBareLf) addAnomaly(first, "http_parse_error", "line ended by LF without CR");
    if (sawBareCr) addAnomaly(first, "bad_header", "bare CR inside a line");
    anomalies.splice(0, 0, ...first);
    if (anomalies.length > MAX_ANOMALIES) anomalies.length = MAX_ANOMALIES;
  }
  if (dropped > 0)
    addAnomaly(anomalies, "headers_limit", `${dropped} header fields past the limit were not kept`);

  const version = rl.version?.toUpperCase();
  const http10 = version === undefined || version === "HTTP/1.0" || version.startsWith("HTTP/0.");
  const connTokens = listItems(conn);
  let keepAlive = http10 ? connTokens.includes("keep-alive") : true;
  if (connTokens.includes("close")) keepAlive = false;

  let framing: Framing = { kind: "none" };
  if (te.length > 0) {
    const codings = listItems(te);
    if (codings[codings.length - 1] === "chunked") framing = { kind: "chunked" };
    else framing = { kind: "invalid", reason: "transfer-encoding does not end in chunked" };
    // RFC 9112 §6.1 and §6.3: TE with Content-Length, or TE in HTTP/1.0, is a faulty (and
    // possibly smuggling) message: read it as chunked, then close the connection.
    if (cl.length > 0 || http10) keepAlive = false;
  } else if (cl.length > 0) {
    let length = -1;
    for (const v of cl) {
      for (const item of v.split(",")) {
        const t = trimOws(item);
        let ok = t.length > 0 && t.length <= MAX_LENGTH_DIGITS;
        for (let k = 0; ok && k < t.length; k++) {
          const c = t.charCodeAt(k);
          if (c < 48 || c > 57) ok = false;
        }
        const n = ok ? Number(t) : -2;
        if (n < 0 || (length >= 0 && n !== length)) {
          length = -2;
          break;
        }
        length = n;
      }
      if (length === -2) break;
    }
    // RFC 9110 §8.6: a list of identical values may be read as one; anything else is fatal.
    framing = length >= 0 ? { kind: "length", length } : { kind: "invalid", reason: "bad content-length" };
  }
  const hasBody = framing.kind === "chunked" || (framing.kind === "length" && framing.length > 0);
  const h2Preface = rl.method === "PRI" && rl.target === "*" && version === "HTTP/2.0";
  return {
    method: rl.method,
    target: rl.target,
    ...(rl.version === undefined ? {} : { httpVersion: rl.version }),
    headers,
    anomalies,
    keepAlive,
    expectContinue: expect && hasBody && !http10,
    framing,
    h2Preface,
  };
}

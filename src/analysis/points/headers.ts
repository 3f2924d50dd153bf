import type { Header } from "../../model/index.js";
import { isToken } from "../../model/index.js";
import { absentBits, emitV } from "./decode.js";
import { looksLikeText } from "./decoders/bytes.js";
import { headerGrammar, WELL_FORMED_MAX } from "./header-grammar.js";
import { percentDecode } from "./percent.js";
import type { PointSink } from "./sink.js";
import { stepsPlus } from "./sink.js";

/**
 * Standard headers whose syntax RFC 9110 / Fetch fix and that no application decodes
 * further: their values are emitted as points but not offered to the nested decoders
 * (base64 or percent-decoding an `Accept-Language` would find nothing a server reads).
 */
const PLAIN_HEADERS: ReadonlySet<string> = new Set([
  "accept",
  "accept-charset",
  "accept-encoding",
  "accept-language",
  "cache-control",
  "connection",
  "content-encoding",
  "content-length",
  "dnt",
  "host",
  "if-modified-since",
  "pragma",
  "priority",
  "sec-ch-ua",
  "sec-ch-ua-mobile",
  "sec-ch-ua-platform",
  "sec-fetch-dest",
  "sec-fetch-mode",
  "sec-fetch-site",
  "sec-fetch-user",
  "te",
  "transfer-encoding",
  "upgrade-insecure-requests",
]);

interface NameInfo {
  readonly lower: string;
  readonly valid: boolean;
  /** In PLAIN_HEADERS: no nested decoders. */
  readonly plain: boolean;
  /** A header with a standard grammar (header-grammar.ts) worth checking the value against. */
  readonly grammar: RegExp | undefined;
  /** `["header", lower]`, shared by every point of this header (steps are read-only). */
  readonly steps: readonly string[];
}

/**
 * Header names repeat across requests (browsers send the same dozen), so their
 * lower-case form, validity and step array are computed once. Bounded: past
 * NAME_CACHE_MAX distinct names, new ones are computed per request.
 */
const NAME_CACHE_MAX = 1024;
const nameCache = new Map<string, NameInfo>();

/**
 * Clients send their headers in the same order request after request: remember, per
 * position, the last name seen there, and skip the map lookup when it repeats.
 */
const lastNames: string[] = [];
const lastInfos: NameInfo[] = [];

function nameAt(h: number, raw: string): NameInfo {
  if (h < 64 && lastNames[h] === raw) return lastInfos[h]!;
  const info = nameInfo(raw);
  if (h < 64) {
    lastNames[h] = raw;
    lastInfos[h] = info;
  }
  return info;
}

function nameInfo(raw: string): NameInfo {
  const hit = nameCache.get(raw);
  if (hit !== undefined) return hit;
  const lower = raw.toLowerCase();
  const info: NameInfo = {
    lower,
    valid: isToken(raw),
    plain: PLAIN_HEADERS.has(lower),
    grammar: headerGrammar(lower),
    steps: ["header", lower],
  };
  if (nameCache.size < NAME_CACHE_MAX && raw.length <= 64) nameCache.set(raw, info);
  return info;
}

const COOKIE_STEPS: readonly string[] = ["header", "cookie"];

/**
 * Headers: names normalised to lower case, repeats kept (each its own point), cookies
 * split into `header › cookie › NAME` (RFC 6265 §4.2.1, leniently), Basic credentials
 * decoded as `header › authorization › basic` (RFC 7617). Bearer JWTs are taken apart by
 * the `jwt` nested decoder.
 */
export function emitHeaders(sink: PointSink, headers: readonly Header[]): void {
  for (let h = 0; h < headers.length; h++) {
    if (!sink.open) return;
    // Index access, not destructuring: no iterator protocol on the hot path.
    const hdr = headers[h]!;
    const rawName = hdr[0];
    const value = hdr[1];
    const info = nameAt(h, rawName);
    const name = info.lower;
    if (!info.valid) {
      sink.anomaly("bad_header", `header › ${name.slice(0, 64)}`);
      // A name outside the token grammar is attacker prose: look at it.
      sink.push(stepsPlus(info.steps, "#key"), "header", "key", rawName, 0, name, name);
    }
    if (name === "cookie") {
      emitCookies(sink, value);
      continue;
    }
    if (name === "content-type") sink.contentType ??= value;
    else if (name === "content-encoding") sink.contentEncoding ??= value;
    if (info.grammar !== undefined && value.length <= WELL_FORMED_MAX && info.grammar.test(value))
      sink.pushWellFormed(info.steps, value, name);
    else if (info.plain) sink.push(info.steps, "header", "value", value, 0, name, name);
    else emitV(sink, info.steps, "header", "value", value, 0, name, name);
    if (name === "authorization" || name === "proxy-authorization") emitBasic(sink, info.steps, name, value);
  }
}

function emitBasic(sink: PointSink, steps: readonly string[], name: string, value: string): void {
  if (value.length < 8 || value.slice(0, 6).toLowerCase() !== "basic ") return;
  const bytes = Buffer.from(value.slice(6).trim(), "base64");
  if (!looksLikeText(bytes)) return;
  emitV(sink, stepsPlus(steps, "basic"), "header", "value", bytes.toString("utf8"), 1, name, name);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

export function emitCookies(sink: PointSink, value: string): void {
  // What the whole header lacks, no cookie value has (percent-decoding only runs where
  // there is a `%`).
  const absent = value.indexOf("%") === -1 ? absentBits(value) : 0;
  let count = 0;
  const n = value.length;
  let start = 0;
  while (start < n) {
    if (!sink.open) return;
    let end = value.indexOf(";", start);
    if (end === -1) end = n;
    let a = start;
    let b = end;
    start = end + 1;
    while (a < b && isSpace(value.charCodeAt(a))) a++;
    while (b > a && isSpace(value.charCodeAt(b - 1))) b--;
    if (a === b) continue;
    if (++count > sink.limits.maxParts) {
      sink.anomaly("parts_limit", "header › cookie");
      return;
    }
    let eq = value.indexOf("=", a);
    if (eq >= b) eq = -1;
    if (eq === -1) {
      // A cookie without a name: its whole text is the value.
      emitV(sink, COOKIE_STEPS, "cookie", "value", value.slice(a, b), 0, "cookie", undefined, absent);
      continue;
    }
    let ne = eq;
    while (ne > a && isSpace(value.charCodeAt(ne - 1))) ne--;
    const name = value.slice(a, ne);
    let vs = eq + 1;
    while (vs < b && isSpace(value.charCodeAt(vs))) vs++;
    let ve = b;
    if (ve - vs >= 2 && value.charCodeAt(vs) === 34 && value.charCodeAt(ve - 1) === 34) {
      vs++;
      ve--;
    }
    const steps = ["header", "cookie", name];
    emitV(sink, ["header", "cookie", name, "#key"], "cookie", "key", name, 0, "cookie", name);
    // Cookie values are commonly percent-encoded by applications (not by RFC 6265).
    emitV(
      sink,
      steps,
      "cookie",
      "value",
      percentDecode(value.slice(vs, ve), false),
      0,
      "cookie",
      name,
      absent,
    );
  }
}

import { emitGraphql, looksLikeGraphql } from "./body/graphql.js";
import { absentBits, emitV } from "./decode.js";
import { base64, base64Alphabet, base64Spaced } from "./decoders/base64.js";
import { T_BSL } from "./decoders/types.js";
import { type DecodeFlags, percentDecode } from "./percent.js";
import type { PointSink } from "./sink.js";
import { indexStep, stepsName, stepsPlus } from "./sink.js";

/** `scheme://` at the start of an absolute-form target (RFC 3986 §3.1), or -1. */
function schemeEnd(t: string): number {
  const n = Math.min(t.length, 18);
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    const alpha = (c | 0x20) >= 97 && (c | 0x20) <= 122;
    if (i === 0 ? !alpha : !(alpha || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45)) {
      return c === 58 && i > 0 && t.charCodeAt(i + 1) === 47 && t.charCodeAt(i + 2) === 47 ? i + 3 : -1;
    }
  }
  return -1;
}

/**
 * Splits a request-target (RFC 9112 §3.2: origin-form, absolute-form, asterisk-form)
 * into path and query. Nothing is rejected: bytes RFC 3986 forbids are kept, as real
 * attack traffic carries them.
 */
export function splitTarget(target: string): { path: string; query: string | null } {
  let t = target;
  // absolute-form: drop scheme://authority, keep what a server would route on.
  if (t.length > 7 && t.charCodeAt(0) !== 47 /* / */) {
    const s = schemeEnd(t);
    if (s !== -1) {
      let e = s;
      const lim = Math.min(t.length, s + 2048);
      while (e < lim) {
        const c = t.charCodeAt(e);
        if (c === 47 || c === 63 || c === 35) break;
        e++;
      }
      t = t.slice(e);
    }
  }
  const q = t.indexOf("?");
  if (q === -1) return { path: t, query: null };
  return { path: t.slice(0, q), query: t.slice(q + 1) };
}

const PATH_STEPS: readonly string[] = ["path"];
const EXT_STEPS: readonly string[] = ["path", "ext"];
/** `["path", "1"]` … `["path", "64"]`, shared (points' steps are read-only). */
const SEGMENT_STEPS: ReadonlyArray<readonly string[]> = Array.from({ length: 65 }, (_, i) => [
  "path",
  indexStep(i),
]);

export function emitPath(sink: PointSink, rawPath: string): void {
  const flags: DecodeFlags = { badEscape: false, badUtf8: false, overlong: false };
  const path = percentDecode(rawPath, false, flags);
  noteFlags(sink, flags, "path");
  emitV(sink, PATH_STEPS, "path", "path", path, 0, undefined, undefined);
  pathAsBase64(sink, path);
  // Segments: both slashes count, as IIS and many frameworks treat `\` as `/`. A segment
  // holds no `%`, `&` or `\` the whole path lacks: tell the decoders.
  const bsl = path.indexOf("\\") !== -1;
  const absent = absentBits(path) | T_BSL;
  const n = path.length;
  let nonEmpty = 0;
  for (let s = 0; s < n && nonEmpty < 2; ) {
    const e = nextSlash(path, s, bsl);
    if (e > s) nonEmpty++;
    s = e + 1;
  }
  if (nonEmpty > 1) {
    let idx = 0;
    for (let s = 0; s < n && sink.open; ) {
      const e = nextSlash(path, s, bsl);
      if (e > s) {
        if (++idx > 64) break;
        emitV(
          sink,
          SEGMENT_STEPS[idx]!,
          "path",
          "segment",
          path.slice(s, e),
          0,
          undefined,
          undefined,
          absent,
        );
      }
      s = e + 1;
    }
  }
  // Extension of the last segment, before any `;params` (RFC 3986 §3.3).
  const last = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const semi = last.indexOf(";");
  const file = semi === -1 ? last : last.slice(0, semi);
  const dot = file.lastIndexOf(".");
  if (dot > 0 && dot < file.length - 1 && file.length - dot <= 16) {
    sink.push(EXT_STEPS, "path", "ext", file.slice(dot + 1).toLowerCase(), 0, undefined, undefined);
  }
}

/** Offers a parameter name that came without a value to the base64 decoders, as a value. */
function loneBase64(
  sink: PointSink,
  steps: readonly string[],
  zone: "query" | "body",
  name: string,
  depth: number,
): void {
  const d = base64.applies(name, "value", undefined)
    ? base64
    : base64Spaced.applies(name, "value", undefined)
      ? base64Spaced
      : null;
  if (d === null || depth + 1 > sink.limits.maxDepth) return;
  d.run({
    sink,
    steps,
    zone,
    kind: "value",
    value: name,
    depth: depth + 1,
    header: undefined,
    name,
    index: -1,
  });
}

/**
 * A path that is one base64 token (`/PHNjcmlwdD4…`, routes like `/share/{blob}` with the
 * blob's own `/` splitting it into segments): the decoder never sees it otherwise, as the
 * path point starts with `/` (text never encodes to that) and segments are emitted only
 * when there are two or more. Offered to the base64 decoder whole, from its first
 * character; the decoder's own shape checks (mixed case, text inside) reject route paths.
 */
function pathAsBase64(sink: PointSink, path: string): void {
  const n = path.length;
  if (n < 9 || n > 8192) return;
  let start = 0;
  while (start < n && path.charCodeAt(start) === 47) start++;
  if (n - start < 8) return;
  let end = n;
  while (end > start && path.charCodeAt(end - 1) === 61) end--;
  if (!base64Alphabet(path, start, end)) return;
  const token = start === 0 ? path : path.slice(start);
  if (!base64.applies(token, "segment", undefined) || !sink.open) return;
  base64.run({
    sink,
    steps: PATH_STEPS,
    zone: "path",
    kind: "segment",
    value: token,
    depth: 1,
    header: undefined,
    name: undefined,
    index: -1,
  });
}

/**
 * Emits `application/x-www-form-urlencoded` style pairs (a query string or a form
 * body, WHATWG URL §5.1). Repeated names are kept, each as its own point.
 */
/** Index of the next `/` (or `\\` when `bsl`) at or after `from`, or `s.length`. */
function nextSlash(s: string, from: number, bsl: boolean): number {
  let e = s.indexOf("/", from);
  if (e === -1) e = s.length;
  if (bsl) {
    const b = s.indexOf("\\", from);
    if (b !== -1 && b < e) e = b;
  }
  return e;
}

export function emitPairs(
  sink: PointSink,
  zone: "query" | "body",
  prefix: readonly string[],
  raw: string,
  depth: number,
): void {
  const flags: DecodeFlags = { badEscape: false, badUtf8: false, overlong: false };
  let start = 0;
  let count = 0;
  const n = raw.length;
  const maxParts = sink.limits.maxParts;
  // The decoded pieces, to build `#raw` without decoding the whole string again (escapes
  // never span `&` or `=`, so decoding piecewise gives the same text).
  const plain = raw.indexOf("%") === -1 && raw.indexOf("+") === -1;
  // Without `%` in the raw string no value can hold `%` or `&` after decoding.
  const absent = raw.indexOf("%") === -1 ? absentBits(raw) : 0;
  const pieces: string[] | null = plain ? null : [];
  // Every piece a `name=value` with a plain name: then every byte of the string is in
  // some key or value point, and the whole adds nothing to check.
  let clean = true;
  while (start <= n && sink.open) {
    let end = raw.indexOf("&", start);
    if (end === -1) end = n;
    if (end > start) {
      if (++count > maxParts) {
        sink.anomaly("parts_limit", stepsName(prefix));
        break;
      }
      let eq = raw.indexOf("=", start);
      if (eq >= end) eq = -1;
      const name = percentDecode(raw.slice(start, eq === -1 ? end : eq), true, flags);
      const steps = stepsPlus(prefix, name);
      // Names are attacker text too: offered to the nested decoders like values (a
      // double-encoded payload hidden in a parameter name is decoded as in a value).
      emitV(sink, stepsPlus(steps, "#key"), zone, "key", name, depth, undefined, name);
      // A whole GraphQL document as the query string (`?{ user { id } }`), no `=`.
      if (eq === -1 && name.length > 8 && looksLikeGraphql(name, true)) {
        emitGraphql(sink, stepsPlus(prefix, "graphql"), zone, name, depth, false);
      }
      // A lone token (`?PHN2Zy9…`, a form body that is one base64 blob, its `+` turned
      // into spaces): data the application reads whole, which no decoder opens as a name.
      if (eq === -1 && name.length >= 8) loneBase64(sink, steps, zone, name, depth);
      if (pieces !== null) pieces.push(name);
      if (clean && (eq === -1 || !plainName(name))) clean = false;
      if (eq !== -1) {
        // Longer than this cannot fit in a point once decoded (at most 3 input chars per
        // output char): do not decode what would be cut anyway.
        const max = sink.limits.maxValueLength * 3;
        const value = percentDecode(raw.slice(eq + 1, end - eq - 1 > max ? eq + 1 + max : end), true, flags);
        emitV(sink, steps, zone, "value", value, depth, undefined, name, absent);
        if (pieces !== null) pieces.push("=", value);
      }
    } else {
      clean = false;
      if (pieces !== null) pieces.push("");
    }
    if (pieces !== null && end < n) pieces.push("&");
    start = end + 1;
  }
  if (flags.badEscape || flags.badUtf8 || flags.overlong) noteFlags(sink, flags, stepsName(prefix));
  // The whole decoded string too, so that a payload split by an unencoded `&` is still
  // seen whole (`ip=1&cat /etc/passwd`, `q=1'&&sleep(5)`). Clean `a=1&b=2` pairs are
  // already covered point by point.
  if (count > 1 && !clean) {
    const whole = pieces === null ? raw : sink.open ? pieces.join("") : percentDecode(raw, true);
    sink.push(stepsPlus(prefix, "#raw"), zone, "raw", whole, depth, undefined, undefined);
  }
}

/** A parameter name browsers and frameworks produce: `[A-Za-z0-9_.[\]-]+`. */
function plainName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122)) continue;
    if (c === 95 || c === 46 || c === 45 || c === 91 || c === 93) continue;
    return false;
  }
  return true;
}

export function noteFlags(sink: PointSink, flags: DecodeFlags, where: string): void {
  if (flags.badEscape) sink.anomaly("bad_percent_encoding", where);
  if (flags.badUtf8) sink.anomaly("bad_utf8", where);
  if (flags.overlong) sink.anomaly("overlong_utf8", where);
}

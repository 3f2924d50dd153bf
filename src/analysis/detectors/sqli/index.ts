/**
 * SQL injection detector. A value is tokenized as SQL from up to three starting
 * contexts — bare, inside a `'…'` string, inside a `"…"` string — since the detector
 * cannot know how the application quotes it (libinjection's approach), and each token
 * stream is read by a tolerant expression grammar (grammar.ts) and judged by structural
 * rules (rules.ts). Signatures: `sqli.<sign>`, e.g. `sqli.union-select`, `sqli.tautology`.
 */
import { excerpt, type Hit, type Point } from "../../../model/index.js";
import { hasPercentEscape, percentDecode } from "../../points/percent.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { read } from "./grammar.js";
import { isAsciiLetter } from "./chars.js";
import { WordClass, wordClass } from "./keywords.js";
import { anywherePossible, sqliPrefilter } from "./prefilter.js";
import { judge } from "./rules.js";
import { inScope } from "./scope.js";
import { type StartQuote, tokenize } from "./tokenizer.js";

/** Contexts tried, in order: bare first (its signs are the most specific). */
const CONTEXTS: readonly StartQuote[] = [0, 39, 34];

/** Runs the tokenizer and rules over one string; null when nothing fires. */
export function detectSqli(value: string, rawPairs = false): DetectorMatch | null {
  let anywhere: boolean | undefined;
  for (const ctx of CONTEXTS) {
    if (ctx !== 0) {
      const q = value.indexOf(ctx === 39 ? "'" : '"');
      if (q === -1) continue;
      // Most quotes in ordinary text are apostrophes followed by more of a word
      // (`daily.dev's`): unless a sign that stands anywhere may be present, read the
      // context only when what follows the break could be SQL.
      anywhere ??= anywherePossible(value);
      if (!anywhere && !sqlMayFollowBreak(value, ctx)) continue;
    }
    const tokens = tokenize(value, ctx);
    if (tokens === null || tokens.length === 0) continue;
    const r = read(tokens);
    const v = judge(r, ctx, value, rawPairs);
    if (v !== null) {
      const t = r.sig[v.at];
      const start = t?.start ?? 0;
      return { signature: `sqli.${v.sign}`, start, end: Math.min(value.length, start + 64) };
    }
  }
  return null;
}

/**
 * After the first `ctx` quote (the break), skipping spaces and `)`: anything but a
 * letter, or a word that is an SQL keyword. A cheap look before the full tokenizer.
 */
function sqlMayFollowBreak(value: string, ctx: number): boolean {
  const n = value.length;
  let i = 0;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === ctx) {
      if (value.charCodeAt(i + 1) === ctx) {
        i++;
        continue;
      }
      break;
    }
  }
  if (i >= n) return false;
  let j = i + 1;
  while (j < n && j - i < 64) {
    const c = value.charCodeAt(j);
    if (c === 32 || c === 41 || (c >= 9 && c <= 13) || c === 0xa0) j++;
    else break;
  }
  if (j >= n) return false;
  const c = value.charCodeAt(j);
  if (!isAsciiLetter(c)) return true;
  let k = j;
  while (k < n && k - j < 25 && isAsciiLetter(value.charCodeAt(k))) k++;
  if (k - j > 24 || k - j < 2) return false;
  return wordClass(value.slice(j, k).toLowerCase()) !== WordClass.Plain;
}

/**
 * A value that is a JSON object or array: the embedded-JSON decoder hands its members
 * to the detector one by one, where the quote contexts mean something; read whole, every
 * JSON quote would be a "break".
 */
function isJsonContainer(v: string): boolean {
  const n = v.length;
  if (n < 2) return false;
  const a = v.charCodeAt(0);
  const b = v.charCodeAt(1);
  const z = v.charCodeAt(n - 1);
  return (
    (a === 123 && b === 34 && z === 125) ||
    (a === 91 && (b === 34 || b === 123 || b === 91 || isDigitCode(b)) && z === 93)
  );
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * A whole query string or form body (`#raw`) is read only when a `&` in it may have cut
 * a payload: `&&`, or `&` followed by something that cannot start a parameter name.
 */
function rawWorthReading(v: string): boolean {
  let i = v.indexOf("&");
  while (i !== -1) {
    const c = v.charCodeAt(i + 1);
    if (
      !(
        isAsciiLetter(c) ||
        isDigitCode(c) ||
        c === 95 ||
        c === 37 ||
        c === 46 ||
        c === 45 ||
        c === 91 ||
        c === 36
      )
    )
      return true;
    i = v.indexOf("&", i + 1);
  }
  return false;
}

/** The value as the detector reads it: a whole path loses its leading `/`. */
function subject(p: Point): string {
  if (p.kind === "path" && p.value.charCodeAt(0) === 47) return p.value.slice(1);
  return p.value;
}

/**
 * Other readings of a value that the application may see, each tried only when the
 * value carries what makes it differ (so they cost nothing on ordinary values):
 *  - names (parameter keys) are not passed through the nested decoders: a key still
 *    holding `%XX` is decoded once more;
 *  - `\"` / `\'` unescaped, for payloads written to survive a JSON or C-style string;
 *  - `+` as space where the value came through a header or cookie without form decoding
 *    (a Referer's query string);
 *  - the text after a leading `name=` in a name: a pair the parser could not split;
 *  - the parameter values of a URL carried in a header (Referer);
 *  - typographic quotes read as `'`.
 */
function variants(p: Point, v: string): string[] {
  const out: string[] = [];
  if (p.kind === "key" && hasPercentEscape(v)) out.push(percentDecode(v, true));
  if (v.indexOf("\\") !== -1 && (v.indexOf("\\'") !== -1 || v.indexOf('\\"') !== -1))
    out.push(v.replaceAll("\\'", "'").replaceAll('\\"', '"'));
  const base =
    (p.zone === "header" || p.zone === "cookie" || p.zone === "path") && v.indexOf("+") !== -1
      ? v.replaceAll("+", " ")
      : v;
  if (base !== v) out.push(base);
  // A name holding `=` is a pair the parser could not split (an encoded `=`, a nested
  // query string): read what follows the `=` as a value.
  const eq = p.kind === "key" || p.zone === "cookie" ? base.indexOf("=") : -1;
  if (eq > 0 && eq < 64 && eq + 1 < base.length && isNameBefore(base, eq)) out.push(base.slice(eq + 1));
  if (p.zone === "header" && p.depth === 0) urlQueryValues(base, out);
  const uq = unicodeQuotes(v);
  if (uq !== v) out.push(uq);
  return out;
}

/**
 * Typographic quotes (U+2018/2019, U+00B4, U+02BC, U+FF07) become `'` when SQL Server
 * or a "best fit" code-page conversion turns Unicode into the database's charset.
 */
function unicodeQuotes(v: string): string {
  let out = v;
  for (const q of ["\u2018", "\u2019", "\u00b4", "\u02bc", "\uff07"])
    if (out.indexOf(q) !== -1) out = out.replaceAll(q, "'");
  return out;
}

/** Parameter values of a URL carried in a header (Referer, X-Original-URL…). */
function urlQueryValues(v: string, out: string[]): void {
  const q = v.indexOf("?");
  if (q === -1) return;
  let start = q + 1;
  for (let count = 0; count < 16 && start < v.length; count++) {
    let end = v.indexOf("&", start);
    if (end === -1) end = v.length;
    const eq = v.indexOf("=", start);
    if (eq !== -1 && eq < end && end - eq > 4) out.push(percentDecode(v.slice(eq + 1, end), true));
    start = end + 1;
  }
}

/** `v[0..eq)` looks like a parameter name, possibly after `?` or `&`. */
function isNameBefore(v: string, eq: number): boolean {
  for (let i = 0; i < eq; i++) {
    const c = v.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) ||
      ((c | 0x20) >= 97 && (c | 0x20) <= 122) ||
      c === 95 ||
      c === 45 ||
      c === 46 ||
      c === 91 ||
      c === 93;
    if (!ok && !(i === 0 && (c === 63 || c === 38))) return false;
  }
  return true;
}

/**
 * Re-reads a whole query string or form body that holds a single pair, and the whole
 * Cookie header: the parsers split at `=` and `;`, which cuts payloads such as
 * `admin' AND '1'='1` (sent as a bare query) or `admin'; -- -` (sent as a cookie) in two.
 */
function detectWhole(view: RequestView): Hit[] {
  const hits: Hit[] = [];
  let formKeys = 0;
  let queryKeys = 0;
  for (const p of view.points) {
    if (p.kind !== "key" || p.depth !== 0) continue;
    if (p.steps[0] === "query") queryKeys++;
    else if (p.steps[0] === "body" && p.steps[1] === "form") formKeys++;
  }
  const target = view.request.target;
  const q = target.indexOf("?");
  if (queryKeys === 1 && q !== -1) check(hits, "query", percentDecode(target.slice(q + 1), true), true);
  if (formKeys === 1 && typeof view.request.body === "string")
    check(hits, "body › form", percentDecode(view.request.body, true), true);
  for (const [name, value] of view.request.headers) {
    if (name.length === 6 && name.toLowerCase() === "cookie")
      check(hits, "header › cookie", percentDecode(value, false), false);
  }
  return hits;
}

function check(hits: Hit[], point: string, value: string, needsEq: boolean): void {
  if (value.length > 4096 || (value.indexOf("'") === -1 && value.indexOf('"') === -1)) return;
  if (needsEq && value.indexOf("=") === -1) return;
  if (!sqliPrefilter(value)) return;
  const m = detectSqli(value);
  if (m !== null)
    hits.push({ type: "sqli", point, payload: excerpt(value, m.start, m.end), signature: m.signature });
}

export const sqliDetector: Detector = {
  type: "sqli",
  prefilter: sqliPrefilter,
  detect(point: Point): DetectorMatch | null {
    if (!inScope(point)) return null;
    const v = subject(point);
    const shift = point.value.length - v.length;
    const raw = point.steps[point.steps.length - 1] === "#raw";
    if (raw ? !rawWorthReading(v) : isJsonContainer(v)) return null;
    // The prefilter contract: nothing is flagged, not even through a variant, unless the
    // value as given passes the gate.
    if (!sqliPrefilter(v)) return null;
    const m = detectSqli(v, raw);
    if (m !== null)
      return shift === 0 ? m : { signature: m.signature, start: m.start + shift, end: m.end + shift };
    for (const alt of variants(point, v)) {
      if (!sqliPrefilter(alt)) continue;
      const m = detectSqli(alt);
      // Offsets in a rewritten value do not map back: point at the whole value.
      if (m !== null) return { signature: m.signature, start: 0, end: Math.min(point.value.length, 64) };
    }
    return null;
  },
  detectRequest: detectWhole,
};

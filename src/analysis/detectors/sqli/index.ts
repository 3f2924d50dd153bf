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
import { sqliPrefilter } from "./prefilter.js";
import { judge } from "./rules.js";
import { inScope } from "./scope.js";
import { type StartQuote, tokenize } from "./tokenizer.js";

/** Contexts tried, in order: bare first (its signs are the most specific). */
const CONTEXTS: readonly StartQuote[] = [0, 39, 34];

/** Runs the tokenizer and rules over one string; null when nothing fires. */
export function detectSqli(value: string, rawPairs = false): DetectorMatch | null {
  for (const ctx of CONTEXTS) {
    if (ctx !== 0 && value.indexOf(ctx === 39 ? "'" : '"') === -1) continue;
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
 *  - the text after a leading `name=`: a query string nested in a value or a name.
 */
function variants(p: Point, v: string): string[] {
  const out: string[] = [];
  if (p.kind === "key" && hasPercentEscape(v)) out.push(percentDecode(v, true));
  if (v.indexOf("\\") !== -1 && (v.indexOf("\\'") !== -1 || v.indexOf('\\"') !== -1))
    out.push(v.replaceAll("\\'", "'").replaceAll('\\"', '"'));
  const base =
    (p.zone === "header" || p.zone === "cookie" || p.zone === "path") && v.indexOf("+") !== -1 ? v.replaceAll("+", " ") : v;
  if (base !== v) out.push(base);
  const eq = p.kind === "raw" ? -1 : base.indexOf("=");
  if (eq > 0 && eq < 64 && eq + 1 < base.length && isNameBefore(base, eq)) out.push(base.slice(eq + 1));
  return out;
}

/** `v[0..eq)` looks like a parameter name, possibly after `?` or `&`. */
function isNameBefore(v: string, eq: number): boolean {
  for (let i = 0; i < eq; i++) {
    const c = v.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 95 || c === 45 || c === 46 || c === 91 || c === 93;
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
  if (formKeys === 1 && typeof view.request.body === "string") check(hits, "body › form", percentDecode(view.request.body, true), true);
  for (const [name, value] of view.request.headers) {
    if (name.length === 6 && name.toLowerCase() === "cookie") check(hits, "header › cookie", percentDecode(value, false), false);
  }
  return hits;
}

function check(hits: Hit[], point: string, value: string, needsEq: boolean): void {
  if (value.length > 4096 || (value.indexOf("'") === -1 && value.indexOf('"') === -1)) return;
  if (needsEq && value.indexOf("=") === -1) return;
  if (!sqliPrefilter(value)) return;
  const m = detectSqli(value);
  if (m !== null) hits.push({ type: "sqli", point, payload: excerpt(value, m.start, m.end), signature: m.signature });
}

export const sqliDetector: Detector = {
  type: "sqli",
  prefilter: sqliPrefilter,
  detect(point: Point): DetectorMatch | null {
    if (!inScope(point)) return null;
    const v = subject(point);
    const shift = point.value.length - v.length;
    if (sqliPrefilter(v)) {
      const m = detectSqli(v, point.steps[point.steps.length - 1] === "#raw");
      if (m !== null) return shift === 0 ? m : { signature: m.signature, start: m.start + shift, end: m.end + shift };
    }
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

/**
 * `ssti`: server-side template injection. Finds template expressions (see
 * `expressions.ts`) and judges each (see `rules.ts` for what is and is not flagged, and
 * why plain placeholders like `{{ user.name }}` are not), plus FreeMarker and Velocity
 * directives that live outside expression delimiters.
 */
import type { Hit, Point } from "../../../model/index.js";
import { excerpt } from "../../../model/index.js";
import { hasPercentEscape, percentDecode } from "../../points/percent.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { findExpressions } from "./expressions.js";
import { judgeDirectives, judgeExpression } from "./rules.js";

/** Header values that are protocol tokens: no template is rendered from them. */
const TOKEN_HEADERS: ReadonlySet<string> = new Set([
  "accept",
  "accept-encoding",
  "accept-language",
  "content-type",
  "content-length",
  "host",
  "connection",
  "sec-fetch-site",
  "sec-fetch-mode",
  "sec-fetch-dest",
  "sec-ch-ua",
  "sec-ch-ua-mobile",
  "sec-ch-ua-platform",
  "upgrade-insecure-requests",
  "cache-control",
  "pragma",
  "if-none-match",
  "if-modified-since",
  "range",
]);

const MAX_LEN = 16384;

/**
 * Cheap gate: an opening delimiter or directive marker is present. Must pass every value
 * `detect` can flag: all rules need one of `{`, `<%`, `@(`, `<#`, `[#`, `#set(`-style
 * Velocity directives, `?new(`, or `$class.`-style references.
 */
export function sstiPrefilter(v: string): boolean {
  const n = Math.min(v.length, MAX_LEN);
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 123) return true;
    if (c === 37 && i > 0 && v.charCodeAt(i - 1) === 60) return true;
    if (c === 40 && i > 0 && v.charCodeAt(i - 1) === 64) return true;
    if (c === 35 && i > 0) {
      const p = v.charCodeAt(i - 1);
      if (p === 60 || p === 91) return true;
    }
    if (c === 35 && (v.charCodeAt(i + 1) | 32) >= 97 && (v.charCodeAt(i + 1) | 32) <= 122) {
      if (/^#(?:set|foreach|evaluate|define|macro|parse|include)\s*\(/i.test(v.slice(i, i + 16))) return true;
    }
    if (c === 63 && (v.charCodeAt(i + 1) | 32) === 110) return true;
    if (c === 36 && (v.charCodeAt(i + 1) | 32) >= 97 && (v.charCodeAt(i + 1) | 32) <= 122) return true;
    // Still percent-encoded (a key, or one encoding level too many): `%7B`, `%24`, `%3C`, `%25`.
    if (c === 37) {
      const a = v.charCodeAt(i + 1);
      const b = v.charCodeAt(i + 2) | 32;
      if ((a === 55 && b === 98) || (a === 50 && (b === 52 || b === 53)) || (a === 51 && b === 99))
        return true;
    }
  }
  return false;
}

function detectText(v: string): DetectorMatch | null {
  for (const e of findExpressions(v)) {
    const verdict = judgeExpression(e);
    if (verdict !== null) return { signature: verdict.signature, start: e.start, end: e.end };
  }
  const d = judgeDirectives(v, v.toLowerCase());
  if (d !== null) return { signature: d.signature, start: d.at, end: Math.min(v.length, d.at + 32) };
  return null;
}

function detectValue(p: Point): DetectorMatch | null {
  if (p.zone === "header" && p.header !== undefined && TOKEN_HEADERS.has(p.header)) return null;
  let v = p.value.length > MAX_LEN ? p.value.slice(0, MAX_LEN) : p.value;
  const m = detectText(v);
  if (m !== null) return m;
  // Keys are not decoded twice by the extractor, and some clients encode values twice.
  for (let k = 0; k < 2 && v.indexOf("%") !== -1 && hasPercentEscape(v); k++) {
    const d = percentDecode(v, false);
    if (d === v) break;
    v = d;
    const md = detectText(v);
    if (md !== null) return { signature: md.signature, start: 0, end: p.value.length };
  }
  return null;
}

/**
 * The cookie parser splits `name=value` at the first `=`, which cuts `<%= 7*7 %>` in two
 * when the whole cookie is the payload. Look at such cookie headers whole.
 */
function detectRequest(view: RequestView): Hit[] {
  const out: Hit[] = [];
  for (const [name, value] of view.request.headers) {
    if (name.length !== 6 || name.toLowerCase() !== "cookie") continue;
    if (value.indexOf("<%") === -1 && value.indexOf("%3C%25") === -1 && value.indexOf("%3c%25") === -1)
      continue;
    const text = percentDecode(value, false);
    const m = detectText(text.length > MAX_LEN ? text.slice(0, MAX_LEN) : text);
    if (m !== null)
      out.push({
        type: "ssti",
        point: "header › cookie",
        payload: excerpt(text, m.start, m.end),
        signature: m.signature,
      });
    if (out.length > 0) break;
  }
  return out;
}

export const sstiDetector: Detector = {
  type: "ssti",
  prefilter: sstiPrefilter,
  detect: detectValue,
  detectRequest,
};

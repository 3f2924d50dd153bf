/**
 * `ssti`: server-side template injection. Finds template expressions (see
 * `expressions.ts`) and judges each (see `rules.ts` for what is and is not flagged, and
 * why plain placeholders like `{{ user.name }}` are not), plus FreeMarker and Velocity
 * directives that live outside expression delimiters.
 */
import type { Point } from "../../../model/index.js";
import type { Detector, DetectorMatch } from "../types.js";
import { findExpressions } from "./expressions.js";
import { judgeDirectives, judgeExpression } from "./rules.js";

/** Header values that are protocol tokens: no template is rendered from them. */
const TOKEN_HEADERS: ReadonlySet<string> = new Set([
  "accept", "accept-encoding", "accept-language", "content-type", "content-length", "host", "connection",
  "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform",
  "upgrade-insecure-requests", "cache-control", "pragma", "if-none-match", "if-modified-since", "range",
]);

const MAX_LEN = 16384;

/**
 * Cheap gate: an opening delimiter or directive marker is present. Must pass every value
 * `detect` can flag: all rules need one of `{`, `<%`, `@(`, `<#`, `[#`, `#set(`-style
 * Velocity directives, `?new(`, or `$class.`-style references.
 */
export function sstiPrefilter(v: string): boolean {
  const n = v.length < MAX_LEN ? v.length : MAX_LEN;
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
  }
  return false;
}

function detectValue(p: Point): DetectorMatch | null {
  if (p.zone === "header" && p.header !== undefined && TOKEN_HEADERS.has(p.header)) return null;
  const v = p.value.length > MAX_LEN ? p.value.slice(0, MAX_LEN) : p.value;
  for (const e of findExpressions(v)) {
    const verdict = judgeExpression(e);
    if (verdict !== null) return { signature: verdict.signature, start: e.start, end: e.end };
  }
  const d = judgeDirectives(v, v.toLowerCase());
  if (d !== null) return { signature: d.signature, start: d.at, end: Math.min(v.length, d.at + 32) };
  return null;
}

export const sstiDetector: Detector = {
  type: "ssti",
  prefilter: sstiPrefilter,
  detect: detectValue,
};

/**
 * SQL injection detector. A value is tokenized as SQL from up to three starting
 * contexts — bare, inside a `'…'` string, inside a `"…"` string — since the detector
 * cannot know how the application quotes it (libinjection's approach), and each token
 * stream is read by a tolerant expression grammar (grammar.ts) and judged by structural
 * rules (rules.ts). Signatures: `sqli.<sign>`, e.g. `sqli.union-select`, `sqli.tautology`.
 */
import type { Point } from "../../../model/index.js";
import type { Detector, DetectorMatch } from "../types.js";
import { isAsciiLetter } from "./chars.js";
import { detectSqli } from "./detect.js";
import { ormLookup } from "./orm.js";
import { lastPassed, sqliPrefilter } from "./prefilter.js";
import { inScope } from "./scope.js";
import { variants } from "./variants.js";
import { detectWhole } from "./whole-request.js";

export { detectSqli } from "./detect.js";

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

/** `` `name` `` or `'name'`: a word (letters, digits, `_`, `.`) between two equal quotes. */
function quotedName(v: string): boolean {
  const n = v.length;
  if (n < 3 || n > 66) return false;
  const q = v.charCodeAt(0);
  if ((q !== 96 && q !== 39) || v.charCodeAt(n - 1) !== q) return false;
  for (let i = 1; i < n - 1; i++) {
    const c = v.charCodeAt(i);
    if (!(isAsciiLetter(c) || isDigitCode(c) || c === 95 || c === 46)) return false;
  }
  return true;
}

/** The value as the detector reads it: a whole path loses its leading `/`. */
function subject(p: Point): string {
  if (p.kind === "path" && p.value.charCodeAt(0) === 47) return p.value.slice(1);
  return p.value;
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
    // A parameter name wrapped in backticks or quotes (`` `col` ``, `'col'`): an
    // identifier written for an ORDER BY or column list the application builds from
    // names. Browsers and frameworks never quote names.
    if (point.kind === "key" && quotedName(v))
      return { signature: "sqli.quoted-name", start: 0, end: v.length };
    if (point.kind === "key" && ormLookup(v))
      return { signature: "sqli.orm-lookup", start: 0, end: v.length };
    if (v !== lastPassed && !sqliPrefilter(v)) return null;
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

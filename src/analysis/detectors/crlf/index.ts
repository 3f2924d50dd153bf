import type { Point } from "../../../model/index.js";
import { CH } from "../charmask.js";
import type { Detector, DetectorMatch } from "../types.js";
import {
  BREAK_NEEDS,
  BREAK_REAL,
  BREAK_UNICODE,
  type BreakRun,
  isTokenish,
  mayHaveBreak,
  newRun,
  nextBreak,
} from "./breaks.js";
import { type BreakContext, breakContext } from "./context.js";
import { headerKey, PROSE_LABELS, SENSITIVE_HEADERS, urlValueAfter } from "./headers.js";
import {
  assignmentAt,
  fieldNameAt,
  isRequestLine,
  isStatusLine,
  lineEndsWithRequestLine,
  markupAt,
} from "./lines.js";
import { findMetaHeader, mayHaveMetaHeader } from "./meta.js";

/**
 * CR/LF injection: HTTP response splitting, header injection and request-line smuggling
 * through a value that some server or proxy later writes into a header block.
 *
 * A line break alone proves nothing in free text, so what follows it decides, weighed by
 * where the value came from (see context.ts): a status line or request line is enough
 * anywhere; a sensitive header name is enough unless the value is prose in a body; any
 * field line is enough in single-line places (names, path, header values). A break in a
 * parameter name or the path is never legitimate and fires on its own.
 */

const MAX_BREAKS = 64;
const run: BreakRun = newRun();

function match(sign: string, start: number, end: number): DetectorMatch {
  return { signature: `crlf.${sign}`, start, end };
}

/** Unicode look-alikes count only where they are unambiguous (see breaks.ts). */
function unicodeCounts(v: string, r: BreakRun, ctx: BreakContext): boolean {
  if (r.unicode >= 2) return true; // 嘍嘊: the response-splitting pair
  if (ctx !== "path") return false;
  // `do.php嘊.png`: a lone look-alike inside an ASCII file name truncates it.
  const before = r.start > 0 ? v.charCodeAt(r.start - 1) : 0;
  const after = v.charCodeAt(r.end);
  return before > 32 && before < 127 && before !== 47 && after > 32 && after < 127 && after !== 47;
}

/** A `:` within 3 characters after the name, then a blank. (A window, not a search: values can be 64 KiB.) */
function colonSpace(v: string, nameEnd: number): boolean {
  const lim = Math.min(v.length, nameEnd + 4);
  for (let j = nameEnd; j < lim; j++) {
    if (v.charCodeAt(j) === 58) {
      const c = v.charCodeAt(j + 1);
      return c === 32 || c === 9;
    }
  }
  return false;
}

/** No `-` in v[from, to] (the field name just read; at most 64 characters). */
function noDash(v: string, from: number, to: number): boolean {
  for (let j = from; j <= to; j++) if (v.charCodeAt(j) === 45) return false;
  return true;
}

/**
 * A JSON string whose line breaks were percent-encoded (`"%0d%0a%0d%0a<script>…"`,
 * decoded once by the points layer: `body › json › … › urlenc`). A text area's JSON
 * carries its breaks as `\n`; `%0d%0a` was written for a URL or a header, where it
 * will be decoded, so blank lines opening it are a split as they are in `?q=`. Only a
 * single decoding of a JSON string: values nested deeper (an analytics beacon's
 * encoded JSON holding encoded HTML) are documents of their own.
 */
function encodedJson(p: Point): boolean {
  return p.depth === 1 && p.steps[1] === "json" && p.steps[p.steps.length - 1] === "urlenc";
}

export function detectCrlf(p: Point): DetectorMatch | null {
  const v = p.value;
  if (mayHaveMetaHeader(v)) {
    const m = findMetaHeader(v);
    if (m !== null) return m;
  }
  return mayHaveBreak(v) ? findBreakInjection(p) : null;
}

function findBreakInjection(p: Point): DetectorMatch | null {
  const v = p.value;
  const ctx = breakContext(p);
  let from = 0;
  let firstLineEnd = -1;
  let lineStart = 0;
  for (let k = 0; k < MAX_BREAKS && nextBreak(v, from, run); k++) {
    const { start, end, kind } = run;
    from = end;
    const real = kind === BREAK_REAL || (kind === BREAK_UNICODE && unicodeCounts(v, run, ctx));
    if (firstLineEnd === -1) firstLineEnd = start;
    const prevLineStart = lineStart;
    lineStart = end;
    // A trailing newline on a body field name is a client's sloppy body, not an injection.
    if (real && ctx === "name" && (end < v.length || p.zone !== "body")) return match("in-name", start, end);
    if (real && ctx === "path") return match("in-path", start, end);
    // Escapes of a break in the path (`do.php\u000a.png`) are a truncation trick.
    if (
      ctx === "path" &&
      kind !== BREAK_REAL &&
      v.charCodeAt(start) === 92 &&
      v.charCodeAt(start + 1) === 117
    ) {
      return match("in-path", start, end);
    }
    // What precedes: a request line glued to the value (`barGET /a HTTP/1.1\r\n`).
    if (lineEndsWithRequestLine(v, prevLineStart, start)) {
      return match("request-line", prevLineStart, end);
    }
    if (end >= v.length) break;
    if (isStatusLine(v, end)) return match("response-splitting", start, Math.min(v.length, end + 16));
    if (isRequestLine(v, end)) return match("request-line", start, Math.min(v.length, end + 16));
    if (ctx === "raw") continue;
    const prose = !isTokenish(v, 0, firstLineEnd);
    const nameEnd = fieldNameAt(v, end);
    if (nameEnd !== -1) {
      const key = headerKey(v, end, nameEnd);
      const sensitive = SENSITIVE_HEADERS.has(key);
      // `Location: Main hall`, `Status: 400` are labels in prose; they count in text
      // only when the value has the shape the header takes (a URL for Location).
      const strong = sensitive && (!PROSE_LABELS.has(key) || urlValueAfter(v, nameEnd));
      // An unknown name must look like a field line, `Name: value`; `java\nscript:x` does not.
      // (A hyphenated name or a value that starts with the break needs no space.)
      if (!sensitive && !colonSpace(v, nameEnd) && firstLineEnd !== 0 && noDash(v, end, nameEnd)) {
        continue;
      }
      let fire: boolean;
      if (!real) fire = strong && (ctx !== "body" || !prose);
      else if (ctx === "header") fire = true;
      else if (ctx === "query") fire = strong || !prose;
      else fire = strong && !prose;
      if (fire) return match("header-injection", start, nameEnd + 1);
      continue;
    }
    if (!real) continue;
    // A body text area may open with blank lines before markup; elsewhere it is a split.
    if (
      run.lines >= 2 &&
      markupAt(v, end) &&
      !prose &&
      (ctx !== "body" || firstLineEnd > 0 || encodedJson(p))
    ) {
      return match("body-injection", start, Math.min(v.length, end + 16));
    }
    if ((ctx === "query" || ctx === "header") && !prose && assignmentAt(v, end)) {
      return match("line-injection", start, Math.min(v.length, end + 16));
    }
  }
  return null;
}

export const crlfDetector: Detector = {
  type: "crlf",
  // `http-equiv` after `<` or `&lt;`: the meta sign needs a dash and one of those.
  prefilter: (v, m) =>
    mayHaveBreak(v, m) || ((m & (CH.LT | CH.AMP)) !== 0 && (m & CH.DASH) !== 0 && mayHaveMetaHeader(v)),
  // A break (mayHaveBreak: CR/LF, a non-ASCII look-alike, `&#`, a backslash escape) or the
  // `<`/`&lt;` of the meta sign.
  needs: BREAK_NEEDS | CH.LT,
  detect: detectCrlf,
};

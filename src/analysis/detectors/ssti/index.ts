/**
 * `ssti`: server-side template injection. Finds template expressions (see
 * `expressions.ts`) and judges each (see `rules.ts` for what is and is not flagged, and
 * why plain placeholders like `{{ user.name }}` are not), plus FreeMarker and Velocity
 * directives that live outside expression delimiters.
 */
import type { Hit, Point } from "../../../model/index.js";
import { excerpt } from "../../../model/index.js";
import { hasPercentEscape, percentDecode } from "../../points/percent.js";
import { CH } from "../charmask.js";
import { isHeaderAsSent } from "../header-scope.js";
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

/** Characters one of which every template sign needs (see `SIGN` below). */
const GATE = CH.LBRACE | CH.DOLLAR | CH.HASH | CH.PERCENT | CH.PUNCT | CH.AT;

/**
 * Every sign `detect` can flag, as one non-backtracking search (each alternative is a
 * literal or a bounded run): an expression opener (`{{`, `{%`, `${`, `#{`, `*{`, `<%`,
 * `@(`), a Smarty tag name after `{` (the same list as `SMARTY_TAG` in expressions.ts),
 * a FreeMarker/Velocity directive, `?new`, a Velocity `$class.`-style reference, or an
 * opener still percent-encoded once or twice (`%7B%7B`, `%7Bphp`, `%24%7B`, `%3C%25`,
 * `%257B`: a key, or one encoding level too many). Not any `$name` (analytics
 * properties like `$current_url`), not `%7B%22` (URL-encoded JSON), not any `%25`.
 */
const SIGN =
  /[{$#*]\{|\{%|\{\s{0,23}(?:\$|\/?php|if\s|math\s|fetch\s|eval\s|include\s|literal|system|exec|passthru|shell_exec|popen|phpinfo|readfile|file_get_contents|smarty)|<%|@\(|[<[]#|#(?:set|foreach|evaluate|define|macro|parse|include)\s{0,16}\(|\?new|(?:\$|%24)\s{0,8}(?:class|request|session|application|context|servletcontext)\s{0,8}\.|%7b(?:%7b|%25|%24|%2f|%20|[{$/a-z +])|%24%7b|%3c(?:%|#)|%25(?:7b|24|3c)/i;

/**
 * Cheap gate, in two steps: the shared character mask must hold one of the characters
 * every sign needs (most values stop here with one AND), then one native search for a
 * sign. `detect` applies the same gate first, so it can never flag what this rejects.
 */
export function sstiPrefilter(v: string, mask: number): boolean {
  if ((mask & GATE) === 0) return false;
  return SIGN.test(v.length > MAX_LEN ? v.slice(0, MAX_LEN) : v);
}

/** Template openers of different engines (see expressions.ts). */
const OPENERS = ["${", "{{", "{%", "<%", "[%", "#{", "*{", "@("] as const;
/** How close together the openers of a polyglot probe sit. */
const POLYGLOT_SPAN = 12;

/**
 * A template-engine fingerprinting polyglot (`${{<%[%'"}}%\.`): the openers of three or
 * more engines side by side, sent to see which one errors or evaluates. Text never packs
 * them together; a template in a post holds one engine's syntax. Bounded: at most 64 starts.
 */
function polyglotProbe(v: string): DetectorMatch | null {
  let starts = 0;
  for (let i = v.indexOf("{"); i !== -1 && starts < 64; i = v.indexOf("{", i + 1), starts++) {
    const from = Math.max(0, i - 1);
    const w = v.slice(from, from + POLYGLOT_SPAN);
    let kinds = 0;
    for (const o of OPENERS) if (w.indexOf(o) !== -1) kinds++;
    if (kinds >= 3) return { signature: "ssti.polyglot-probe", start: from, end: from + w.length };
  }
  return null;
}

function detectText(v: string): DetectorMatch | null {
  const poly = polyglotProbe(v);
  if (poly !== null) return poly;
  for (const e of findExpressions(v)) {
    const verdict = judgeExpression(e);
    if (verdict !== null) return { signature: verdict.signature, start: e.start, end: e.end };
  }
  const d = judgeDirectives(v, v.toLowerCase());
  if (d !== null) return { signature: d.signature, start: d.at, end: Math.min(v.length, d.at + 32) };
  return null;
}

/** The text checks, then the same on one or two percent-decoded levels. */
function detectDecoded(text: string): DetectorMatch | null {
  let v = text;
  const m = detectText(v);
  if (m !== null) return m;
  // Keys are not decoded twice by the extractor, and some clients encode values twice.
  for (let k = 0; k < 2 && v.indexOf("%") !== -1 && hasPercentEscape(v); k++) {
    const d = percentDecode(v, false);
    if (d === v) break;
    v = d;
    const md = detectText(v);
    if (md !== null) return { signature: md.signature, start: 0, end: text.length };
  }
  return null;
}

/** Values longer than this are checked on windows around each sign, not whole. */
const WINDOW_FROM = 512;
/** How far a window reaches past its sign: longer than any probe or exploit expression. */
const WINDOW_AFTER = 512;
const WINDOW_BEFORE = 32;
const MAX_WINDOWS = 12;
// safe-regex: the same source as `SIGN` (a literal the redos test checks), with `g` added.
const SIGN_ALL = new RegExp(SIGN.source, "gi");

/**
 * A long value (a serialized blob, a page of text) is judged on windows around the
 * signs `SIGN` finds, so the cost follows the number of signs rather than the length.
 * Every sign the whole-value checks could flag starts at a `SIGN` match and spans less
 * than a window, so the verdicts are the same.
 */
function detectWindows(v: string): DetectorMatch | null {
  SIGN_ALL.lastIndex = 0;
  for (let k = 0; k < MAX_WINDOWS; k++) {
    const m = SIGN_ALL.exec(v);
    if (m === null) return null;
    const from = Math.max(0, m.index - WINDOW_BEFORE);
    const to = Math.min(v.length, m.index + WINDOW_AFTER);
    const r = detectDecoded(v.slice(from, to));
    if (r !== null) return { signature: r.signature, start: from + r.start, end: from + r.end };
    // Signs inside this window were judged with it, except near its end.
    if (SIGN_ALL.lastIndex < to - 128) SIGN_ALL.lastIndex = to - 128;
    if (to === v.length) return null;
  }
  return null;
}

function detectValue(p: Point): DetectorMatch | null {
  if (isHeaderAsSent(p, TOKEN_HEADERS)) return null;
  const v = p.value.length > MAX_LEN ? p.value.slice(0, MAX_LEN) : p.value;
  // The prefilter's gate (every `SIGN` match holds a `GATE` character, so the mask test
  // adds nothing here): what the prefilter rejects is never flagged.
  if (v.length > WINDOW_FROM) return detectWindows(v);
  return SIGN.test(v) ? detectDecoded(v) : null;
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
  needs: GATE,
  detect: detectValue,
  detectRequest,
};

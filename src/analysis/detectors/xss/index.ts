/**
 * The XSS detector: HTML- and JavaScript-aware rather than a list of patterns. A value
 * is judged the way a browser would read it if it were reflected into a page:
 *  1. as markup (html-tokenizer.ts, html-rules.ts): an active element, an event handler,
 *     a script URL, script in CSS, `srcdoc`, a framework expression;
 *  2. as the inside of an attribute it breaks out of (attr-break.ts): `" onfocus=…`;
 *  3. as a URL (scheme.ts): `javascript:…`, `data:text/html,…`;
 *  4. as CSS (css.ts): `x:expression(…)`, `url(javascript:…)`, `-moz-binding:`;
 *  5. as JavaScript (js-tokenizer.ts, js-rules.ts): a call of `alert`/`eval`/…,
 *     `constructor.constructor(…)`, computed access to globals — also read as if the
 *     value started inside a string literal it breaks out of (`';alert(1)//`);
 * and again after undoing what a browser or a sanitiser undoes first (readings.ts: HTML
 * character references, JS escapes, invisible characters, stripped tags, UTF-7).
 * Percent-decoding is done by the points layer.
 */
import { type Hit, type Point, pointName } from "../../../model/index.js";
import { escapedTextInMarkup } from "../../points/decoders/html.js";
import { percentDecode } from "../../points/index.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { findAttrBreak } from "./attr-break.js";
import { bareCssSign } from "./css.js";
import { decodeEntities, hasEntity } from "./entities.js";
import { isEventAttr } from "./html-rules.js";
import { findHtmlSign, findSpacedTag, isCommentBreakout } from "./html-scan.js";
import { findJsSign, isJsFuck } from "./js-rules.js";
import { tokenizeJs } from "./js-tokenizer.js";
import { lastPassed, XSS_TRIGGERS, xssPrefilter } from "./prefilter.js";
import {
  hasCodeEscape,
  hasInvisible,
  stripInvisible,
  stripTabsAndBreaks,
  stripTags,
  unescapeCode,
  urlTail,
} from "./readings.js";
import { findScheme } from "./scheme.js";
import { inScope } from "./scope.js";
import { decodeUtf7, hasUtf7 } from "./utf7.js";
import { mayBeXmlActiveName, xmlNameSign } from "./xml-names.js";

interface Ctx {
  /** The value is a parameter or key name. */
  readonly isKey: boolean;
  /** A long value that is binary data, not text (see looksBinary): no script readings. */
  readonly binary: boolean;
  /** `document.cookie`-style reads count (not in paths, where they name documents). */
  readonly members: boolean;
}

function hasAny(s: string, chars: string): boolean {
  for (let i = 0; i < chars.length; i++) if (s.indexOf(chars[i]!) !== -1) return true;
  return false;
}

/**
 * After a closing quote, what starts a new expression or statement: an operator or
 * `;` (`';alert(1)//`, `"-prompt(1)-"`), or a name followed by `=` or `(`
 * (`"autofocus=…`, `' alert(1) '`). JSON (`{"user":"ana"}`) has none of these.
 */
function breaksOut(s: string, i: number): boolean {
  let k = i;
  while (k < s.length && s.charCodeAt(k) <= 32) k++;
  const c = s[k];
  if (c === undefined) return false;
  if (";+-*/)]}|&?:<>=,%^!~".includes(c)) return true;
  let e = k;
  while (e < s.length && /[\w$]/.test(s[e]!)) e++;
  if (e === k) return false;
  while (e < s.length && s.charCodeAt(e) <= 32) e++;
  return s[e] === "=" || s[e] === "(";
}

/**
 * Bounds of the JavaScript readings. Injected script is short; a 64 KiB value is a
 * document or a blob, in which only its start is read as code, and breaking out of a
 * string is only tried on values of payload size.
 */
const JS_READ_MAX = 4096;
const QUOTE_READ_MAX = 1024;
const READINGS_MAX = 8192;

/**
 * Compressed or encrypted bytes carried in JSON or a form (gzip, protobuf, images) are
 * long and full of control characters and U+FFFD, and their random bytes hold every
 * trigger character: reading them as script or undoing obfuscation in them only costs
 * time. A payload is text: at most a few control characters, put where a filter would
 * look. So a value over BINARY_MIN characters with at least BINARY_CONTROLS of them
 * among its first 1024 is judged as markup only (tags, attribute breaks, URLs).
 */
const BINARY_MIN = 1024;
const BINARY_CONTROLS = 16;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]/g;
function looksBinary(v: string): boolean {
  if (v.length <= BINARY_MIN) return false;
  const head = v.slice(0, 1024);
  CONTROL.lastIndex = 0;
  let n = 0;
  while (CONTROL.test(head)) if (++n >= BINARY_CONTROLS) return true;
  return false;
}

/**
 * What every sign of js-rules.ts (findJsSign) needs to see in the text; text without any
 * of these cannot produce a sign, and is not tokenized:
 *  - the name of a sink, global, member or property, as a whole word (identifiers are
 *    case-sensitive; `\b` also lets `$top` and `étop` through, which is only more work);
 *  - an escape the tokenizer decodes (`\u0061lert`, `"\x61"`, `"\141"`);
 *  - pieces of a string joined with `+` (`'al'+'ert'`, `"\"al\"+\"ert\""`);
 *  - with `[`, a name read as a computed member (`x["cookie"]`, `/co/.source`,
 *    `8..toString(36)`);
 *  - with a backtick, a tagged call (`x.sort\`…\``), a `${…}` or a comment (a Unicode
 *    space before the backtick falls in the name class, which is only more work).
 * Literal alternatives and single classes under one quantifier: no backtracking.
 */
const JS_WORDS =
  /\\[ux0-7]|\$eval|\b(?:alert|prompt|confirm|eval|globalEval|Function|setTimeout|setInterval|setImmediate|execScript|msgbox|MsgBox|atob|btoa|import|XMLHttpRequest|ActiveXObject|constructor|innerHTML|outerHTML|fromCharCode|getScript|srcdoc|textContent|innerText)\b/;
/**
 * Globals and objects are signs only when something is read from them: `top[…]`,
 * `(top)[…]`, `top?.[…]`, `document.cookie` — so the word must be followed by `[`, `.`,
 * `?` or `)` (or `/` of a comment, or a `\` the tokenizer drops), after any space the
 * tokenizer skips (ASCII, and the Unicode ones of js-tokenizer.ts isUniSpace). JSON keys
 * (`"top":`, `"content":`) are not.
 */
const OBJECT_WORDS =
  /\b(?:window|self|top|parent|frames|globalThis|document|opener|content|location|String)[\x00-\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*[[.?)/\\]/;
const QUOTE_PLUS =
  /['"`][\x00-\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*(?:\/\*|\+)/;
/** A computed member: `[` right after a name, a literal, `)` or `]` (not a JSON array). */
const MEMBER_BRACKET =
  /[\w$)\]'"`][\x00-\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*\[|\*\/[\x00-\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*\[/;
const MEMBER_WORDS = /cookie|domain|write|createElement|__proto__|call|apply|source|toString/;
const TAGGED = /\.[\x00-\x20]*[\w$\u0080-\uffff]+[\x00-\x20]*`|\$\{|\/\*/;

function mayHoldJsSign(s: string): boolean {
  if (JS_WORDS.test(s) || OBJECT_WORDS.test(s) || QUOTE_PLUS.test(s)) return true;
  if (s.indexOf("[") !== -1 && MEMBER_BRACKET.test(s) && MEMBER_WORDS.test(s)) return true;
  return s.indexOf("`") !== -1 && TAGGED.test(s);
}

function jsReading(s: string, ctx: Ctx): DetectorMatch | null {
  const head = s.length > JS_READ_MAX ? s.slice(0, JS_READ_MAX) : s;
  if (!mayHoldJsSign(head)) return null;
  const js = findJsSign(tokenizeJs(head), false, ctx.members);
  if (js !== null) return { signature: js.sig, start: js.pos, end: Math.min(s.length, js.pos + 24) };
  // The value may land inside a string literal and close it first: read it from just
  // after its first quote of each kind.
  if (s.length > QUOTE_READ_MAX) return null;
  for (const q of ["'", '"', "`"]) {
    const at = s.indexOf(q);
    if (at === -1 || at > 16 || !breaksOut(s, at + 1)) continue;
    const rest = s.slice(at + 1);
    const m = findJsSign(tokenizeJs(rest), false, ctx.members);
    if (m !== null)
      return { signature: m.sig, start: at + 1 + m.pos, end: Math.min(s.length, at + 1 + m.pos + 24) };
  }
  return null;
}

/** The words every sign of bareCssSign (css.ts) starts with. */
const CSS_WORDS = /binding|url|expression|behavio|@import/i;

/** Runs every reading on `s`; positions are in `s`. */
export function judge(s: string, ctx: Ctx): DetectorMatch | null {
  const html = findHtmlSign(s, 0, ctx.isKey);
  if (html !== null) return { signature: html.sig, start: html.start, end: html.end };
  if (s.indexOf("=") !== -1) {
    const b = findAttrBreak(s, ctx.isKey);
    if (b !== null) return { signature: b.sig, start: b.start, end: b.end };
  }
  if (s.indexOf(":") !== -1) {
    const onData = (payload: string) => findHtmlSign(payload, 1) !== null;
    const sc = findScheme(s, false, onData);
    if (sc !== null)
      return {
        signature: sc.kind === "data" ? "xss.data-uri" : "xss.script-uri",
        start: sc.start,
        end: sc.end,
      };
  }
  if (
    !ctx.binary &&
    hasAny(s, "(:@") &&
    CSS_WORDS.test(s.length > JS_READ_MAX ? s.slice(0, JS_READ_MAX) : s)
  ) {
    const css = bareCssSign((s.length > JS_READ_MAX ? s.slice(0, JS_READ_MAX) : s).toLowerCase());
    if (css !== -1) return { signature: "xss.css-script", start: css, end: Math.min(s.length, css + 16) };
  }
  if (!ctx.binary && hasAny(s, "([`.=")) {
    const js = jsReading(s, ctx);
    if (js !== null) return js;
    const tail = s.length > QUOTE_READ_MAX ? null : urlTail(s);
    if (tail !== null) {
      const m = jsReading(tail, ctx);
      if (m !== null) return { signature: m.signature, start: s.length - tail.length, end: s.length };
    }
    if (s.indexOf("[") !== -1 && isJsFuck(s)) return { signature: "xss.jsfuck", start: 0, end: s.length };
  }
  if (s.indexOf("<") !== -1) {
    const sp = findSpacedTag(s);
    if (sp !== null) return { signature: sp.sig, start: sp.start, end: sp.end };
  }
  if (s.indexOf("-->") !== -1 && isCommentBreakout(s))
    return { signature: "xss.comment-breakout", start: 0, end: 4 };
  return null;
}

/** The innermost name ends with an event-handler word (`onload`, `"><x onfocus`). */
function nameEndsWithEvent(name: string): boolean {
  let k = name.length - 1;
  while (k >= 0 && name.charCodeAt(k) <= 32) k--;
  const end = k + 1;
  while (k >= 0 && end - k <= 64) {
    const l = name.charCodeAt(k) | 0x20;
    if (!((l >= 97 && l <= 122) || l === 0x2d || name.charCodeAt(k) === 95)) break;
    k--;
  }
  return isEventAttr(name.slice(k + 1, end).toLowerCase());
}

function rejoined(p: Point): string | null {
  if (p.kind !== "value") return null;
  if (p.zone === "header" && p.header !== undefined && p.header.indexOf("<") !== -1)
    return `${p.header}:${p.value}`;
  let name = p.name;
  if (name === undefined || name.length === 0 || p.zone === "header") return null;
  // Only where a `name=value` parser did the split: query pairs, form fields, cookies
  // (a JSON key `"onload"` was never part of the value).
  const split = p.zone === "cookie" || (p.zone === "query" && p.steps.length === 2) || p.steps[1] === "form";
  if (!split) return null;
  // Cookie names reach us percent-encoded (RFC 6265 does not decode them).
  if (name.indexOf("%") !== -1) name = percentDecode(name, false);
  if (
    name.indexOf("<") !== -1 ||
    name.indexOf('"') !== -1 ||
    name.indexOf("'") !== -1 ||
    nameEndsWithEvent(name)
  ) {
    return `${name}=${p.value}`;
  }
  return null;
}

function whole(signature: string, v: string): DetectorMatch {
  return { signature, start: 0, end: v.length };
}

export function detectXss(point: Point): DetectorMatch | null {
  if (!inScope(point)) return null;
  const v = point.value;
  // The engine asks the prefilter first; asking again here makes the prefilter contract
  // hold by construction for every reading below. The engine's own call has just let
  // this very string through: the answer is remembered for it alone.
  if (v !== lastPassed && !xssPrefilter(v)) return null;
  const binary = looksBinary(v);
  const ctx: Ctx = {
    isKey: point.kind === "key",
    binary,
    members: point.kind !== "path" && point.kind !== "segment",
  };
  if (ctx.isKey && point.steps.length > 2 && point.steps[1] === "xml") {
    const x = xmlNameSign(point);
    if (x !== null) return whole(x, v);
  }
  const direct = judge(v, ctx);
  if (direct !== null) return direct;
  // The other readings undo obfuscation, which is a trait of payloads, not of documents.
  if (v.length > READINGS_MAX || binary) return null;
  // A parameter or cookie parser split the payload at its first `=` (`"><iframe src` |
  // `//x>`, `onfocus` | `alert(1)`), or a header parser at its first `:`: put it back.
  const joined = rejoined(point);
  if (joined !== null) {
    const m = judge(joined, ctx);
    if (m !== null) return whole(m.signature, v);
  }
  if (hasEntity(v)) {
    const d = decodeEntities(v);
    // Escaped text inside markup stays text (see escapedTextInMarkup).
    if (d !== v && !escapedTextInMarkup(v)) {
      let m = judge(d, ctx);
      if (m === null) {
        const t = stripTabsAndBreaks(d);
        if (t !== d && t.length !== d.length) m = judge(t, ctx);
      }
      if (m !== null) return whole(m.signature, v);
    }
  }
  if (hasCodeEscape(v)) {
    const u = unescapeCode(v);
    if (u !== v) {
      const m = findHtmlSign(u);
      if (m !== null) return whole("xss.escaped-markup", v);
      // The escapes may be the bytes of UTF-8 characters (`\xc2\xbc`: `¼`, which opens a
      // tag for US-ASCII back-ends, html-tokenizer.ts).
      const u8 = unescapeCode(v, true);
      if (u8 !== u && findHtmlSign(u8) !== null) return whole("xss.escaped-markup", v);
    }
  }
  if (hasInvisible(v)) {
    const m = judge(stripInvisible(v), ctx);
    if (m !== null) return whole(m.signature, v);
  }
  if (v.length <= QUOTE_READ_MAX && v.indexOf("<") !== -1) {
    const t = stripTags(v);
    if (t !== v) {
      const m = judge(t, ctx);
      if (m !== null) return whole(m.signature, v);
    }
  }
  // Names (cookie names above all) are not always percent-decoded by the points layer,
  // and a body that looks like markup may be kept raw.
  if ((point.kind === "key" || point.kind === "raw") && v.indexOf("%") !== -1) {
    const d = percentDecode(v, point.zone === "body");
    let m = d === v ? null : judge(d, ctx);
    if (m === null && d !== v && hasEntity(d)) m = judge(decodeEntities(d), ctx);
    if (m !== null) return whole(m.signature, v);
  }
  if (hasUtf7(v)) {
    const m = findHtmlSign(decodeUtf7(v));
    if (m !== null) return whole("xss.utf7", v);
  }
  return null;
}

/**
 * The Cookie header as a whole: RFC 6265 splits at `;` and `=`, so `onfocus=;write(x)`
 * reaches the points as a name and an unrelated value. Read the raw header for attribute
 * injection once per request.
 */
export function detectXssRequest(view: RequestView): Hit[] {
  const hits: Hit[] = [];
  // XML element and attribute names (`body › xml › script`, `… › @onload`) are plain
  // words, which the prefilter lets pass nowhere else: look at the few such keys here
  // rather than at every plain value of every request.
  const body = view.request.body;
  // XML keys come only from a body holding `<`; most requests have no body at all.
  const xmlBody = typeof body === "string" ? body.indexOf("<") !== -1 : body.indexOf(60) !== -1;
  for (const p of xmlBody ? view.points : []) {
    if (p.kind !== "key" || p.steps[1] !== "xml" || p.steps.length <= 2 || !mayBeXmlActiveName(p.value))
      continue;
    const x = xmlNameSign(p);
    if (x !== null) {
      hits.push({ type: "xss", point: pointName(p), payload: p.value.slice(0, 160), signature: x });
      break;
    }
  }
  for (const [name, value] of view.request.headers) {
    if (name.length !== 6 || name.toLowerCase() !== "cookie" || !xssPrefilter(value)) continue;
    const b = findAttrBreak(value, false);
    if (b !== null) {
      hits.push({ type: "xss", point: "header › cookie", payload: value.slice(0, 160), signature: b.sig });
      break;
    }
  }
  return hits;
}

export const xssDetector: Detector = {
  type: "xss",
  prefilter: xssPrefilter,
  needs: XSS_TRIGGERS,
  detect: detectXss,
  detectRequest: detectXssRequest,
};

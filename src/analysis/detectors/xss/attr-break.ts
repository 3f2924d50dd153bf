/**
 * Attribute injection without a new tag: the value is reflected inside an existing tag's
 * attribute and closes it to add an event handler (`" autofocus onfocus=alert(1) x="`,
 * `' onmouseover='…`, `x";onload=…`). There is no `<` to see, so the sign is an
 * event-handler name (`on…`) standing as a word, followed by `=`, and a value that is
 * script — or a quote right before the name, which only attribute breaking explains.
 */

import { KNOWN_EVENTS } from "./events.js";
import { isEventAttr, unclosedBlock } from "./html-rules.js";
import { findJsSign } from "./js-rules.js";
import { tokenizeJs } from "./js-tokenizer.js";

function isNameChar(c: number): boolean {
  const l = c | 0x20;
  return (l >= 97 && l <= 122) || c === 45 || c === 95;
}

function quoteRightBefore(s: string, k: number): boolean {
  let q = k;
  while (q >= 0 && s.charCodeAt(q) <= 32) q--;
  return q >= 0 && (s[q] === '"' || s[q] === "'" || s[q] === "`");
}

function hasQuote(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 39) return true;
  }
  return false;
}

function isAlnum(c: number): boolean {
  const l = c | 0x20;
  return (c >= 48 && c <= 57) || (l >= 97 && l <= 122);
}

/** Where the value after `=` starts and ends (quoted, or up to a space, `>` or `&`). */
function valueSpan(s: string, from: number): [number, number] {
  let k = from;
  while (k < s.length && s.charCodeAt(k) <= 32) k++;
  if (k >= s.length) return [k, k];
  const q = s.charCodeAt(k);
  if (q === 34 || q === 39 || q === 96) {
    const close = s.indexOf(s[k]!, k + 1);
    return [k + 1, close === -1 ? s.length : close];
  }
  let end = k;
  while (end < s.length) {
    const c = s.charCodeAt(end);
    if (c <= 32 || c === 62) break;
    // `&` ends a query-string pair (`?onload=initMap&render=explicit`), unless it starts
    // a character reference.
    if (c === 38 && s.charCodeAt(end + 1) !== 35 && !/^&[a-z]{2,8};/i.test(s.slice(end, end + 10))) break;
    end++;
  }
  return [k, end];
}

/** Does the value read as script rather than a word or a number? */
function valueIsScript(body: string): boolean {
  if (body.length === 0) return false;
  // `onload=alert(1)`, `onfocus=;Function(…)()`, `onclick="#@~^…"` (JScript.Encode).
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 40 || c === 96 || c === 61 || c === 92 || c === 123 || c === 91) return true;
  }
  return findJsSign(tokenizeJs(body), true) !== null;
}

/** The unquoted value `s[vs, ve)`, ended by a blank or `>`, is a brace block that never closes. */
function jsxCut(s: string, vs: number, ve: number): boolean {
  if (s.charCodeAt(vs) !== 123 || ve >= s.length) return false;
  const e = s.charCodeAt(ve);
  if (e > 32 && e !== 62) return false;
  const v = s.slice(vs, Math.min(ve, vs + 2048));
  return unclosedBlock(v);
}

export interface BreakSign {
  readonly sig: string;
  readonly start: number;
  readonly end: number;
}

/** Finds `on<event>=` outside a tag that is attribute injection. `isKey`: a parameter name. */
export function findAttrBreak(s: string, isKey: boolean): BreakSign | null {
  let eq = s.indexOf("=");
  let guard = 0;
  while (eq !== -1 && guard++ < 256) {
    let k = eq - 1;
    while (k >= 0 && s.charCodeAt(k) <= 32) k--;
    const nameEnd = k + 1;
    while (k >= 0 && nameEnd - k <= 64 && isNameChar(s.charCodeAt(k))) k--;
    const name = s.slice(k + 1, nameEnd).toLowerCase();
    if ((name === "formaction" || name === "srcdoc") && quoteRightBefore(s, k)) {
      return { sig: "xss.attr-break-url", start: k + 1, end: eq + 1 };
    }
    if (isEventAttr(name) && !isAlnum(k >= 0 ? s.charCodeAt(k) : -1)) {
      const found: BreakSign = { sig: "xss.attr-break-event", start: k + 1, end: eq + 1 };
      // A parameter *name* holding `on…=`: the name itself is the injection.
      if (isKey) return found;
      const [vs, ve] = valueSpan(s, eq + 1);
      // `onClick={() => go()}` (JSX): the unquoted value ends at the blank, a block that
      // never closes (html-rules.ts unclosedBlock).
      if (jsxCut(s, vs, ve)) {
        eq = s.indexOf("=", eq + 1);
        continue;
      }
      let q = k;
      while (q >= 0 && s.charCodeAt(q) <= 32) q--;
      const quoteBefore = q >= 0 && (s[q] === '"' || s[q] === "'" || s[q] === "`");
      if (quoteBefore) return found;
      const known = KNOWN_EVENTS.has(name);
      const body = s.slice(vs, Math.min(ve, vs + 2048));
      if (valueIsScript(body) && (known || (k >= 0 && s.charCodeAt(k) <= 32))) return found;
      if (known) {
        // ` onload= ` with nothing after: a probe for which names pass a filter.
        if (body.length === 0 && ve >= s.length && k >= 0 && s.charCodeAt(k) <= 32) return found;
        // `" type=image src=x onerror=KCF "`: a quote earlier in the value closed the
        // attribute it was reflected into.
        if (body.length > 0 && hasQuote(s, 0, k)) return found;
      }
    }
    eq = s.indexOf("=", eq + 1);
  }
  return null;
}

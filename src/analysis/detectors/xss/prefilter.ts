/**
 * The cheap gate before the XSS detector (ARCHITECTURE.md principle 6). One pass over the
 * characters; each character that any sign needs is checked in its immediate
 * neighbourhood only. It must let through every value `detect` flags (the property test
 * in prefilter.test.ts and xss.test.ts hold it to that), so each test here mirrors one
 * family of signs:
 *  - `<` (also `＜`, `¼`), a backtick, a backslash: markup, templates, escapes;
 *  - `&` before `#` or a letter: character references, decoded before judging;
 *  - `(` after a name, `)`, `]`, a comment or a non-ASCII space: a call;
 *  - `[` after a name, `)`, `]` or a quote, or before `]`: a computed member, JSFuck;
 *  - `=` after `on…`: an event handler;
 *  - `:` after `…script`, `mocha`, `data`, `binding`, `behavio(u)r`: a scheme or CSS;
 *  - `.` next to a DOM object or property name: `document.cookie`, `.innerHTML`;
 *  - `@import`, and `+AD…` (UTF-7).
 * Ordinary values (ids, tokens, words, numbers, URLs) fail every test in one pass.
 */

import { CH, charMask } from "../charmask.js";
import { DOM_WRITES, isMemberSign, PROPS } from "./js-rules.js";

const SCHEME_ENDS = ["script", "mocha", "data", "binding", "behavior", "behaviour"];

function isLetter(c: number): boolean {
  const l = c | 0x20;
  return (l >= 97 && l <= 122) || c === 36 || c === 95;
}
function isSpace(c: number): boolean {
  return c <= 32;
}

/** The word (letters, `$`, `_`) ending at `end` (exclusive), at most 12, as written. */
function rawWordBefore(s: string, end: number): string {
  let k = end - 1;
  while (k >= 0 && isSpace(s.charCodeAt(k))) k--;
  const stop = k + 1;
  while (k >= 0 && stop - k <= 14 && isLetter(s.charCodeAt(k))) k--;
  return s.slice(k + 1, stop);
}
function rawWordAfter(s: string, start: number): string {
  let k = start;
  while (k < s.length && isSpace(s.charCodeAt(k))) k++;
  const from = k;
  while (k < s.length && k - from < 14 && isLetter(s.charCodeAt(k))) k++;
  return s.slice(from, k);
}
/** Is there a `/*…*\/` comment right before `i` (spaces allowed)? */
function commentBefore(s: string, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && isSpace(s.charCodeAt(k))) k--;
  return k > 0 && s.charCodeAt(k) === 47 && s.charCodeAt(k - 1) === 42;
}

/** The word (letters, `$`, `_`) ending at `end` (exclusive), lower case, at most 12. */
function wordBefore(s: string, end: number, skipControls: boolean): string {
  let k = end - 1;
  while (k >= 0 && isSpace(s.charCodeAt(k))) k--;
  let w = "";
  while (k >= 0 && w.length < 12) {
    const c = s.charCodeAt(k);
    if (isLetter(c)) w = s[k]! + w;
    else if (!(skipControls && isSpace(c))) break;
    k--;
  }
  return w.toLowerCase();
}
/** Legacy names a browser takes without `;` (entities.ts NO_SEMI_OK), lower case. */
const LEGACY = ["lt", "gt", "amp", "quot", "nbsp"];
function entityAt(s: string, i: number): boolean {
  let k = i + 1;
  while (k < s.length && k - i <= 25) {
    const c = s.charCodeAt(k);
    const l = c | 0x20;
    if (!((l >= 97 && l <= 122) || (c >= 48 && c <= 57))) break;
    k++;
  }
  if (s.charCodeAt(k) === 59) return true;
  // A legacy name at the start of the run, in any case (`&gtm=` counts, as in entities.ts).
  for (const p of LEGACY) {
    if (k - i - 1 < p.length) continue;
    let same = true;
    for (let j = 0; j < p.length && same; j++) same = (s.charCodeAt(i + 1 + j) | 0x20) === p.charCodeAt(j);
    if (same) return true;
  }
  return false;
}

function prevNonSpace(s: string, i: number): number {
  let k = i - 1;
  while (k >= 0 && isSpace(s.charCodeAt(k))) k--;
  return k < 0 ? -1 : s.charCodeAt(k);
}

/** Last letters of the words a `:` may close (…script, mocha, data, binding, behavio(u)r). */
const SCHEME_LAST = new Uint8Array(128);
for (const ch of "tagrTAGR") SCHEME_LAST[ch.charCodeAt(0)] = 1;

/** Every character class below that can start a sign; a value with none is plain. */
export const XSS_TRIGGERS =
  CH.LT |
  CH.BACKSLASH |
  CH.BACKTICK |
  CH.NONASCII |
  CH.AMP |
  CH.LPAREN |
  CH.BRACKET |
  CH.EQ |
  CH.COLON |
  CH.DOT |
  CH.AT |
  CH.PERCENT |
  CH.DASH |
  CH.PLUS;

function ampSign(s: string): boolean {
  // `&#…`, `&name;`, and the legacy names a browser takes without `;` — only what
  // decodeEntities decodes. A query string's `&v=2` is none of these.
  for (let i = s.indexOf("&"); i !== -1; i = s.indexOf("&", i + 1)) {
    const d = s.charCodeAt(i + 1);
    if (d === 35) return true;
    if (isLetter(d) && entityAt(s, i)) return true;
  }
  return false;
}

function parenSign(s: string): boolean {
  for (let i = s.indexOf("("); i !== -1; i = s.indexOf("(", i + 1)) {
    const p = prevNonSpace(s, i);
    if (isLetter(p) || p === 41 || p === 93 || p === 47 || p === 42 || p === 34 || p === 39 || p > 127)
      return true;
    if (i > 0 && s.charCodeAt(i - 1) > 127) return true;
  }
  return false;
}

function bracketSign(s: string): boolean {
  for (let i = s.indexOf("["); i !== -1; i = s.indexOf("[", i + 1)) {
    const p = prevNonSpace(s, i);
    const d = s.charCodeAt(i + 1);
    if (isLetter(p) || p === 41 || p === 93 || p === 34 || p === 39 || d === 93) return true;
  }
  return false;
}

function eqSign(s: string): boolean {
  // `=` after `on…` (an event handler) or `formaction`/`srcdoc`.
  for (let i = s.indexOf("="); i !== -1; i = s.indexOf("=", i + 1)) {
    let k = i - 1;
    while (k >= 0 && isSpace(s.charCodeAt(k))) k--;
    const stop = k + 1;
    while (k >= 0 && stop - k <= 64) {
      const e = s.charCodeAt(k);
      if (!(isLetter(e) || e === 45)) break;
      k--;
    }
    const len = stop - k - 1;
    if (len >= 5 && (s.charCodeAt(k + 1) | 0x20) === 111 && (s.charCodeAt(k + 2) | 0x20) === 110) return true;
    if (len === 10 || len === 6) {
      const w = s.slice(k + 1, stop).toLowerCase();
      if (w === "formaction" || w === "srcdoc") return true;
    }
  }
  return false;
}

function colonSign(s: string): boolean {
  for (let i = s.indexOf(":"); i !== -1; i = s.indexOf(":", i + 1)) {
    const p = prevNonSpace(s, i);
    if (p < 0 || p > 127 || SCHEME_LAST[p] === 0) continue;
    const w = wordBefore(s, i, true);
    for (const e of SCHEME_ENDS) if (w.endsWith(e)) return true;
  }
  return false;
}

/** Property names that are a sign after any `.`, by first letter (js-rules.ts PROPS, DOM_WRITES). */
const PROPS_BY_FIRST: readonly (readonly string[] | undefined)[] = (() => {
  const m: string[][] = [];
  for (const w of [...PROPS, ...DOM_WRITES, "constructor"]) {
    const c = w.charCodeAt(0);
    const list = m[c] ?? [];
    if (!list.includes(w)) list.push(w);
    m[c] = list;
  }
  return m;
})();
/** Objects whose members are signs (js-rules.ts MEMBER_SIGNS), by last letter. */
const OBJECTS_BY_LAST: readonly (readonly string[] | undefined)[] = (() => {
  const m: string[][] = [];
  for (const w of ["document", "window", "self", "top", "parent", "location", "String", "constructor"]) {
    const c = w.charCodeAt(w.length - 1);
    const list = m[c] ?? [];
    list.push(w);
    m[c] = list;
  }
  return m;
})();

function dotSign(s: string): boolean {
  // `document.cookie`, `x.innerHTML`, `a.constructor.constructor`, with comments allowed
  // around the dot. Most dots (host names, versions, file names) fail on the letters
  // right around them, before any word is cut out.
  for (let i = s.indexOf("."); i !== -1; i = s.indexOf(".", i + 1)) {
    const a0 = s.charCodeAt(i + 1);
    const b0 = prevNonSpace(s, i);
    if (a0 === 47 || b0 === 47) {
      if (commentBefore(s, i) || s.startsWith("/*", i + 1)) return true;
    }
    let maybe = a0 <= 32;
    if (!maybe) {
      const props = a0 < 128 ? PROPS_BY_FIRST[a0] : undefined;
      if (props !== undefined) for (const w of props) if (s.startsWith(w, i + 1)) maybe = true;
    }
    if (!maybe) {
      const objects = b0 >= 0 && b0 < 128 ? OBJECTS_BY_LAST[b0] : undefined;
      if (objects !== undefined) {
        let k = i - 1;
        while (k >= 0 && isSpace(s.charCodeAt(k))) k--;
        for (const w of objects) if (s.startsWith(w, k + 1 - w.length)) maybe = true;
      }
    }
    if (!maybe) continue;
    const after = rawWordAfter(s, i + 1);
    if (after.length === 0) continue;
    if (PROPS.has(after) || DOM_WRITES.has(after) || after === "constructor") return true;
    const before = rawWordBefore(s, i);
    if (before.length > 0 && (isMemberSign(before, after) || before === "constructor")) return true;
  }
  return false;
}

function atSign(s: string): boolean {
  for (let i = s.indexOf("@"); i !== -1; i = s.indexOf("@", i + 1)) {
    if ((s.charCodeAt(i + 1) | 0x20) === 105 && s.slice(i + 1, i + 7).toLowerCase() === "import") return true;
  }
  return false;
}

/** FULLWIDTH `＜` and `¼` open tags (html-tokenizer.ts). A single class: no backtracking. */
const LOOKALIKE_LT = /[\uff1c\u00bc]/;

/** `%3C` or `%26`: an encoded `<` or `&` the points layer left (names, raw bodies). */
const PERCENT_SIGN = /%(?:3c|26)/i;
/** `-->` or `--!>`: the end of an HTML comment. */
function dashSign(s: string): boolean {
  for (let i = s.indexOf("--"); i !== -1; i = s.indexOf("--", i + 1)) {
    const e = s.charCodeAt(i + 2);
    if (e === 62 || e === 33) return true;
  }
  return false;
}
function plusSign(s: string): boolean {
  for (let i = s.indexOf("+A"); i !== -1; i = s.indexOf("+A", i + 2)) {
    const e = s.charCodeAt(i + 2);
    if (e === 68 || e === 67) return true;
  }
  return false;
}

/**
 * `mask` is `charMask(s)` (charmask.ts): a value without any character that starts a
 * sign is rejected with one AND; each remaining family is looked for with native string
 * search, in its own small loop, so that a value full of `.` or `&` (URLs, query
 * strings) costs one `indexOf` per occurrence and a few character reads.
 */
export function xssPrefilter(s: string, mask: number = charMask(s)): boolean {
  if (prefilterCore(s, mask)) {
    lastPassed = s;
    return true;
  }
  return false;
}

/**
 * The last value the prefilter let through. The engine calls `detect` right after the
 * prefilter said yes for the same string, and detect asks the prefilter again (to keep
 * the contract by construction): the remembered answer holds for that exact string only.
 */
export let lastPassed: string | null = null;

function prefilterCore(s: string, mask: number): boolean {
  // A value made of letters, digits and plain punctuation holds no sign. (XML element
  // and attribute names, which arrive without `<`, are judged per request instead: see
  // detectXssRequest.)
  if ((mask & XSS_TRIGGERS) === 0) return false;
  if ((mask & (CH.LT | CH.BACKSLASH | CH.BACKTICK)) !== 0) return true;
  // FULLWIDTH `＜` and `¼` open tags (html-tokenizer.ts).
  if ((mask & CH.NONASCII) !== 0 && LOOKALIKE_LT.test(s)) return true;
  if ((mask & CH.AMP) !== 0 && ampSign(s)) return true;
  if ((mask & CH.LPAREN) !== 0 && parenSign(s)) return true;
  if ((mask & CH.BRACKET) !== 0 && bracketSign(s)) return true;
  if ((mask & CH.EQ) !== 0 && eqSign(s)) return true;
  if ((mask & CH.COLON) !== 0 && colonSign(s)) return true;
  if ((mask & CH.DOT) !== 0 && dotSign(s)) return true;
  // `@import`: `@` and an `i`; the check reads the letters right after each `@`.
  if ((mask & CH.AT) !== 0 && atSign(s)) return true;
  if ((mask & CH.PERCENT) !== 0 && PERCENT_SIGN.test(s)) return true;
  // `-->` and `--!>` need `>` or `!`.
  if ((mask & CH.DASH) !== 0 && (mask & (CH.GT | CH.PUNCT)) !== 0 && dashSign(s)) return true;
  // `+AD…`, `+AC…`: a UTF-7 shifted run (utf7.ts).
  if ((mask & CH.PLUS) !== 0 && plusSign(s)) return true;
  return false;
}

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

import { DOM_WRITES, isMemberSign, PROPS } from "./js-rules.js";
import { mayBeXmlActiveName } from "./xml-names.js";

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
  const name = s.slice(i + 1, Math.min(k, i + 5)).toLowerCase();
  for (const p of LEGACY) if (name.startsWith(p)) return true;
  return false;
}

function prevNonSpace(s: string, i: number): number {
  let k = i - 1;
  while (k >= 0 && isSpace(s.charCodeAt(k))) k--;
  return k < 0 ? -1 : s.charCodeAt(k);
}

/** ASCII characters that may start a sign (1) — every other one is skipped at once. */
const TRIGGER = new Uint8Array(128);
for (const ch of "<\\&([=:.@+-%`") TRIGGER[ch.charCodeAt(0)] = 1;

/** Last letters of the words a `:` may close (…script, mocha, data, binding, behavio(u)r). */
const SCHEME_LAST = new Set([116, 97, 103, 114]);
/** First letters of the properties, last letters of the objects, around a `.`. */
const PROP_FIRST = new Set([105, 111, 102, 103, 115, 99, 116]);
const OBJECT_LAST = new Set([116, 119, 110, 103, 102, 112, 114]);

/**
 * The same trigger set as one character class: the regex engine scans for it in native
 * code, far faster than a JavaScript loop over every character. A single class, no
 * quantifier: it cannot backtrack.
 */
const TRIGGER_RE = /[<\\&([=:.@+\-%`\uff1c\u00bc]/g;

export function xssPrefilter(s: string): boolean {
  const n = s.length;
  TRIGGER_RE.lastIndex = 0;
  while (TRIGGER_RE.test(s)) {
    const i = TRIGGER_RE.lastIndex - 1;
    const c = s.charCodeAt(i);
    if (c >= 128) return true;
    if (TRIGGER[c] === 0 || i >= n) continue;
    switch (c) {
      case 60: // <
      case 92: // \
      case 96: // `
        return true;
      case 38: {
        // &  — only what decodeEntities decodes: `&#…`, `&name;`, and the legacy names
        // a browser takes without `;`. A query string's `&v=2` is none of these.
        const d = s.charCodeAt(i + 1);
        if (d === 35) return true;
        if (isLetter(d) && entityAt(s, i)) return true;
        break;
      }
      case 40: {
        // (
        const p = prevNonSpace(s, i);
        if (isLetter(p) || p === 41 || p === 93 || p === 47 || p === 42 || p === 34 || p === 39 || p > 127)
          return true;
        if (i > 0 && s.charCodeAt(i - 1) > 127) return true;
        break;
      }
      case 91: {
        // [
        const p = prevNonSpace(s, i);
        const d = s.charCodeAt(i + 1);
        if (isLetter(p) || p === 41 || p === 93 || p === 34 || p === 39 || d === 93) return true;
        break;
      }
      case 61: {
        // =  — after `on…` (an event handler) or `formaction`/`srcdoc`.
        let k = i - 1;
        while (k >= 0 && isSpace(s.charCodeAt(k))) k--;
        const stop = k + 1;
        while (k >= 0 && stop - k <= 64) {
          const e = s.charCodeAt(k);
          if (!(isLetter(e) || e === 45)) break;
          k--;
        }
        const len = stop - k - 1;
        if (len >= 5 && (s.charCodeAt(k + 1) | 0x20) === 111 && (s.charCodeAt(k + 2) | 0x20) === 110)
          return true;
        if (len === 10 || len === 6) {
          const w = s.slice(k + 1, stop).toLowerCase();
          if (w === "formaction" || w === "srcdoc") return true;
        }
        break;
      }
      case 58: {
        // :
        const p = prevNonSpace(s, i) | 0x20;
        if (!SCHEME_LAST.has(p)) break;
        const w = wordBefore(s, i, true);
        for (const e of SCHEME_ENDS) if (w.endsWith(e)) return true;
        break;
      }
      case 46: {
        // .  — `document.cookie`, `x.innerHTML`, `a.constructor.constructor`, with
        // comments allowed around the dot.
        if (commentBefore(s, i) || s.startsWith("/*", i + 1)) return true;
        const a0 = s.charCodeAt(i + 1);
        const b0 = prevNonSpace(s, i);
        if (!(a0 <= 32 || PROP_FIRST.has(a0)) && !OBJECT_LAST.has(b0) && b0 !== 36) break;
        const after = rawWordAfter(s, i + 1);
        if (after.length === 0) break;
        if (PROPS.has(after) || DOM_WRITES.has(after) || after === "constructor") return true;
        const before = rawWordBefore(s, i);
        if (before.length > 0 && (isMemberSign(before, after) || before === "constructor")) return true;
        break;
      }
      case 64: // @
        if ((s.charCodeAt(i + 1) | 0x20) === 105 && s.slice(i + 1, i + 7).toLowerCase() === "import")
          return true;
        break;
      case 37: {
        // %3C or %26: an encoded `<` or `&` the points layer left (names, raw bodies)
        const d = s.charCodeAt(i + 1);
        const e = s.charCodeAt(i + 2) | 0x20;
        if ((d === 51 && e === 99) || (d === 50 && e === 54)) return true;
        break;
      }
      case 45: // -->
        if (s.charCodeAt(i + 1) === 45 && (s.charCodeAt(i + 2) === 62 || s.charCodeAt(i + 2) === 33))
          return true;
        break;
      case 43: // + (UTF-7 shift)
        if (s.charCodeAt(i + 1) === 65 && (s.charCodeAt(i + 2) === 68 || s.charCodeAt(i + 2) === 67))
          return true;
        break;
      default:
        break;
    }
  }
  // XML element and attribute names arrive without `<` (see xml-names.ts).
  return mayBeXmlActiveName(s);
}

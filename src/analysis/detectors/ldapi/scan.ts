import { CH } from "../charmask.js";
import { maskOf } from "../crlf/census.js";
import type { DetectorMatch } from "../types.js";
import { COMMON_ATTRIBUTES } from "./attributes.js";
import { type Item, isFilterSpace, newItem, operatorAt, readItem } from "./filter.js";

/**
 * Signs of LDAP filter injection (RFC 4515 syntax), for a value an application pastes
 * into `(attr=VALUE)`:
 *  - break-out: a `)` that closes the application's filter, then `(`, `&`, `|`, `!` opening
 *    a new component (`*)(uid=*))(|(uid=*`, `admin)(|(password=*`, `x)!(sn=*`);
 *  - a composite filter `(|(attr=…` / `(&(…` / `(!(…` sent as data;
 *  - NUL truncation after a `)` (`*))%00`): C-based servers stop reading there;
 *  - a probe made only of filter metacharacters (`*()|&`).
 * Ordinary parentheses do not fire: `)(` needs an operator, a parenthesis the value never
 * opened, a well-known attribute or a presence test `=*` to count.
 */

const item: Item = newItem();
const MAX_PARENS = 512;

function skipSpaces(v: string, i: number): number {
  let j = i;
  const lim = Math.min(v.length, i + 8);
  while (j < lim && isFilterSpace(v.charCodeAt(j))) j++;
  return j;
}

/**
 * A `)` at `i`: does a new filter component follow? `wholeFilter`: the value itself starts
 * with `(`, i.e. it is a complete filter (an LDAP admin form), where a balanced `)(` is
 * just the next component.
 */
function breakOut(v: string, i: number, unbalanced: boolean, wholeFilter: boolean): DetectorMatch | null {
  const n = v.length;
  let j = i + 1;
  // More closing parentheses (`*))(|(`) and blanks.
  for (let g = 0; g < 8 && j < n; g++) {
    const c = v.charCodeAt(j);
    if (c === 41 || isFilterSpace(c)) j++;
    else break;
  }
  let opens = 0;
  let ops = 0;
  for (let g = 0; g < 8 && j < n; g++) {
    j = skipSpaces(v, j);
    if (v.charCodeAt(j) === 40) {
      opens++;
      j++;
      continue;
    }
    const len = operatorAt(v, j);
    if (len === 0) break;
    // `&&` / `||` is a programming language, never a filter.
    if (len === 1 && v.charCodeAt(j + 1) === v.charCodeAt(j)) return null;
    ops++;
    j += len;
  }
  if (opens === 0 || (wholeFilter && !unbalanced)) return null;
  j = skipSpaces(v, j);
  if (readItem(v, j, item)) {
    if (unbalanced || ops > 0 || item.present || COMMON_ATTRIBUTES.has(item.attr)) {
      return { signature: "ldapi.filter-breakout", start: i, end: item.end };
    }
    return null;
  }
  const starBefore = i > 0 && v.charCodeAt(i - 1) === 42;
  if (ops > 0 && (j >= n || v.charCodeAt(j) === 41) && (unbalanced || starBefore)) {
    return { signature: "ldapi.filter-breakout", start: i, end: j };
  }
  return null;
}

/** A `(` at `i` starting `(|(attr=`, `(&(attr=`, `(!(attr=`. */
function composite(v: string, i: number): DetectorMatch | null {
  let j = skipSpaces(v, i + 1);
  const len = operatorAt(v, j);
  if (len === 0 || (len === 1 && v.charCodeAt(j + 1) === v.charCodeAt(j))) return null;
  j = skipSpaces(v, j + len);
  if (v.charCodeAt(j) !== 40) return null;
  j = skipSpaces(v, j + 1);
  if (!readItem(v, j, item)) return null;
  return { signature: "ldapi.filter-composite", start: i, end: item.end };
}

/**
 * After a `)` at `i` (and more `)` or `*`), a NUL (raw, or written `\x00` `%00` `\00`
 * `\0`) that ends the value: the rest of the application's filter is cut off there. Binary
 * blobs hold `)\0` anywhere, so it must be the end, in a short value with a `*`, a `(` or
 * a `)` it never opened.
 */
function nulAfter(v: string, i: number, unbalanced: boolean): DetectorMatch | null {
  if (v.length > 512) return null;
  let j = i + 1;
  const lim = Math.min(v.length, i + 8);
  while (j < lim && (v.charCodeAt(j) === 41 || v.charCodeAt(j) === 42)) j++;
  const c = v.charCodeAt(j);
  let len = 0;
  if (c === 0) len = 1;
  else if (c === 37 && v.startsWith("00", j + 1)) len = 3;
  else if (c === 92) {
    if (v.startsWith("x00", j + 1)) len = 4;
    else if (v.startsWith("00", j + 1)) len = 3;
    else if (v.charCodeAt(j + 1) === 48) len = 2;
  }
  if (len === 0) return null;
  let e = j + len;
  while (e < v.length && (v.charCodeAt(e) <= 32 || v.charCodeAt(e) === 0)) e++;
  if (e < v.length) return null;
  const head = v.slice(0, i);
  if (!unbalanced && head.indexOf("*") === -1 && head.indexOf("(") === -1 && v.charCodeAt(i + 1) !== 42)
    return null;
  return { signature: "ldapi.nul-truncation", start: i, end: j + len };
}

function isMeta(c: number): number {
  switch (c) {
    case 42:
      return 1; // *
    case 40:
      return 2; // (
    case 41:
      return 4; // )
    case 124:
    case 38:
      return 8; // | &
    case 33:
      return 16; // !
    default:
      return 0;
  }
}

/**
 * A run of filter metacharacters around `i` holding `*`, `(`, `)` and an operator right
 * next to a parenthesis (`)|`, `(&`, `|(`…). A keyboard row such as `!@#$%^&*()` has its
 * `&` apart from the parentheses and does not count.
 */
function probeAround(v: string, i: number): DetectorMatch | null {
  let s = i;
  while (s > 0 && i - s < 16 && isMeta(v.charCodeAt(s - 1)) !== 0) s--;
  let e = i + 1;
  while (e < v.length && e - i < 16 && isMeta(v.charCodeAt(e)) !== 0) e++;
  if (e - s < 4) return null;
  let flags = 0;
  let adjacent = false;
  for (let k = s; k < e; k++) {
    const f = isMeta(v.charCodeAt(k));
    flags |= f;
    if (f === 8 && k > s && (isMeta(v.charCodeAt(k - 1)) & 6) !== 0) adjacent = true;
    if (f === 8 && k + 1 < e && (isMeta(v.charCodeAt(k + 1)) & 6) !== 0) adjacent = true;
  }
  return (flags & 15) === 15 && adjacent ? { signature: "ldapi.metachar-probe", start: s, end: e } : null;
}

export function findLdapInjection(v: string): DetectorMatch | null {
  let depth = 0;
  let f = 0;
  while (f < v.length && f < 16 && isFilterSpace(v.charCodeAt(f))) f++;
  const wholeFilter = v.charCodeAt(f) === 40;
  let o = v.indexOf("(");
  let c = v.indexOf(")");
  for (let g = 0; g < MAX_PARENS && (o !== -1 || c !== -1); g++) {
    if (c === -1 || (o !== -1 && o < c)) {
      depth++;
      const m = wholeFilter ? null : composite(v, o);
      if (m !== null) return m;
      o = v.indexOf("(", o + 1);
    } else {
      depth--;
      const m = breakOut(v, c, depth < 0, wholeFilter) ?? nulAfter(v, c, depth < 0) ?? probeAround(v, c);
      if (m !== null) return m;
      c = v.indexOf(")", c + 1);
    }
  }
  return null;
}

/**
 * Cheap superset of the signs, one per kind (a parenthesis alone is everywhere: every
 * User-Agent has several):
 *  - break-out and NUL truncation: a `)` (the last of a run of `)`, blanks and `*`) right
 *    before `(`, an operator `& | !`, or a NUL written raw, `%00` or with a backslash;
 *  - composite: `(` then blanks and an operator;
 *  - metacharacter probe: `*`, `(`, `)` and `|` or `&` all present.
 */
const CLOSE_SIGN = /\)[ \t*]*[(&|!\0%\\]/;
const OPEN_SIGN = /\([ \t]*[&|!]/;
const PARENS = CH.LPAREN | CH.RPAREN;
const PROBE = PARENS | CH.STAR;

export function mayHaveFilter(v: string, m: number = maskOf(v)): boolean {
  if ((m & PARENS) === 0) return false;
  if (
    (m & CH.RPAREN) !== 0 &&
    (m & (CH.LPAREN | CH.AMP | CH.PIPE | CH.PUNCT | CH.CTRL | CH.PERCENT | CH.BACKSLASH)) !== 0 &&
    CLOSE_SIGN.test(v)
  ) {
    return true;
  }
  if ((m & CH.LPAREN) !== 0 && (m & (CH.AMP | CH.PIPE | CH.PUNCT)) !== 0 && OPEN_SIGN.test(v)) return true;
  return (m & PROBE) === PROBE && (m & (CH.PIPE | CH.AMP)) !== 0;
}

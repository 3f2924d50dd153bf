import { CH } from "../charmask.js";
/**
 * A value that, once reflected into a page, sets a cookie in the victim's browser: the
 * "set the session id for them" half of session fixation when the application does not
 * take the id from the URL.
 *  - `<meta http-equiv="Set-Cookie" …>` (honoured by old browsers; HTML is
 *    case-insensitive, so the whole test is);
 *  - a script assignment `….cookie = "…"` (JavaScript is case-sensitive: `document.Cookie`
 *    does nothing, so the property is matched in lower case);
 *  - cookie attributes written after `.cookie` (`.cookie … ; expires=` / `; domain=` /
 *    `; path=` / `; max-age=`), the tell of a cookie string being built.
 * Each scan is a bounded forward walk, no regular expression.
 */

export interface MarkupMatch {
  readonly sign: "meta-set-cookie" | "script-cookie-write";
  readonly start: number;
  readonly end: number;
}

const MAX_OCCURRENCES = 16;
/** How far after `.cookie` a cookie attribute still belongs to the same statement. */
const ATTR_WINDOW = 256;

/** `.cookie=` is the shortest value that can match. */
const MIN_LENGTH = 8;

/**
 * Cheap gate shared with the prefilter: long enough, an '=' (every sign writes one:
 * the assignment, the attribute, `http-equiv=` and the `content="name=value"` a meta
 * tag needs to set anything), and the word "cookie" in any case.
 */
export function mentionsCookie(v: string, mask = -1): boolean {
  // Both signs assign (`=`); `.cookie` has a dot and `http-equiv` a dash.
  if (mask !== -1 && ((mask & CH.EQ) === 0 || (mask & (CH.DOT | CH.DASH)) === 0)) return false;
  return v.length >= MIN_LENGTH && v.indexOf("=") !== -1 && COOKIE_ANY_CASE.test(v);
}
const COOKIE_ANY_CASE = /cookie/i;

export function findCookieMarkup(v: string): MarkupMatch | null {
  if (!mentionsCookie(v)) return null;
  // Lower-cased once: `.COOKIE;EXPIRES=` builds a cookie string as well as the lower
  // case does (only the assignment form needs the exact property name, and flagging
  // `.COOKIE=` too costs nothing). Offsets are unchanged by ASCII lower-casing.
  const lower = v.length > MAX_SCAN ? v.slice(0, MAX_SCAN).toLowerCase() : v.toLowerCase();
  return scriptCookieWrite(lower) ?? metaSetCookie(lower);
}

const MAX_SCAN = 65536;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function scriptCookieWrite(v: string): MarkupMatch | null {
  let from = 0;
  for (let n = 0; n < MAX_OCCURRENCES; n++) {
    const p = v.indexOf(".cookie", from);
    if (p === -1) return null;
    from = p + 7;
    const after = p + 7;
    if (isWordChar(v.charCodeAt(after))) continue; // `.cookies`, `.cookieEnabled`
    // assignment: `.cookie = "…"` but not a comparison `.cookie == …`
    let i = after;
    while (i < v.length && i - after < 8 && (v.charCodeAt(i) === 32 || v.charCodeAt(i) === 9)) i++;
    if (v.charCodeAt(i) === 61 && v.charCodeAt(i + 1) !== 61) {
      return { sign: "script-cookie-write", start: p, end: Math.min(v.length, i + 24) };
    }
    if (v.charCodeAt(i) === 43 && v.charCodeAt(i + 1) === 61) {
      return { sign: "script-cookie-write", start: p, end: Math.min(v.length, i + 24) }; // `+=`
    }
    // attributes: `;` then non-word characters then a cookie attribute name and `=`
    const stop = Math.min(v.length, after + ATTR_WINDOW);
    let semi = v.indexOf(";", after);
    for (let k = 0; k < 8 && semi !== -1 && semi < stop; k++) {
      let j = semi + 1;
      while (j < stop && !isWordChar(v.charCodeAt(j)) && v.charCodeAt(j) !== 59) j++;
      const attrEnd = cookieAttribute(v, j);
      if (attrEnd !== -1) return { sign: "script-cookie-write", start: p, end: attrEnd };
      semi = v.indexOf(";", semi + 1);
    }
  }
  return null;
}

const ATTRIBUTES = ["expires", "domain", "path", "max-age", "samesite"];

/** If a cookie attribute name followed (after non-word chars) by `=` starts at `j`, its end. */
function cookieAttribute(v: string, j: number): number {
  for (const a of ATTRIBUTES) {
    if (v.length - j < a.length) continue;
    if (!v.startsWith(a, j)) continue;
    let k = j + a.length;
    if (isWordChar(v.charCodeAt(k))) continue;
    const stop = Math.min(v.length, k + 8);
    while (k < stop && !isWordChar(v.charCodeAt(k)) && v.charCodeAt(k) !== 61) k++;
    if (v.charCodeAt(k) === 61) return k + 1;
  }
  return -1;
}

/** `http-equiv`, then up to 16 non-word characters (`="`, `='`, ` = `), then `set-cookie`. */
function metaSetCookie(lower: string): MarkupMatch | null {
  let from = 0;
  for (let n = 0; n < MAX_OCCURRENCES; n++) {
    const p = lower.indexOf("http-equiv", from);
    if (p === -1) return null;
    from = p + 10;
    let i = p + 10;
    const stop = Math.min(lower.length, i + 16);
    while (i < stop && !isWordChar(lower.charCodeAt(i))) i++;
    if (i > p + 10 && lower.startsWith("set-cookie", i) && !isWordChar(lower.charCodeAt(i + 10))) {
      return { sign: "meta-set-cookie", start: p, end: i + 10 };
    }
  }
  return null;
}

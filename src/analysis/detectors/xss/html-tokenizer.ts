/**
 * A bounded, lenient scanner for HTML tags, following the WHATWG HTML tokenizer
 * (§13.2.5: tag open, tag name, before/after attribute name, attribute value states)
 * and widening it where old or lenient parsers accepted more, because a detector must
 * see a tag wherever *some* browser would:
 *  - any C0 control character counts as whitespace between attributes (the spec only has
 *    TAB, LF, FF, CR and SPACE; old IE also skipped others, and payloads use `%0c`, `%09`);
 *  - NUL inside a tag or attribute name is dropped (old IE ignored it: `<scr\0ipt>`);
 *  - `/` separates attributes (`<svg/onload=…>`, `<img/src/onerror=…>`), as in the spec;
 *  - a backtick quotes an attribute value (IE ≤ 8);
 *  - FULLWIDTH LESS-THAN SIGN and `¼` (0xBC, `<` with the high bit set, read by US-ASCII
 *    back-ends that strip the eighth bit) open a tag, as some back-ends fold them to `<`;
 *  - a tag cut off by the end of the value is still a tag: the page around the reflected
 *    value closes it.
 * Everything is bounded: a tag is read over at most MAX_TAG characters and MAX_ATTRS
 * attributes.
 */

export interface Attr {
  /** Lower-case name, NULs removed. */
  readonly name: string;
  /** Raw value (character references not decoded), or null when the attribute has none. */
  readonly value: string | null;
  /**
   * The value was unquoted and whitespace or `>` ended it inside the input: nothing the
   * page puts after the reflected value can join it.
   */
  readonly bare: boolean;
}

export interface Tag {
  /** Lower-case tag name; for `x:script` the local part `script`. `?import` for PIs. */
  readonly name: string;
  /** The name as written (lower case), with any namespace prefix. */
  readonly qname: string;
  /** The name up to a NUL, for parsers that end the name there (`<object\0x …>`). */
  readonly nulName: string;
  readonly endTag: boolean;
  readonly start: number;
  /** Index just past the tag (past `>` when there was one). */
  readonly end: number;
  /** A `>` ended the tag (false when the value ended first). */
  readonly closed: boolean;
  /** A `/` came right after the name (`<svg/onload…`, `<script/x>`). */
  readonly slashAfterName: boolean;
  readonly attrs: readonly Attr[];
}

const MAX_TAG = 2048;
const MAX_ATTRS = 64;

/** Characters that open a tag: `<`, FULLWIDTH `＜` (U+FF1C), `¼` (0xBC, see above). */
export function isTagOpen(c: number): boolean {
  return c === 60 || c === 0xff1c || c === 0xbc;
}
function isTagClose(c: number): boolean {
  return c === 62 || c === 0xff1e || c === 0xbe;
}
function isSpace(c: number): boolean {
  return c <= 32;
}
function dropNul(s: string): string {
  return s.indexOf("\u0000") === -1 ? s : s.replaceAll("\u0000", "");
}

/** Whitespace ends a name; NUL does not (it is dropped from the name instead). */
function isNameEnd(c: number): boolean {
  return c <= 32 && c !== 0;
}
function isAlpha(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 122;
}

/**
 * Reads the tag that starts at `i` (where `s[i]` opens a tag). Returns null when what
 * follows is not a tag (`a < b`, `<3`, `<=`), as the tokenizer then emits text.
 */
export function readTag(s: string, i: number): Tag | null {
  const n = Math.min(s.length, i + MAX_TAG);
  let j = i + 1;
  while (j < n && s.charCodeAt(j) === 0) j++;
  let endTag = false;
  let pi = false;
  const c0 = s.charCodeAt(j);
  if (c0 === 47 /* / */) {
    endTag = true;
    j++;
  } else if (c0 === 63 /* ? */) {
    // `<?import …>`, `<?xml-stylesheet …?>`: a processing instruction (bogus comment in
    // HTML, but XML and old IE act on them).
    pi = true;
    j++;
  }
  // `<:vmlframe`: an empty namespace prefix, which IE's VML parser accepted.
  if (j + 1 < n && s.charCodeAt(j) === 58 && isAlpha(s.charCodeAt(j + 1))) j++;
  if (j >= n || !isAlpha(s.charCodeAt(j))) return null;
  // Tag name state: up to whitespace, `/` or `>`.
  const nameStart = j;
  while (j < n && j - nameStart < 64) {
    const c = s.charCodeAt(j);
    if (isNameEnd(c) || c === 47 || isTagClose(c)) break;
    j++;
  }
  const rawName = s.slice(nameStart, j);
  const name = dropNul(rawName).toLowerCase();
  const nul = rawName.indexOf("\u0000");
  const nulName = nul === -1 ? name : rawName.slice(0, nul).toLowerCase();
  const qname = pi ? `?${name}` : name;
  const colon = name.lastIndexOf(":");
  const local = pi ? qname : colon >= 0 ? name.slice(colon + 1) : name;
  const slashAfterName = s.charCodeAt(j) === 47;
  const attrs: Attr[] = [];
  while (j < n && attrs.length < MAX_ATTRS) {
    // Before attribute name: skip whitespace and `/`.
    let c = s.charCodeAt(j);
    while (j < n && (isSpace(c) || c === 47 || (pi && c === 63))) {
      j++;
      c = s.charCodeAt(j);
    }
    if (j >= n) break;
    if (isTagClose(c)) {
      j++;
      return { name: local, qname, endTag, start: i, end: j, attrs, closed: true, slashAfterName, nulName };
    }
    // Attribute name: the first character may be anything (even `=`).
    const anStart = j;
    do {
      j++;
      c = s.charCodeAt(j);
    } while (j < n && !isNameEnd(c) && c !== 47 && c !== 61 && !isTagClose(c) && j - anStart < 256);
    const an = dropNul(s.slice(anStart, j));
    while (j < n && isSpace(c)) {
      j++;
      c = s.charCodeAt(j);
    }
    if (c !== 61 /* = */ || j >= n) {
      attrs.push({ name: an.toLowerCase(), value: null, bare: false });
      continue;
    }
    j++;
    c = s.charCodeAt(j);
    while (j < n && isSpace(c)) {
      j++;
      c = s.charCodeAt(j);
    }
    let value: string;
    let bare = false;
    if (c === 34 || c === 39 || c === 96) {
      let stop = j + 1;
      while (stop < n && s.charCodeAt(stop) !== c) stop++;
      value = s.slice(j + 1, stop);
      j = stop + 1;
    } else {
      const v0 = j;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (isSpace(d) || isTagClose(d)) {
          bare = true;
          break;
        }
        j++;
      }
      value = s.slice(v0, j);
    }
    attrs.push({ name: an.toLowerCase(), value, bare });
  }
  return {
    name: local,
    qname,
    endTag,
    start: i,
    end: Math.min(j, s.length),
    attrs,
    closed: false,
    slashAfterName,
    nulName,
  };
}

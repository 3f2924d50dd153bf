/**
 * Other ways to read a value, each undoing one thing that stands between what was sent
 * and what a browser (or a sanitiser in front of it) ends up with. The detector judges
 * every reading that applies; each `has…` test is a cheap gate for its reading.
 */

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** A JavaScript/Python-style escape (`\x3c`, `\u003c`, `\74`) somewhere in `s`. */
export function hasCodeEscape(s: string): boolean {
  let i = s.indexOf("\\");
  while (i !== -1 && i < s.length - 1) {
    const c = s.charCodeAt(i + 1);
    if (c === 120 || c === 117 || (c >= 48 && c <= 55)) return true;
    i = s.indexOf("\\", i + 1);
  }
  return false;
}

/**
 * Decodes `\xHH`, `\uHHHH`, `\u{…}` and octal `\NNN` escapes everywhere: markup written
 * as a JS or Python string (`'\74img/src/onerror\75…'`, `\x3cscript\x3e`) becomes markup
 * when the string is written into the page.
 * With `utf8`, a run of `\xHH` escapes that spells one UTF-8 sequence is one character,
 * as in a byte string (Python `b'…'`, PHP, C) written out as UTF-8 (`\xc2\xbc` is `¼`);
 * JavaScript reads each escape as a character of its own (`Â¼`).
 */
export function unescapeCode(s: string, utf8 = false): string {
  const n = Math.min(s.length, 16 * 1024);
  let i = s.indexOf("\\");
  if (i === -1 || i >= n) return s.length > n ? s.slice(0, n) : s;
  // Text between escapes is copied in one slice each: the work is per escape, not per
  // character.
  let out = s.slice(0, i);
  while (i < n) {
    if (i + 1 >= n) {
      out += s[i];
      i++;
      break;
    }
    const d = s.charCodeAt(i + 1);
    let next = i + 1;
    if (d === 120 /* x */ && hexVal(s.charCodeAt(i + 2)) >= 0 && hexVal(s.charCodeAt(i + 3)) >= 0) {
      const b = hexVal(s.charCodeAt(i + 2)) * 16 + hexVal(s.charCodeAt(i + 3));
      const seq = utf8 && b >= 0xc2 && b <= 0xf4 ? utf8Run(s, i, b, n) : 0;
      if (seq > 0) {
        out += String.fromCodePoint(seq);
        next = i + 4 * (seq < 0x800 ? 2 : seq < 0x10000 ? 3 : 4);
      } else {
        out += String.fromCharCode(b);
        next = i + 4;
      }
    } else if (d === 117 /* u */) {
      let cp = 0;
      let j = i + 2;
      let done = false;
      if (s.charCodeAt(j) === 123) {
        j++;
        while (j < n && j - i < 12 && hexVal(s.charCodeAt(j)) >= 0) cp = cp * 16 + hexVal(s.charCodeAt(j++));
        if (s.charCodeAt(j) === 125 && cp <= 0x10ffff) {
          out += String.fromCodePoint(cp);
          next = j + 1;
          done = true;
        }
      } else if (j + 4 <= n) {
        let ok = true;
        for (let k = 0; k < 4; k++) {
          const v = hexVal(s.charCodeAt(j + k));
          if (v < 0) ok = false;
          cp = cp * 16 + v;
        }
        if (ok) {
          out += String.fromCharCode(cp);
          next = j + 4;
          done = true;
        }
      }
      if (!done) out += s[i];
    } else if (d >= 48 && d <= 55) {
      let v = 0;
      let j = i + 1;
      while (j < n && j - i <= 3) {
        const e = s.charCodeAt(j);
        if (e < 48 || e > 55 || v * 8 + (e - 48) > 255) break;
        v = v * 8 + (e - 48);
        j++;
      }
      out += String.fromCharCode(v);
      next = j;
    } else {
      out += s[i];
    }
    const bs = s.indexOf("\\", next);
    const stop = bs === -1 || bs > n ? n : bs;
    out += s.slice(next, stop);
    i = stop;
  }
  return out;
}

/** The byte of a `\xHH` escape at `i`, or -1. */
function escapedByte(s: string, i: number, n: number): number {
  if (i + 4 > n) return -1;
  if (s.charCodeAt(i) !== 92 || s.charCodeAt(i + 1) !== 120) return -1;
  const h = hexVal(s.charCodeAt(i + 2));
  const l = hexVal(s.charCodeAt(i + 3));
  return h < 0 || l < 0 ? -1 : h * 16 + l;
}

/**
 * The code point of the UTF-8 sequence whose lead byte `lead` is escaped at `i` and whose
 * continuation bytes are escaped right after it; 0 when the escapes do not spell one
 * (missing or stray continuation, overlong form, surrogate, past U+10FFFF).
 */
function utf8Run(s: string, i: number, lead: number, n: number): number {
  const more = lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : 3;
  let cp = lead & (lead < 0xe0 ? 0x1f : lead < 0xf0 ? 0x0f : 0x07);
  for (let k = 1; k <= more; k++) {
    const b = escapedByte(s, i + 4 * k, n);
    if (b < 0x80 || b > 0xbf) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  const min = more === 1 ? 0x80 : more === 2 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return cp;
}

/**
 * Invisible and replacement characters a sanitiser or a normalising back-end may drop:
 * zero-width spaces and joiners, bidi controls (`<\u202escript\u202e>`), word joiners,
 * BOM, soft hyphen, and U+FFFD left by a failed decoding.
 */
export function isInvisible(c: number): boolean {
  return (
    c === 0xad ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) ||
    c === 0xfeff ||
    c === 0xfffd
  );
}

/** The same set as isInvisible, as one character class (no quantifier: no backtracking). */
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffd]/;
const INVISIBLE_ALL = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffd]/g;

export function hasInvisible(s: string): boolean {
  return INVISIBLE.test(s);
}

export function stripInvisible(s: string): string {
  return s.replace(INVISIBLE_ALL, "");
}

/**
 * The value after a sanitiser that deletes tags but keeps the text around them:
 * `"o<x>nmouseover=alert<x>(1)` becomes `"onmouseover=alert(1)`. Only short tags
 * (at most 32 characters up to `>`) are removed, as such payloads use.
 */
export function stripTags(s: string): string {
  let out = "";
  let last = 0;
  for (let i = s.indexOf("<"); i !== -1; ) {
    const close = s.indexOf(">", i + 1);
    if (close !== -1 && close - i <= 32) {
      out += s.slice(last, i);
      last = close + 1;
      i = s.indexOf("<", last);
    } else i = s.indexOf("<", i + 1);
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Tabs and line breaks removed (`a&Tab;l&Tab;e&Tab;r&Tab;t(1)` once entities are decoded). */
const TAB_OR_BREAK = /[\t\n\r]/g;
export function stripTabsAndBreaks(s: string): string {
  return s.replace(TAB_OR_BREAK, "");
}

/** The query and fragment of a value that is itself a URL (a Referer, a `next=` link). */
export function urlTail(s: string): string | null {
  if (!(s.startsWith("http://") || s.startsWith("https://") || s.startsWith("//"))) return null;
  const q = s.indexOf("?");
  const h = s.indexOf("#");
  const at = q === -1 ? h : h === -1 ? q : Math.min(q, h);
  return at === -1 ? null : s.slice(at + 1);
}

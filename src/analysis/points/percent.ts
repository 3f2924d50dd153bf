/**
 * Percent-decoding as attackers use it (RFC 3986 §2.1 plus what servers accept beyond
 * it): `%XX` bytes decoded as UTF-8, IIS-style `%uXXXX`, `+` as space in form data.
 * Invalid escapes are kept as they are. Bytes that are not valid UTF-8 are kept as
 * Latin-1 characters so that nothing an attacker sent disappears; overlong UTF-8 forms
 * (`%c0%af` for `/`) are normalised to the character they smuggle, and flagged.
 *
 * Speed: the common case (only well-formed `%XX` escapes of strictly valid UTF-8) is
 * decoded in one pass into a reused buffer (faster than `decodeURIComponent`, and no
 * exception when it fails); only odd input takes the lenient path.
 */
import { isUtf8 } from "node:buffer";
import { growUnits, unitBuffer, unitsToString } from "./textbuf.js";

export interface DecodeFlags {
  badEscape: boolean;
  badUtf8: boolean;
  overlong: boolean;
}

export function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** True when `s` contains at least one `%XX` or `%uXXXX` escape. */
export function hasPercentEscape(s: string): boolean {
  let i = s.indexOf("%");
  while (i !== -1 && i + 2 < s.length) {
    const a = s.charCodeAt(i + 1);
    if (hexVal(a) >= 0 && hexVal(s.charCodeAt(i + 2)) >= 0) return true;
    if ((a | 0x20) === 117 && i + 5 < s.length && isHex4(s, i + 2)) return true;
    i = s.indexOf("%", i + 1);
  }
  return false;
}

function isHex4(s: string, at: number): boolean {
  return (
    hexVal(s.charCodeAt(at)) >= 0 &&
    hexVal(s.charCodeAt(at + 1)) >= 0 &&
    hexVal(s.charCodeAt(at + 2)) >= 0 &&
    hexVal(s.charCodeAt(at + 3)) >= 0
  );
}

/**
 * Decodes once. Fast path: a string without `%` (and without `+` when plusAsSpace) is
 * returned unchanged without allocation.
 */
export function percentDecode(s: string, plusAsSpace: boolean, flags?: DecodeFlags): string {
  const p = s.indexOf("%");
  if (p === -1) {
    if (!plusAsSpace || s.indexOf("+") === -1) return s;
    return s.replaceAll("+", " ");
  }
  // Strict UTF-8 with well-formed escapes (the common case) is decoded in one pass;
  // anything odd returns null and takes the lenient path.
  const fast = strictDecode(s, plusAsSpace, p);
  return fast ?? lenientDecode(s, plusAsSpace, flags);
}

/** Value of `%XX` at `i` (0–255), or -1. */
function escapeAt(s: string, i: number): number {
  if (s.charCodeAt(i) !== 37) return -1;
  const h = hexVal(s.charCodeAt(i + 1));
  const l = hexVal(s.charCodeAt(i + 2));
  return h < 0 || l < 0 ? -1 : (h << 4) | l;
}

/**
 * One pass into the shared unit buffer: literal characters copied, `%XX` of ASCII written
 * directly, multi-byte sequences checked as RFC 3629 §4 requires (no overlongs, no
 * surrogates, nothing past U+10FFFF). Returns null at the first thing that is not
 * strictly valid — a bad escape, `%uXXXX`, invalid or overlong UTF-8.
 */
function strictDecode(s: string, plusAsSpace: boolean, first: number): string | null {
  const n = s.length;
  // Never more units out than characters in (4-byte sequences: 12 in, 2 out).
  const u = unitBuffer(n);
  let o = 0;
  for (let i = 0; i < first; i++) {
    const c = s.charCodeAt(i);
    u[o++] = c === 43 && plusAsSpace ? 32 : c;
  }
  let i = first;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 37) {
      u[o++] = c === 43 && plusAsSpace ? 32 : c;
      i++;
      continue;
    }
    const b0 = escapeAt(s, i);
    if (b0 < 0) return null;
    i += 3;
    if (b0 < 0x80) {
      u[o++] = b0;
      continue;
    }
    let need: number;
    let cp: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      if (b0 === 0xe0) lo = 0xa0;
      else if (b0 === 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      if (b0 === 0xf0) lo = 0x90;
      else if (b0 === 0xf4) hi = 0x8f;
    } else return null;
    for (let k = 0; k < need; k++) {
      const b = escapeAt(s, i);
      if (b < lo || b > hi) return null;
      lo = 0x80;
      hi = 0xbf;
      cp = (cp << 6) | (b & 0x3f);
      i += 3;
    }
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      u[o++] = 0xd800 + (v >> 10);
      u[o++] = 0xdc00 + (v & 0x3ff);
    } else u[o++] = cp;
  }
  return unitsToString(u, o);
}

/** Reused byte buffer for escape runs (analysis is synchronous: no sharing hazard). */
let scratch = new Uint8Array(1024);

/**
 * The lenient path: literal text is kept as slices of the input; each run of `%XX`
 * escapes is decoded as one UTF-8 byte string (`utf8Decode`); `%uXXXX` gives its code
 * unit; a `%` that starts no escape stays as it is (and is flagged).
 */
function lenientDecode(s: string, plusAsSpace: boolean, flags?: DecodeFlags): string {
  const t = plusAsSpace && s.indexOf("+") !== -1 ? s.replaceAll("+", " ") : s;
  const n = t.length;
  const parts: string[] = [];
  let last = 0;
  let p = t.indexOf("%");
  while (p !== -1) {
    let q = p;
    let nb = 0;
    while (q + 2 < n && t.charCodeAt(q) === 37) {
      const h = hexVal(t.charCodeAt(q + 1));
      const l = hexVal(t.charCodeAt(q + 2));
      if (h < 0 || l < 0) break;
      if (nb === scratch.length) {
        const bigger = new Uint8Array(nb * 2);
        bigger.set(scratch);
        scratch = bigger;
      }
      scratch[nb++] = (h << 4) | l;
      q += 3;
    }
    if (nb > 0) {
      if (p > last) parts.push(t.slice(last, p));
      parts.push(nb <= 64 ? lenientUtf8(scratch, 0, nb, flags) : utf8Decode(scratch.subarray(0, nb), flags));
      last = q;
      p = t.indexOf("%", q);
      continue;
    }
    if (p + 5 < n && (t.charCodeAt(p + 1) | 0x20) === 117 && isHex4(t, p + 2)) {
      if (p > last) parts.push(t.slice(last, p));
      parts.push(String.fromCharCode(Number.parseInt(t.slice(p + 2, p + 6), 16)));
      last = p + 6;
      p = t.indexOf("%", last);
      continue;
    }
    if (flags) flags.badEscape = true;
    p = t.indexOf("%", p + 1);
  }
  if (parts.length === 0) return t;
  if (last < n) parts.push(t.slice(last));
  if (scratch.length > 1 << 20) scratch = new Uint8Array(1024);
  return parts.join("");
}

/**
 * Lenient UTF-8 (RFC 3629) decoding of a byte run. Overlong encodings are decoded to
 * the code point they carry (and flagged) because that is what vulnerable decoders did;
 * any other invalid byte becomes the Latin-1 character of the same value.
 * Valid input is decoded natively; only invalid input walks byte by byte.
 */
export function utf8Decode(b: ArrayLike<number>, flags?: DecodeFlags): string {
  const bytes = b instanceof Uint8Array ? b : Uint8Array.from(b);
  const n = bytes.length;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, n);
  if (isUtf8(bytes)) return view.toString("utf8");
  if (n <= UTF8_BLOCK) return lenientUtf8(bytes, 0, n, flags);
  // Blocks that are valid are decoded natively; only blocks holding an invalid sequence
  // take the byte-by-byte path. Block ends are moved back to a sequence start.
  const out: string[] = [];
  let start = 0;
  while (start < n) {
    let end = Math.min(n, start + UTF8_BLOCK);
    if (end < n) {
      let k = end;
      while (k > start && end - k < 3 && (bytes[k]! & 0xc0) === 0x80) k--;
      if ((bytes[k]! & 0xc0) !== 0x80 && k > start) end = k;
    }
    const block = bytes.subarray(start, end);
    out.push(isUtf8(block) ? view.toString("utf8", start, end) : lenientUtf8(bytes, start, end, flags));
    start = end;
  }
  return out.join("");
}

const UTF8_BLOCK = 2048;

function lenientUtf8(bytes: Uint8Array, from: number, n: number, flags?: DecodeFlags): string {
  let u = unitBuffer(Math.min(n - from, 4096) + 2);
  let o = 0;
  let i = from;
  while (i < n) {
    if (o + 2 > u.length) u = growUnits(o, Math.min(n - from, o * 2) + 2);
    const c = bytes[i]!;
    if (c < 0x80) {
      u[o++] = c;
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (c >= 0xc0 && c < 0xe0) {
      need = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c < 0xf0) {
      need = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c < 0xf8) {
      need = 3;
      cp = c & 0x07;
      min = 0x10000;
    }
    let ok = need > 0 && i + need < n;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const cc = bytes[i + k]!;
        if ((cc & 0xc0) !== 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
    }
    if (!ok || cp > 0x10ffff) {
      if (flags) flags.badUtf8 = true;
      u[o++] = c;
      i++;
      continue;
    }
    if (cp < min && flags) flags.overlong = true;
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      u[o++] = 0xd800 + (v >> 10);
      u[o++] = 0xdc00 + (v & 0x3ff);
    } else u[o++] = cp;
    i += need + 1;
  }
  return unitsToString(u, o);
}

/**
 * Percent-decoding as attackers use it (RFC 3986 §2.1 plus what servers accept beyond
 * it): `%XX` bytes decoded as UTF-8, IIS-style `%uXXXX`, `+` as space in form data.
 * Invalid escapes are kept as they are. Bytes that are not valid UTF-8 are kept as
 * Latin-1 characters so that nothing an attacker sent disappears; overlong UTF-8 forms
 * (`%c0%af` for `/`) are normalised to the character they smuggle, and flagged.
 */

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
  const firstPct = s.indexOf("%");
  if (firstPct === -1 && (!plusAsSpace || s.indexOf("+") === -1)) return s;
  let out = "";
  let bytes: number[] | null = null;
  let i = 0;
  const n = s.length;
  let runStart = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */ && i + 2 < n) {
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        if (bytes === null) {
          out += s.slice(runStart, i);
          bytes = [];
        }
        bytes.push((h << 4) | l);
        i += 3;
        runStart = i;
        continue;
      }
      if ((s.charCodeAt(i + 1) | 0x20) === 117 && i + 5 < n && isHex4(s, i + 2)) {
        if (bytes !== null) {
          out += utf8Decode(bytes, flags);
          bytes = null;
        } else out += s.slice(runStart, i);
        out += String.fromCharCode(Number.parseInt(s.slice(i + 2, i + 6), 16));
        i += 6;
        runStart = i;
        continue;
      }
      if (flags) flags.badEscape = true;
    } else if (c === 37 && flags) {
      flags.badEscape = true;
    }
    if (bytes !== null) {
      out += utf8Decode(bytes, flags);
      bytes = null;
      runStart = i;
    }
    if (c === 43 /* + */ && plusAsSpace) {
      out += `${s.slice(runStart, i)} `;
      runStart = i + 1;
    }
    i++;
  }
  if (bytes !== null) out += utf8Decode(bytes, flags);
  else out += s.slice(runStart);
  return out;
}

/**
 * Lenient UTF-8 (RFC 3629) decoding of a byte run. Overlong encodings are decoded to
 * the code point they carry (and flagged) because that is what vulnerable decoders did;
 * any other invalid byte becomes the Latin-1 character of the same value.
 */
export function utf8Decode(b: ArrayLike<number>, flags?: DecodeFlags): string {
  let out = "";
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
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
        const cc = b[i + k];
        if (cc === undefined || (cc & 0xc0) !== 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
    }
    if (!ok || cp > 0x10ffff) {
      if (flags) flags.badUtf8 = true;
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    if (cp < min && flags) flags.overlong = true;
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/**
 * UTF-7 (RFC 2152): `+ADw-script+AD4-` is `<script>`. A page served without a charset
 * could once be sniffed as UTF-7 by IE, which made this a classic filter bypass. Only
 * the shifted `+…-` runs are decoded; everything else is kept as is.
 */

function b64Val(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43) return 62;
  if (c === 47) return 63;
  return -1;
}

/** True when `s` has a UTF-7 shifted run that encodes ASCII markup characters. */
export function hasUtf7(s: string): boolean {
  return s.indexOf("+AD") !== -1 || s.indexOf("+ACI") !== -1 || s.indexOf("+ACc") !== -1;
}

export function decodeUtf7(s: string): string {
  let out = "";
  let i = 0;
  const n = Math.min(s.length, 16 * 1024);
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 43 /* + */ || i + 1 >= n || b64Val(s.charCodeAt(i + 1)) < 0 || s.charCodeAt(i + 1) === 43) {
      out += s[i];
      i++;
      continue;
    }
    let j = i + 1;
    let bits = 0;
    let acc = 0;
    while (j < n) {
      const v = b64Val(s.charCodeAt(j));
      if (v < 0) break;
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        out += String.fromCharCode((acc >> bits) & 0xffff);
      }
      j++;
    }
    if (j < n && s.charCodeAt(j) === 45 /* - */) j++;
    i = j;
  }
  return out;
}

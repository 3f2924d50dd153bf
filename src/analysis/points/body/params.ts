/**
 * Header parameters (`type/subtype; name=value; name="quoted"`, RFC 9110 §5.6.6) and
 * RFC 8187 / RFC 5987 extended values (`filename*=UTF-8''%E2%82%AC.txt`), leniently:
 * every parameter is kept in order, repeats included, because a parser differential on
 * a repeated `filename` is an upload-filter bypass.
 */
import { percentDecode } from "../percent.js";

export interface Param {
  /** Lower-case name, `*` kept for extended values. */
  readonly name: string;
  readonly value: string;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** Parses `v` from `start` (after the leading token) into parameters. Never throws. */
export function parseParams(v: string, start = 0): Param[] {
  const out: Param[] = [];
  const n = v.length;
  let i = v.indexOf(";", start);
  if (i === -1) return out;
  i++;
  while (i < n && out.length < 64) {
    while (i < n && (isWs(v.charCodeAt(i)) || v.charCodeAt(i) === 59)) i++;
    const n0 = i;
    while (i < n) {
      const c = v.charCodeAt(i);
      if (c === 61 || c === 59) break;
      i++;
    }
    const name = v.slice(n0, i).trim().toLowerCase();
    if (i >= n || v.charCodeAt(i) === 59) {
      if (name.length > 0) out.push({ name, value: "" });
      continue;
    }
    i++; // `=`
    while (i < n && isWs(v.charCodeAt(i))) i++;
    let value: string;
    if (v.charCodeAt(i) === 34) {
      // quoted-string (RFC 9110 §5.6.4), but only `\"` is taken as an escape: browsers
      // send Windows paths and `..\` in multipart file names unescaped (RFC 7578 §4.2),
      // and reading `\.` as `.` would hide a traversal from the detectors.
      const parts: string[] = [];
      let k = i + 1;
      let last = k;
      while (k < n) {
        const c = v.charCodeAt(k);
        if (c === 34) break;
        if (c === 92 && k + 1 < n && v.charCodeAt(k + 1) === 34) {
          parts.push(v.slice(last, k));
          last = k + 1;
          k += 2;
          continue;
        }
        k++;
      }
      parts.push(v.slice(last, Math.min(k, n)));
      value = parts.join("");
      i = k + 1;
      // Anything up to the next `;` after the closing quote is kept too.
      const semi = v.indexOf(";", i);
      const tail = v.slice(Math.min(i, n), semi === -1 ? n : semi).trim();
      if (tail.length > 0) value += tail;
      i = semi === -1 ? n : semi;
    } else {
      const semi = v.indexOf(";", i);
      value = v.slice(i, semi === -1 ? n : semi).trim();
      i = semi === -1 ? n : semi;
    }
    if (name.length > 0) out.push({ name, value });
  }
  return out;
}

/** First parameter of that name, if any. */
export function param(params: readonly Param[], name: string): string | undefined {
  for (const p of params) if (p.name === name) return p.value;
  return undefined;
}

/**
 * Decodes an RFC 8187 ext-value `charset'language'pct-encoded`. UTF-8 and ISO-8859-1
 * are the charsets the RFC requires; anything else is decoded as UTF-8 too.
 * Bounded by the header it comes from (part headers are at most 8 KiB).
 */
export function decodeExtValue(v: string): string {
  const q1 = v.indexOf("'");
  const q2 = q1 === -1 ? -1 : v.indexOf("'", q1 + 1);
  if (q2 === -1) return percentDecode(v, false);
  const data = v.slice(q2 + 1);
  if (v.slice(0, q1).toLowerCase() === "iso-8859-1") {
    // Each `%XX` is one Latin-1 character.
    let out = "";
    for (let i = 0; i < data.length; i++) {
      const h = data.charCodeAt(i) === 37 ? Number.parseInt(data.slice(i + 1, i + 3), 16) : Number.NaN;
      if (Number.isNaN(h)) out += data[i];
      else {
        out += String.fromCharCode(h);
        i += 2;
      }
    }
    return out;
  }
  return percentDecode(data, false);
}

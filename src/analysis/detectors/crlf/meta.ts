import type { DetectorMatch } from "../types.js";

/**
 * `<meta http-equiv="Refresh" …>` / `"Set-Cookie"`: the HTML way of adding a response
 * header (HTML Standard §4.2.5.3, "pragma directives"). Injected into a page it does what
 * a split response would do — redirect the victim or set a cookie — without any CR/LF,
 * which is why rule sets file it with response splitting. Entity-escaped markup
 * (`&lt;meta http-equiv=&quot;refresh&quot;`) from undecoded XML counts too.
 */

const PRAGMAS: readonly string[] = ["refresh", "set-cookie", "content-security-policy", "location"];

function lowerAt(v: string, i: number, word: string): boolean {
  if (i < 0 || i + word.length > v.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((v.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

function findEquiv(v: string, from: number): number {
  const a = v.indexOf("equiv", from);
  const b = v.indexOf("EQUIV", from);
  if (a === -1) return b;
  if (b === -1) return a;
  return Math.min(a, b);
}

export function findMetaHeader(v: string): DetectorMatch | null {
  let e = findEquiv(v, 0);
  for (let g = 0; e !== -1 && g < 16; g++) {
    // `http-equiv`
    const h = e - 5;
    if (lowerAt(v, h, "http-equiv")) {
      // `<meta` (or `&lt;meta`) somewhere in the 64 characters before.
      const from = Math.max(0, h - 64);
      let meta = -1;
      for (let k = h - 5; k >= from; k--) {
        if (lowerAt(v, k, "meta") && (v.charCodeAt(k - 1) === 60 || lowerAt(v, k - 4, "&lt;"))) {
          meta = k;
          break;
        }
      }
      if (meta !== -1) {
        let j = e + 5;
        while (j < v.length && j - e < 12 && (v.charCodeAt(j) === 32 || v.charCodeAt(j) === 61)) j++;
        if (lowerAt(v, j, "&quot;")) j += 6;
        else if (v.charCodeAt(j) === 34 || v.charCodeAt(j) === 39 || v.charCodeAt(j) === 92) {
          j++;
          if (v.charCodeAt(j) === 34 || v.charCodeAt(j) === 39) j++;
        }
        for (const p of PRAGMAS) {
          if (lowerAt(v, j, p)) return { signature: "crlf.meta-header", start: meta - 1, end: j + p.length };
        }
      }
    }
    e = findEquiv(v, e + 5);
  }
  return null;
}

export function mayHaveMetaHeader(v: string): boolean {
  return v.indexOf("equiv") !== -1 || v.indexOf("EQUIV") !== -1;
}

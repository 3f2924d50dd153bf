import { CH } from "../charmask.js";

/**
 * Dot-dot traversal as a file API would see it after every trick that filters miss:
 * hex-notation (`0x2e`), leftover percent escapes, NUL bytes (`..%00/`, C string
 * truncation), Unicode look-alike dots and slashes (fullwidth, one-dot leader, division
 * slash, normalised to ASCII by NFKC-ing servers), Tomcat's `..;/` (path parameters are
 * dropped after the traversal check), `....//` (survives a single `../` strip) and `...`
 * (Windows trims trailing dots of a path component).
 */

/** Quick test for the spellings `normalize` rewrites. */
const NEEDS_NORMALIZE =
  /[\u0000\u2024\u2044\u2215\u2216\uFE52\uFE68\uFF0E\uFF0F\uFF3C]|%(?:2[eEfF]|5[cC]|00)|0[xX](?:2[eEfF]|5[cC])/;
const LOOK_ALIKES = /[\u2024\u2044\u2215\u2216\uFE52\uFE68\uFF0E\uFF0F\uFF3C]/;
const PERCENT_ESCAPES = /%(?:2[eEfF]|5[cC]|00)/;
const HEX_NOTATION = /0[xX](?:2[eEfF]|5[cC])/;

/**
 * `NEEDS_NORMALIZE.test(v)`, split by the character classes of `mask` (charmask.ts) so
 * that a value without `%`, a control character, a non-ASCII character or a digit is
 * answered without a scan.
 */
export function isSmuggled(v: string, mask: number): boolean {
  if ((mask & CH.CTRL) !== 0 && v.indexOf("\u0000") !== -1) return true;
  if ((mask & CH.PERCENT) !== 0 && PERCENT_ESCAPES.test(v)) return true;
  if ((mask & CH.NONASCII) !== 0 && LOOK_ALIKES.test(v)) return true;
  return (mask & CH.DIGIT) !== 0 && HEX_NOTATION.test(v);
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** ASCII for the dot/slash look-alikes, or -1. */
function lookAlike(c: number): number {
  switch (c) {
    case 0x2024:
    case 0xfe52:
    case 0xff0e:
      return 46;
    case 0x2044:
    case 0x2215:
    case 0xff0f:
      return 47;
    case 0x2216:
    case 0xfe68:
    case 0xff3c:
      return 92;
    default:
      return -1;
  }
}

/**
 * Rewrites smuggled dots, slashes and NULs to what the file system gets. Returns the
 * input itself when nothing applies (no allocation).
 */
export function normalize(v: string): string {
  if (!NEEDS_NORMALIZE.test(v)) return v;
  let out = "";
  let run = 0;
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    let rep = -2; // -2: keep, -1: drop, else: char code
    let skip = 0;
    if (c === 0) rep = -1;
    else if (c === 48 && i + 3 < n + 0 && (v.charCodeAt(i + 1) | 0x20) === 120) {
      const b = hex(v.charCodeAt(i + 2)) * 16 + hex(v.charCodeAt(i + 3));
      if (b === 0x2e || b === 0x2f || b === 0x5c) {
        rep = b;
        skip = 3;
      }
    } else if (c === 37 && i + 2 < n) {
      const h = hex(v.charCodeAt(i + 1));
      const l = hex(v.charCodeAt(i + 2));
      const b = h < 0 || l < 0 ? -1 : h * 16 + l;
      if (b === 0) {
        rep = -1;
        skip = 2;
      } else if (b === 0x2e || b === 0x2f || b === 0x5c) {
        rep = b;
        skip = 2;
      }
    } else if (c >= 0x2000) {
      const a = lookAlike(c);
      if (a !== -1) rep = a;
    }
    if (rep === -2) continue;
    out += v.slice(run, i);
    if (rep >= 0) out += String.fromCharCode(rep);
    i += skip;
    run = i + 1;
  }
  return run === 0 ? v : out + v.slice(run);
}

export interface Traversal {
  /** `..` components followed by a separator. */
  readonly steps: number;
  /** Backslash separators, `..;`, three or more dots. */
  readonly evasive: boolean;
  readonly start: number;
  readonly end: number;
}

function isWordish(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 45 ||
    c === 126 ||
    c >= 128
  );
}

/** Finds `..` components (a run of 2+ dots standing alone as a path component). */
export function findTraversal(s: string): Traversal | null {
  let i = s.indexOf("..");
  if (i === -1) return null;
  let steps = 0;
  let evasive = false;
  let start = -1;
  let end = -1;
  let guard = 0;
  while (i !== -1 && guard++ < 256) {
    let j = i;
    while (j < s.length && s.charCodeAt(j) === 46) j++;
    const prev = i === 0 ? 47 : s.charCodeAt(i - 1);
    if (!isWordish(prev) && prev !== 46) {
      let k = j;
      let semi = false;
      if (s.charCodeAt(k) === 59 /* ; */) {
        semi = true;
        k++;
        while (k < s.length && k - j < 32 && s.charCodeAt(k) !== 47 && s.charCodeAt(k) !== 92) k++;
      }
      const sep = s.charCodeAt(k);
      if (sep === 47 || sep === 92 || (semi && k >= s.length)) {
        steps++;
        if (sep === 92 || semi || j - i > 2) evasive = true;
        if (start === -1) start = i;
        end = k + 1;
      }
    }
    i = s.indexOf("..", Math.max(j, i + 2));
  }
  return steps > 0 ? { steps, evasive, start, end: Math.min(end, s.length) } : null;
}

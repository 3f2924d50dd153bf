import { CH } from "../charmask.js";

/**
 * Dot-dot traversal as a file API would see it after every trick that filters miss:
 * hex-notation (`0x2e`), leftover percent escapes, NUL bytes (`..%00/`, C string
 * truncation), Unicode look-alike dots and slashes (fullwidth, one-dot leader, division
 * slash, normalised to ASCII by NFKC-ing servers), Tomcat's `..;/` (path parameters are
 * dropped after the traversal check), `....//` (survives a single `../` strip) and `...`
 * (Windows trims trailing dots of a path component).
 */

const LOOK_ALIKES = /[\u2024\u2044\u2215\u2216\uFE52\uFE68\uFF0E\uFF0F\uFF3C]/;
/** `..`, or a dot, slash or NUL escaped as `%2e` or `0x2e`: one scan for the commonest checks. */
const DOTS_OR_ESCAPES = /\.\.|%(?:2[eEfF]|5[cC]|00)|0[xX](?:2[eEfF]|5[cC])/;

/** Whether `v` holds `..` or an escaped dot, slash or NUL (then `normalize` tells which). */
export function hasDotsOrEscapes(v: string, mask: number): boolean {
  return (mask & (CH.DOT | CH.PERCENT | CH.DIGIT)) !== 0 && DOTS_OR_ESCAPES.test(v);
}

/**
 * A NUL or a look-alike dot or slash (the escapes are in `hasDotsOrEscapes`), asked only of values whose mask (charmask.ts) has a control or
 * non-ASCII character.
 */
export function isSmuggled(v: string, mask: number): boolean {
  if ((mask & CH.CTRL) !== 0 && v.indexOf("\u0000") !== -1) return true;
  return (mask & CH.NONASCII) !== 0 && LOOK_ALIKES.test(v);
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

/** Every spelling `normalize` rewrites, found natively (values reach 64 KiB). */
const SMUGGLED_G =
  /[\u0000\u2024\u2044\u2215\u2216\uFE52\uFE68\uFF0E\uFF0F\uFF3C]|%(?:2[eEfF]|5[cC]|00)|0[xX](?:2[eEfF]|5[cC])/g;

/** What the file system gets for one match of SMUGGLED_G: "" for a NUL. */
function rewrite(s: string): string {
  if (s.length === 1) {
    const c = s.charCodeAt(0);
    return c === 0 ? "" : String.fromCharCode(lookAlike(c));
  }
  // `%XX` or `0xXX`: the last two characters are the hex byte.
  const b = hex(s.charCodeAt(s.length - 2)) * 16 + hex(s.charCodeAt(s.length - 1));
  return b === 0 ? "" : String.fromCharCode(b);
}

/**
 * Rewrites smuggled dots, slashes and NULs to what the file system gets. Returns the
 * input itself when nothing applies (no allocation). Left to right, each escape read
 * once: `%252e` stays `%2e`.
 */
export function normalize(v: string): string {
  SMUGGLED_G.lastIndex = 0;
  let m = SMUGGLED_G.exec(v);
  if (m === null) return v;
  let out = "";
  let run = 0;
  for (let guard = 0; m !== null && guard < 65536; guard++) {
    out += v.slice(run, m.index) + rewrite(m[0]);
    run = m.index + m[0].length;
    m = SMUGGLED_G.exec(v);
  }
  return out + v.slice(run);
}

/**
 * Index of the first NUL in `v`, written as the character or still as `%00` (a value
 * decoded once from a double encoding), or -1. C file APIs stop reading a path there.
 */
export function nulAt(v: string): number {
  const raw = v.indexOf("\u0000");
  const esc = v.indexOf("%00");
  return raw === -1 ? esc : esc === -1 ? raw : Math.min(raw, esc);
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

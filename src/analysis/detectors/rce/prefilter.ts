/**
 * One pass over a value's characters to learn which families of signs could be present
 * (a census bitmask), so that the detector only runs what can match.
 */
import { ANCHOR_CLASS, ANCHOR_CLASSES, ANCHOR_DELTA, ANCHOR_OUT } from "./anchors.js";
import { COMMANDS, commandName, stripVersion } from "./shell/commands.js";

export const C = {
  Dollar: 1 << 0,
  Backtick: 1 << 1,
  Pipe: 1 << 2,
  Semi: 1 << 3,
  Amp: 1 << 4,
  Lt: 1 << 5,
  Gt: 1 << 6,
  Paren: 1 << 7,
  Brace: 1 << 8,
  Bracket: 1 << 9,
  Quote: 1 << 10,
  Backslash: 1 << 11,
  Glob: 1 << 12,
  Tilde: 1 << 13,
  Bang: 1 << 14,
  Caret: 1 << 15,
  Percent: 1 << 16,
  At: 1 << 17,
  Hash: 1 << 18,
  Dot: 1 << 19,
  Colon: 1 << 20,
  Eq: 1 << 21,
  Underscore: 1 << 22,
  Space: 1 << 23,
  Newline: 1 << 24,
  /** Something `normalizeCode` would change: a backslash, `&`, or an invisible character. */
  Escape: 1 << 25,
} as const;

/** Characters that can start or split a shell command, or hide a command word. */
export const SHELL_TRIGGER =
  C.Dollar | C.Backtick | C.Pipe | C.Semi | C.Amp | C.Lt | C.Gt | C.Newline | C.Quote | C.Backslash | C.Glob | C.Brace |
  C.Bracket;

const TABLE = new Uint32Array(128);
const set = (chars: string, bit: number): void => {
  for (const ch of chars) TABLE[ch.charCodeAt(0)]! |= bit;
};
set("$", C.Dollar);
set("`", C.Backtick);
set("|", C.Pipe);
set(";", C.Semi);
set("&", C.Amp | C.Escape);
set("<", C.Lt);
set(">", C.Gt);
set("()", C.Paren);
set("{}", C.Brace);
set("[]", C.Bracket);
set("'\"", C.Quote);
set("\\", C.Backslash | C.Escape);
set("*?", C.Glob);
set("~", C.Tilde);
set("!", C.Bang);
set("^", C.Caret);
set("%", C.Percent);
set("@", C.At);
set("#", C.Hash);
set(".", C.Dot);
set(":", C.Colon);
set("=", C.Eq);
set("_", C.Underscore);
set(" \t\v\f", C.Space);
set("\n\r", C.Newline);

/** The census bitmask of `v` alone (first 64 KiB). */
export function census(v: string): number {
  let m = 0;
  const n = v.length < 65536 ? v.length : 65536;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 128) m |= TABLE[c]!;
  }
  return m;
}

/** Census bits that make a value worth a closer look on their own. */
const RARE =
  C.Dollar | C.Backtick | C.Pipe | C.Lt | C.Gt | C.Paren | C.Brace | C.Bracket | C.Backslash | C.Tilde | C.Bang |
  C.Caret | C.Percent | C.At | C.Hash | C.Newline | C.Escape;

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * After a `;` or `&`: a lower-case word that is not a `name=` parameter (`;q=0.9`,
 * `&page=2`) — where an injected command would be.
 */
function commandAfter(v: string, i: number): boolean {
  let j = i + 1;
  if (v.charCodeAt(j) === 38 || v.charCodeAt(j) === 124) return true;
  for (let k = 0; k < 2 && v.charCodeAt(j) === 32; k++) j++;
  const c = v.charCodeAt(j);
  if (!isLower(c))
    return c === 36 || c === 39 || c === 34 || c === 92 || c === 47 || c === 96 || c === 123 || c === 40 || c === 46;
  let e = j;
  while (e < v.length && e - j < 32) {
    const d = v.charCodeAt(e);
    if (isLower(d) || (d >= 48 && d <= 57) || d === 45 || d === 95) e++;
    else break;
  }
  const d = v.charCodeAt(e);
  return d !== 61 && d !== 58 && d !== 46;
}

export interface Scan {
  census: number;
  families: number;
  interesting: boolean;
}

let lastValue = "";
let last: Scan = { census: 0, families: 0, interesting: false };

/**
 * One pass: census bits, anchor families, and whether anything at all may match.
 * Cached for the last value, because the engine calls `prefilter(v)` then `detect(p)`
 * with `p.value === v`.
 */
export function scan(v: string): Scan {
  if (v === lastValue) return last;
  let m = 0;
  let s = 0;
  let fam = 0;
  let hot = false;
  const n = v.length < 65536 ? v.length : 65536;
  const K = ANCHOR_CLASSES;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 128) {
      const t = TABLE[c]!;
      if (t !== 0) {
        m |= t;
        if (t & RARE) hot = true;
        else if (!hot) {
          if (c === 59 || c === 38) hot = commandAfter(v, i);
          else if (c === 39 || c === 34) hot = i > 0 && isAlpha(v.charCodeAt(i - 1)) && (isAlpha(v.charCodeAt(i + 1)) || v.charCodeAt(i + 1) === c);
          else if (c === 42 || c === 63) {
            const a = v.charCodeAt(i - 1);
            const b = v.charCodeAt(i + 1);
            hot = a === 47 || b === 47 || a === c || b === c || (isAlpha(a) && isAlpha(b));
          }
        }
      }
      s = ANCHOR_DELTA[s * K + ANCHOR_CLASS[c]!]!;
    } else {
      if (c === 0x200b || c === 0x200c || c === 0x200d || c === 0xfeff || c === 0xad) {
        m |= C.Escape;
        hot = true;
      } else if (c === 0xa0) m |= C.Space;
      s = ANCHOR_DELTA[s * K]!;
    }
    fam |= ANCHOR_OUT[s]!;
  }
  if (fam !== 0) hot = true;
  // Strict base64 text of a plausible payload size: the detector decodes it.
  if (!hot && n >= 16 && n <= 1024 && (m & ~(C.Eq | C.Underscore)) === 0 && n % 4 !== 1 && !/[^A-Za-z0-9+/=_-]/.test(v)) hot = true;
  if (!hot && (m & C.Space || n <= 24)) hot = mayBeCommandLine(v) || /^(?:if|for)[\s/]/i.test(v);
  lastValue = v;
  last = { census: m, families: fam, interesting: hot };
  return last;
}

/** The value starts with a known command word (a whole-value command line is possible). */
export function mayBeCommandLine(v: string): boolean {
  let i = 0;
  while (i < v.length && v.charCodeAt(i) <= 32) i++;
  const c0 = v.charCodeAt(i);
  if (!isAlpha(c0) && c0 !== 47 && c0 !== 39 && c0 !== 34 && c0 !== 46) return false;
  let j = i;
  while (j < v.length && j - i < 40) {
    const c = v.charCodeAt(j);
    if (c <= 32 || c === 59 || c === 124 || c === 38 || c === 60 || c === 62) break;
    j++;
  }
  if (j === i || j - i >= 40) return false;
  let w = v.slice(i, j);
  if (c0 === 39 || c0 === 34) w = w.replace(/['"]/g, "");
  return COMMANDS.has(stripVersion(commandName(w)));
}

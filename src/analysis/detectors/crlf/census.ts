/**
 * One pass over a value recording which trigger characters it holds, shared by the
 * prefilters of the nosqli, ldapi, crlf, mail_injection and ssi detectors. The engine
 * offers the same value to every prefilter in turn, so the last census is memoised: the
 * five prefilters cost one scan instead of a dozen `indexOf` passes.
 *
 * Pure: the memo is a cache of a pure function of its argument, private to the module
 * (each worker thread has its own).
 */

export const C_BREAK = 1 << 0; // CR, LF and their look-alikes U+560D, U+560A
export const C_BACKSLASH = 1 << 1;
export const C_AMP = 1 << 2;
export const C_LT = 1 << 3;
export const C_HASH = 1 << 4;
export const C_DOLLAR = 1 << 5;
export const C_OPEN = 1 << 6; // (
export const C_CLOSE = 1 << 7; // )
export const C_PERCENT = 1 << 8;
export const C_DASH = 1 << 9;
export const C_SEMI = 1 << 10;
export const C_PIPE = 1 << 11;
export const C_QUOTE = 1 << 12; // ' "
export const C_BRACE = 1 << 13; // {
export const C_EQ = 1 << 14;
export const C_NUL = 1 << 15;

const TABLE = new Uint16Array(128);
TABLE[10] = C_BREAK;
TABLE[13] = C_BREAK;
TABLE[92] = C_BACKSLASH;
TABLE[38] = C_AMP;
TABLE[60] = C_LT;
TABLE[35] = C_HASH;
TABLE[36] = C_DOLLAR;
TABLE[40] = C_OPEN;
TABLE[41] = C_CLOSE;
TABLE[37] = C_PERCENT;
TABLE[45] = C_DASH;
TABLE[59] = C_SEMI;
TABLE[124] = C_PIPE;
TABLE[39] = C_QUOTE;
TABLE[34] = C_QUOTE;
TABLE[61] = C_EQ;
TABLE[123] = C_BRACE;
TABLE[0] = C_NUL;

/**
 * How each bit is looked for in a long value: one native search per bit (a character
 * class where a bit stands for several characters).
 */
const SEARCHES: readonly (string | RegExp)[] = [
  /[\n\r\u560a\u560d]/,
  "\\",
  "&",
  "<",
  "#",
  "$",
  "(",
  ")",
  "%",
  "-",
  ";",
  "|",
  /['"]/,
  "{",
  "=",
  "\u0000",
];

/** Values up to this length are censused in one loop; longer ones lazily with `indexOf`. */
const SHORT = 64;

/** Every trigger but the common `-`, `=`, `%`. */
const RARE = /[\n\r\\&<#$()|;'"{\u0000\u560a\u560d]/;
const RARE_BITS = 0xffff & ~(C_DASH | C_EQ | C_PERCENT);
const ALL = 0xffff;

let lastValue: string | null = null;
let known = 0;
let mask = 0;

/**
 * The subset of `wanted` (C_* bits) whose characters occur in `v`. Short values are
 * scanned once for every bit; long ones get one native `indexOf` per bit asked for, so
 * that a long body is only searched for what some prefilter actually needs.
 */
export function census(v: string, wanted: number): number {
  if (v !== lastValue) {
    lastValue = v;
    mask = 0;
    known = 0;
    const n = v.length;
    // Most values hold none of the rarer triggers: one native test settles all of them,
    // leaving `-`, `=`, `%` to be looked up if some prefilter asks.
    if (!RARE.test(v)) {
      known = RARE_BITS;
    } else if (n <= SHORT) {
      let m = 0;
      for (let i = 0; i < n; i++) {
        const c = v.charCodeAt(i);
        if (c < 128) m |= TABLE[c]!;
        else if (c === 0x560a || c === 0x560d) m |= C_BREAK;
      }
      mask = m;
      known = ALL;
      return m & wanted;
    }
  }
  let need = wanted & ~known;
  while (need !== 0) {
    const bit = need & -need;
    need &= need - 1;
    known |= bit;
    const q = SEARCHES[31 - Math.clz32(bit)]!;
    if (typeof q === "string" ? v.indexOf(q) !== -1 : q.test(v)) mask |= bit;
  }
  return mask & wanted;
}

import { CH, charMask } from "../charmask.js";

/**
 * Which trigger characters a value holds, for the nosqli, ldapi, crlf, mail_injection and
 * ssi detectors. The bits are the engine's shared character mask (charmask.ts), which it
 * computes once per point and passes to every prefilter: a prefilter hands that mask in
 * and pays nothing more. `detect` and the decoded texts it builds have no mask of their
 * own, so the last value's mask is memoised (one scan per value, not one per question).
 *
 * One bit is not a plain character class: C_BREAK also stands for the "Unicode" CR/LF
 * look-alikes U+560D/U+560A (see breaks.ts), looked up only when the value holds
 * non-ASCII text at all. C_BRACE is `{` or `}` (callers only use it as a hint).
 *
 * Pure: the memo is a cache of a pure function of its argument, private to the module
 * (each worker thread has its own).
 */

export const C_BREAK = 1 << 31; // CR, LF and their look-alikes U+560D, U+560A
export const C_BACKSLASH = CH.BACKSLASH;
export const C_AMP = CH.AMP;
export const C_LT = CH.LT;
export const C_HASH = CH.HASH;
export const C_DOLLAR = CH.DOLLAR;
export const C_OPEN = CH.LPAREN; // (
export const C_CLOSE = CH.RPAREN; // )
export const C_PERCENT = CH.PERCENT;
export const C_DASH = CH.DASH;
export const C_SEMI = CH.SEMI;
export const C_PIPE = CH.PIPE;
export const C_QUOTE = CH.SQUOTE | CH.DQUOTE; // ' "
export const C_BRACE = CH.LBRACE; // { or }
export const C_EQ = CH.EQ;

const LOOKALIKE = /[\u560a\u560d]/;
const PLAIN = ~C_BREAK;

let lastValue: string | null = null;
let mask = 0;
/** For `lastValue`: 0 = look-alikes not looked up yet, 1 = none, 2 = present. */
let lookalike = 0;

/**
 * The subset of `wanted` (C_* bits) whose characters occur in `v`. `chMask`, when the
 * caller has it, is `charMask(v)` (the engine's mask given to prefilters).
 */
export function census(v: string, wanted: number, chMask = -1): number {
  if (v !== lastValue) {
    lastValue = v;
    mask = chMask === -1 ? charMask(v) : chMask;
    lookalike = 0;
  }
  let r = mask & wanted & PLAIN;
  if ((wanted & C_BREAK) !== 0) {
    if ((mask & CH.NEWLINE) !== 0) r |= C_BREAK;
    else if ((mask & CH.NONASCII) !== 0) {
      if (lookalike === 0) lookalike = LOOKALIKE.test(v) ? 2 : 1;
      if (lookalike === 2) r |= C_BREAK;
    }
  }
  return r;
}

/**
 * Called by a prefilter with the engine's mask, so that the `detect` the engine runs
 * next on the same value finds it in the memo instead of scanning the value again
 * (a 64 KiB value costs a third of a millisecond to scan).
 */
export function remember(v: string, chMask: number): void {
  if (v !== lastValue) {
    lastValue = v;
    mask = chMask;
    lookalike = 0;
  }
}

/** The mask `remember` was given for `v`, or -1 when `v` is not the value remembered. */
export function rememberedMask(v: string): number {
  return v === lastValue ? mask : -1;
}

/** `charMask(v)`, memoised with the census (for `detect`, which has no mask). */
export function maskOf(v: string): number {
  if (v !== lastValue) {
    lastValue = v;
    mask = charMask(v);
    lookalike = 0;
  }
  return mask;
}

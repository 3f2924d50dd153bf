/**
 * Finding line breaks the way a downstream parser would see them. A header or mail
 * injection needs the victim to end a line where the attacker chose; the ways a value can
 * carry such an end of line are:
 *  - a real CR (U+000D) or LF (U+000A), after percent-decoding (RFC 9112 §2.2: a bare LF
 *    or even a bare CR ends a line for many parsers);
 *  - a "Unicode" look-alike whose low byte is CR or LF (U+560D 嘍, U+560A 嘊): servers
 *    that truncate UTF-16 code units to bytes when writing headers turn them into CR/LF;
 *  - a textual escape (`\r`, `\n`, `\u000d`, `\x0a`) that a template or JSON layer
 *    unescapes later;
 *  - an XML/HTML character reference (`&#13;`, `&#x0a;`) in a body no parser decoded yet.
 * Only the first kind is unambiguous; the callers weigh the others by what follows.
 */

import { CH } from "../charmask.js";
import { C_BREAK, census } from "./census.js";

export const BREAK_REAL = 0;
export const BREAK_UNICODE = 1;
export const BREAK_ESCAPE = 2;
export const BREAK_ENTITY = 3;

/** One run of consecutive line breaks, filled in place to keep the hot path allocation-free. */
export interface BreakRun {
  /** Index of the first character of the run. */
  start: number;
  /** Index just after the run: where the injected line begins. */
  end: number;
  /** Kind of the first break of the run (BREAK_*). */
  kind: number;
  /** Number of line ends in the run (CRLF counts once): 2 or more means a blank line. */
  lines: number;
  /** How many breaks of the run were Unicode look-alikes. */
  unicode: number;
}

export function newRun(): BreakRun {
  return { start: -1, end: -1, kind: BREAK_REAL, lines: 0, unicode: 0 };
}

const U_CR = 0x560d;
const U_LF = 0x560a;

/**
 * Length of the break starting at `i`, or 0 when none starts there. `isCr` is set in
 * `out[0]` (1 for a CR-like break) so that CRLF can be counted as one line end.
 */
function breakAt(v: string, i: number, kindOut: number[]): number {
  const c = v.charCodeAt(i);
  if (c === 10 || c === 13) {
    kindOut[0] = BREAK_REAL;
    kindOut[1] = c === 13 ? 1 : 0;
    return 1;
  }
  if (c === U_CR || c === U_LF) {
    kindOut[0] = BREAK_UNICODE;
    kindOut[1] = c === U_CR ? 1 : 0;
    return 1;
  }
  if (c === 92 /* \ */) {
    const n = v.charCodeAt(i + 1);
    if (n === 110 /* n */ || n === 114 /* r */) {
      kindOut[0] = BREAK_ESCAPE;
      kindOut[1] = n === 114 ? 1 : 0;
      return 2;
    }
    if (n === 117 /* u */) {
      // \u000d \u000a \u560d \u560a
      const a = v.charCodeAt(i + 2);
      const b = v.charCodeAt(i + 3);
      const d = v.charCodeAt(i + 4);
      const e = v.charCodeAt(i + 5) | 0x20;
      const zeroes = a === 48 && b === 48 && d === 48;
      const u56 = a === 53 && b === 54 && d === 48;
      if ((zeroes || u56) && (e === 97 || e === 100)) {
        kindOut[0] = BREAK_ESCAPE;
        kindOut[1] = e === 100 ? 1 : 0;
        return 6;
      }
      return 0;
    }
    if (n === 120 /* x */ && v.charCodeAt(i + 2) === 48) {
      const e = v.charCodeAt(i + 3) | 0x20;
      if (e === 97 || e === 100) {
        kindOut[0] = BREAK_ESCAPE;
        kindOut[1] = e === 100 ? 1 : 0;
        return 4;
      }
    }
    return 0;
  }
  if (c === 38 /* & */ && v.charCodeAt(i + 1) === 35 /* # */) return entityAt(v, i, kindOut);
  return 0;
}

/** `&#10;` `&#13;` `&#x0a;` `&#xD;` (leading zeroes allowed, as XML 1.0 §4.1 permits). */
function entityAt(v: string, i: number, kindOut: number[]): number {
  let j = i + 2;
  const hex = (v.charCodeAt(j) | 0x20) === 120;
  if (hex) j++;
  const limit = j + 8;
  while (j < limit && v.charCodeAt(j) === 48) j++;
  let val = -1;
  const c = v.charCodeAt(j);
  if (hex) {
    const l = c | 0x20;
    if (l === 97) val = 10;
    else if (l === 100) val = 13;
    j++;
  } else if (c === 49) {
    const d = v.charCodeAt(j + 1);
    if (d === 48) val = 10;
    else if (d === 51) val = 13;
    j += 2;
  }
  if (val === -1 || v.charCodeAt(j) !== 59 /* ; */) return 0;
  kindOut[0] = BREAK_ENTITY;
  kindOut[1] = val === 13 ? 1 : 0;
  return j + 1 - i;
}

const scratch = [0, 0];
/** Where `breakAt` can find something: the first characters of each kind of break. */
const CANDIDATE = /[\n\r\u560a\u560d]|\\[nrux]|&#/g;
/** `\r` `\n` `\u…` `\x…`: the escapes that may spell a break. */
const ESCAPE = /\\[nrux]/;
/** Any of the above: the same set as CANDIDATE (no `g`: no state). */
const ANY_BREAK = /[\n\r\u560a\u560d]|\\[nrux]|&#/;

/**
 * Finds the next run of breaks at or after `from`; fills `run` and returns true, or
 * returns false when there is none. Only characters that can start a break are examined.
 */
export function nextBreak(v: string, from: number, run: BreakRun): boolean {
  const n = v.length;
  // Native search for the next place a break can start (JSON values are full of `\"`,
  // which a per-character loop would stop at); `lastIndex` is just past the candidate,
  // which is one character long when it is a CR/LF (or look-alike), two otherwise.
  CANDIDATE.lastIndex = from;
  while (CANDIDATE.test(v)) {
    const after = CANDIDATE.lastIndex;
    const last = v.charCodeAt(after - 1);
    const i = last === 10 || last === 13 || last === U_CR || last === U_LF ? after - 1 : after - 2;
    const len = breakAt(v, i, scratch);
    if (len === 0) continue;
    run.start = i;
    run.kind = scratch[0]!;
    run.unicode = run.kind === BREAK_UNICODE ? 1 : 0;
    let lines = 1;
    let prevCr = scratch[1] === 1;
    let j = i + len;
    // Consume the whole run; CR immediately followed by LF is one line end.
    for (let guard = 0; j < n && guard < 64; guard++) {
      const l = breakAt(v, j, scratch);
      if (l === 0) break;
      const isCr = scratch[1] === 1;
      if (!(prevCr && !isCr)) lines++;
      if (scratch[0] === BREAK_UNICODE) run.unicode++;
      prevCr = isCr;
      j += l;
    }
    run.end = j;
    run.lines = lines;
    return true;
  }
  return false;
}

/**
 * Mask bits one of which `mayHaveBreak` needs: CR/LF, non-ASCII (look-alikes), `&` (of
 * `&#`), `\` (of `\n`…). For detectors' `needs`.
 */
export const BREAK_NEEDS = CH.NEWLINE | CH.NONASCII | CH.AMP | CH.BACKSLASH;

/** True when the value holds anything `nextBreak` could report (cheap, for prefilters). */
export function mayHaveBreak(v: string, m = -1): boolean {
  // Without the engine's mask (in `detect`), one native search answers exactly.
  if (m === -1) return ANY_BREAK.test(v);
  if ((m & CH.NEWLINE) !== 0) return true;
  if ((m & CH.NONASCII) !== 0 && census(v, C_BREAK, m) !== 0) return true;
  if ((m & (CH.AMP | CH.HASH)) === (CH.AMP | CH.HASH) && v.indexOf("&#") !== -1) return true;
  // Backslashes are common (escaped quotes); only `\r` `\n` `\u…` `\x…` can be breaks.
  return (m & CH.BACKSLASH) !== 0 && ESCAPE.test(v);
}

/** True when `v[from, to)` holds no space or tab: a single token, not a sentence. */
export function isTokenish(v: string, from: number, to: number): boolean {
  if (to - from > 256) return false;
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i);
    if (c === 32 || c === 9) return false;
  }
  return true;
}

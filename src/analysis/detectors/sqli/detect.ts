/**
 * One string through the SQL reading: tokenized from up to three starting contexts —
 * bare, inside a `'…'` string, inside a `"…"` string — since the detector cannot know how
 * the application quotes it (libinjection's approach), each stream read by the grammar
 * and judged by the rules. Contexts that cannot fire are skipped cheaply first.
 */
import type { DetectorMatch } from "../types.js";
import { isAsciiLetter, isOperatorChar, isSqlSpace } from "./chars.js";
import { rawFragment } from "./fragment.js";
import { FRAGMENT_MAX } from "./fragment-vocab.js";
import { read } from "./grammar.js";
import { WordClass, wordClass } from "./keywords.js";
import { Memo } from "./memo.js";
import { ANYWHERE, BARE, prefilterFlags } from "./prefilter.js";
import { judge } from "./rules.js";
import { type StartQuote, tokenize } from "./tokenizer.js";
import { anchorPositions } from "./windows.js";

/** Contexts tried, in order: bare first (its signs are the most specific). */
const CONTEXTS: readonly StartQuote[] = [0, 39, 34];

/** Runs the tokenizer and rules over one string; null when nothing fires. */
export function detectSqli(value: string, rawPairs = false): DetectorMatch | null {
  if (value.length > LONG_VALUE) return detectWindows(value, rawPairs);
  // The reading is a pure function of (value, rawPairs): repeats reuse the first answer
  // (memo.ts). `NONE` stands for a remembered null.
  const memo = rawPairs ? RAW_MEMO : MEMO;
  const known = memo.get(value);
  if (known !== undefined) return known === NONE ? null : known;
  const m = detectText(value, rawPairs);
  memo.set(value, m ?? NONE);
  return m;
}

/**
 * Remembered answers for values up to LONG_VALUE characters, read whole and as pairs: at
 * most 2 × 2048 values and 2 × 256 Ki characters (about 1 MiB) per thread, and a quarter
 * of that for whole query strings and bodies.
 */
const MEMO = new Memo<DetectorMatch>(2048, 256 * 1024);
const RAW_MEMO = new Memo<DetectorMatch>(512, 64 * 1024);
const NONE: DetectorMatch = Object.freeze({ signature: "", start: 0, end: 0 });

/**
 * Values longer than this (64 KiB JSON texts, HTML, bundles exist in real traffic) are
 * not read whole in every context: only windows around the places an injection shows
 * itself (windows.ts) are, so the cost follows what the value holds, not its length.
 */
const LONG_VALUE = 1024;
/** Characters read before and after an anchor. */
const BEFORE = 96;
const AFTER = 192;
/** At most this many windows per value: a bound on the work, whatever the value. */
const MAX_WINDOWS = 8;

function detectWindows(value: string, rawPairs: boolean): DetectorMatch | null {
  const n = value.length;
  let coveredTo = -1;
  let count = 0;
  const anchors = anchorPositions(value, 64);
  for (const at of anchors) {
    if (count >= MAX_WINDOWS) break;
    // An anchor well inside the previous window was read with it.
    if (at + 32 < coveredTo) continue;
    let a = Math.max(0, at - BEFORE);
    let z = Math.min(n, at + AFTER);
    // Keep a window longer than the SQL-density tier reads, which is meant for whole
    // values only (a cut piece of prose must not look like a fragment).
    if (z - a <= FRAGMENT_MAX) {
      if (a === 0) z = Math.min(n, FRAGMENT_MAX + 1);
      else a = Math.max(0, z - FRAGMENT_MAX - 1);
    }
    count++;
    coveredTo = z;
    const m = detectText(value.slice(a, z), rawPairs);
    if (m !== null) return { signature: m.signature, start: m.start + a, end: Math.min(n, m.end + a) };
  }
  return null;
}

function detectText(value: string, rawPairs: boolean): DetectorMatch | null {
  const flags = prefilterFlags(value);
  if (!rawPairs) {
    const f = rawFragment(value);
    if (f !== null) return { signature: `sqli.${f.sign}`, start: 0, end: Math.min(value.length, 64) };
  }
  for (const ctx of CONTEXTS) {
    if (ctx === 0) {
      // A value that passed the gate only for its quotes has nothing for a bare reading.
      if ((flags & BARE) === 0) continue;
    } else {
      const q = value.indexOf(ctx === 39 ? "'" : '"');
      if (q === -1) continue;
      // Most quotes in ordinary text are apostrophes followed by more of a word
      // (`daily.dev's`): unless a sign that stands anywhere may be present, read the
      // context only when what follows the break could be SQL.
      if ((flags & ANYWHERE) === 0 && !sqlMayFollowBreak(value, ctx)) continue;
    }
    const tokens = tokenize(value, ctx);
    if (tokens === null || tokens.length === 0) continue;
    const r = read(tokens);
    const v = judge(r, ctx, value, rawPairs);
    if (v !== null) {
      const t = r.sig[v.at];
      const start = t?.start ?? 0;
      return { signature: `sqli.${v.sign}`, start, end: Math.min(value.length, start + 64) };
    }
  }
  return null;
}

/**
 * After the first `ctx` quote (the break), skipping what the tokenizer skips (its spaces)
 * and `)`: what can open a sign read after a break (rules-break.ts afterBreak), which
 * needs the first token there to be a comment (`#`, `--`, `/*`), `;`, an operator, `(`,
 * or a word — of which only SQL keywords (and `isnull`) count. A cheap look before the
 * full tokenizer; signs that stand anywhere are gated by the ANYWHERE flag instead
 * (detectText). Digits, quotes, brackets, `,`, `.`, `$`, `_`, `\` and characters beyond
 * ASCII open none (a number, a string, a name or punctuation, after which afterBreak has
 * nothing to read): binary bodies and texts where a quote is followed by those are no
 * longer tokenized in the quoted contexts for nothing.
 */
export function sqlMayFollowBreak(value: string, ctx: number): boolean {
  const n = value.length;
  let i = 0;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === ctx) {
      if (value.charCodeAt(i + 1) === ctx) {
        i++;
        continue;
      }
      break;
    }
  }
  if (i >= n) return false;
  let j = i + 1;
  while (j < n && j - i < 64) {
    const c = value.charCodeAt(j);
    if (c === 41 || isSqlSpace(c)) j++;
    else break;
  }
  if (j >= n) return false;
  if (j - i >= 64) return true;
  const c = value.charCodeAt(j);
  if (!isAsciiLetter(c)) return mayOpenAfterBreak(c, value.charCodeAt(j + 1));
  let k = j;
  while (k < n && k - j < 25 && isAsciiLetter(value.charCodeAt(k))) k++;
  if (k - j > 24 || k - j < 2) return false;
  const word = value.slice(j, k).toLowerCase();
  // `isnull` is a function name, not a keyword, but after a break it is PostgreSQL's
  // and SQLite's postfix NULL test (rules-break.ts reads `x' isnull--` as `notnull`).
  return wordClass(word) !== WordClass.Plain || word === "isnull";
}

/**
 * A character that starts a comment, `;`, an operator (`@>` and the `?` forms included)
 * or `(`: the tokens other than words after which afterBreak may find a sign.
 */
function mayOpenAfterBreak(c: number, next: number): boolean {
  return isOperatorChar(c) || c === 35 || c === 40 || c === 59 || c === 63 || (c === 64 && next === 62);
}

/**
 * Where in a long value an injection may show itself (detect.ts reads windows around
 * these places instead of the whole value): a word that fires on its own, a quote
 * followed by what continues a query outside the string, a logic word followed by an
 * operand, a comment, a `;` before a statement, a function name before `(`.
 */
import { STATEMENTS } from "./keywords.js";
import { alwaysWords, familyWords } from "./triggers.js";

const letters = (w: string) => /^[a-z_]+$/.test(w);

function alternation(words: readonly string[]): string {
  return [...new Set(words)]
    .filter(letters)
    .sort((a, b) => b.length - a.length)
    .join("|");
}

/** Words that continue a query after a quote or `)` closes what the application opened. */
export const AFTER_BREAK = [
  "or",
  "and",
  "xor",
  "union",
  "having",
  "where",
  "order",
  "group",
  "limit",
  "procedure",
  "into",
  "like",
  "rlike",
  "regexp",
  "div",
];

/** Words that fire anywhere, the logic words before an operand, the functions called. */
export const ANYWHERE_WORDS = [...alwaysWords(), "union", "into", "procedure"];
export const LOGIC_OPERAND_WORDS = ["or", "and", "xor", "not"];
export const CALL_WORDS = familyWords().calls;

const RUN_END = "(?![A-Za-z_])";

/**
 * The anchors, one alternation in two groups by their first character. Words, behind one
 * look-behind: a word that fires anywhere; a logic word followed by an operand; a
 * function called. Punctuation: a quote followed by a word that continues the query or
 * by a comment that ends it (`'--`, `"/*`); the same words after `)`; an inline comment;
 * a statement after `;`. Not `#`, `;` or an operator after a quote: JSON and HTML texts
 * are full of `"#242424"`, `";` and `'>`, and a window cut from them must not read as a
 * break.
 *
 * Grouped so, the expression costs ~6 ns per character instead of ~10 as seven separate
 * branches (the look-behind and the `\s{0,8}` after a quote are tried once per
 * position, not three and two times). The matches are the same: the two groups start
 * with disjoint characters (a letter; a quote, `)`, `/` or `;`), so at any position only
 * one group can match and their order does not matter; within the word group the order
 * is kept; after a quote, only one count of spaces leaves a letter, `-` or `/` next, so
 * trying the word and the comments under one `\s{0,8}` finds what the separate branches
 * found. (windows.test.ts holds it to the seven-branch form.)
 */
const WORD_GROUP = [
  `(?:${alternation(ANYWHERE_WORDS)})${RUN_END}`,
  `(?:${alternation(LOGIC_OPERAND_WORDS)})\\s{1,8}[(@0-9'"]`,
  `(?:${alternation(CALL_WORDS)})\\s{0,8}\\(`,
].join("|");

const SOURCE = [
  `(?<![A-Za-z_])(?:${WORD_GROUP})`,
  `['"\x60]\\s{0,8}(?:(?:${alternation(AFTER_BREAK)})${RUN_END}|--|/\\*)`,
  `\\)\\s{0,8}(?:${alternation(AFTER_BREAK)})${RUN_END}`,
  `/\\*`,
  `;\\s{0,8}(?:${alternation(STATEMENTS)})${RUN_END}`,
].join("|");

// safe-regex: an alternation of branches, each plain lower-case words between
// single-character lookarounds or bounded `\s{0,8}` runs next to disjoint atoms
// (quotes, operators, `(`): no nested or unbounded quantifier.
const ANCHOR = new RegExp(SOURCE, "gi");

/** Start offsets of up to `max` anchors in `v`, in order. */
export function anchorPositions(v: string, max: number): number[] {
  const out: number[] = [];
  ANCHOR.lastIndex = 0;
  for (let m = ANCHOR.exec(v); m !== null && out.length < max; m = ANCHOR.exec(v)) {
    out.push(m.index);
    if (m[0].length === 0) ANCHOR.lastIndex++;
  }
  ANCHOR.lastIndex = 0;
  return out;
}

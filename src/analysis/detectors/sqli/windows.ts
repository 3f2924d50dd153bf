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

const AFTER_BREAK = [
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

const SOURCE = [
  // A word that fires anywhere.
  `(?<![A-Za-z_])(?:${alternation([...alwaysWords(), "union", "into", "procedure"])})(?![A-Za-z_])`,
  // A quote (or a closing parenthesis) and a word that continues the query.
  `['"\x60)]\\s{0,8}(?:${alternation(AFTER_BREAK)})(?![A-Za-z_])`,
  // A quote followed by a comment that ends the query (`'--`, `"/*`). Not `#`, `;` or
  // an operator: JSON and HTML texts are full of `"#242424"`, `";` and `'>`, and a
  // window cut from them must not read as a break.
  `['"\x60]\\s{0,8}(?:--|/\\*)`,
  // A logic word followed by an operand.
  `(?<![A-Za-z_])(?:or|and|xor|not)\\s{1,8}[(@0-9'"]`,
  // An inline comment; a statement after \x60;\x60; a function called.
  `/\\*`,
  `;\\s{0,8}(?:${alternation(STATEMENTS)})(?![A-Za-z_])`,
  `(?<![A-Za-z_])(?:${alternation(familyWords().calls)})\\s{0,8}\\(`,
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

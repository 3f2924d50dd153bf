/**
 * Long values are read in windows around anchors (detect.ts, windows.ts): an injection
 * padded with ordinary text must still be found, and long ordinary texts (prose, JSON
 * with colours and HTML) must stay clean.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { detectSqli } from "./detect.js";
import { STATEMENTS } from "./keywords.js";
import { AFTER_BREAK, ANYWHERE_WORDS, anchorPositions, CALL_WORDS, LOGIC_OPERAND_WORDS } from "./windows.js";

/** The anchors as seven separate branches (the form windows.ts groups for speed). */
function alternation(words: readonly string[]): string {
  return [...new Set(words)]
    .filter((w) => /^[a-z_]+$/.test(w))
    .sort((a, b) => b.length - a.length)
    .join("|");
}
// safe-regex: the anchor expression of windows.ts before grouping (test reference only).
const SEVEN_BRANCHES = new RegExp(
  [
    `(?<![A-Za-z_])(?:${alternation(ANYWHERE_WORDS)})(?![A-Za-z_])`,
    `['"\x60)]\\s{0,8}(?:${alternation(AFTER_BREAK)})(?![A-Za-z_])`,
    `['"\x60]\\s{0,8}(?:--|/\\*)`,
    `(?<![A-Za-z_])(?:${alternation(LOGIC_OPERAND_WORDS)})\\s{1,8}[(@0-9'"]`,
    `/\\*`,
    `;\\s{0,8}(?:${alternation(STATEMENTS)})(?![A-Za-z_])`,
    `(?<![A-Za-z_])(?:${alternation(CALL_WORDS)})\\s{0,8}\\(`,
  ].join("|"),
  "gi",
);

function sevenBranchAnchors(v: string, max: number): number[] {
  const out: number[] = [];
  SEVEN_BRANCHES.lastIndex = 0;
  for (let m = SEVEN_BRANCHES.exec(v); m !== null && out.length < max; m = SEVEN_BRANCHES.exec(v))
    out.push(m.index);
  return out;
}

const PROSE = "The quick brown fox jumps over the lazy dog, again and again. ".repeat(40);
const JSONISH = JSON.stringify({
  theme: { fg: "#1e1e1e", bg: "#fafafa" },
  html: "<b class='x'>hi</b>",
  n: [1, 2],
}).repeat(25);

const PAYLOADS = [
  "7' UNION ALL SELECT name, pass FROM accounts-- ",
  "abc' OR 2=2-- ",
  "5; DROP TABLE orders",
  "x' or 'b'='b",
  "'/**/or/**/3=3#",
];

describe("sqli windows over long values", () => {
  for (const p of PAYLOADS) {
    it(`finds ${JSON.stringify(p)} after, before and inside padding`, () => {
      assert.notEqual(detectSqli(PROSE + p), null);
      assert.notEqual(detectSqli(`${p} ${PROSE}`), null);
    });
  }
  // Inside a text full of other quotes only the signs that stand anywhere are expected
  // (the whole-value reading could not place the break either).
  for (const p of [PAYLOADS[0]!, PAYLOADS[2]!]) {
    it(`finds ${JSON.stringify(p)} inside a JSON text`, () => {
      assert.notEqual(detectSqli(JSONISH + p + JSONISH), null);
    });
  }
  it("leaves long ordinary texts alone", () => {
    assert.equal(detectSqli(PROSE), null);
    assert.equal(detectSqli(JSONISH), null);
    assert.equal(detectSqli(`Please select a size and update your order. ${PROSE}`), null);
  });
  it("bounds the anchors it returns", () => {
    const many = "select ".repeat(5000);
    assert.equal(anchorPositions(many, 64).length, 64);
    assert.deepEqual(anchorPositions("nothing here at all", 64), []);
  });
  it("reads a 64 KiB JSON text quickly", () => {
    const big = JSONISH.repeat(Math.ceil(65536 / JSONISH.length)).slice(0, 65536);
    const t = performance.now();
    for (let i = 0; i < 10; i++) detectSqli(big);
    assert.ok((performance.now() - t) / 10 < 20, "under 20 ms per read even on a loaded machine");
  });
  // Grouping the branches must not change what is found: same anchors, same order,
  // same cut at `max`.
  const PIECES = [
    "'",
    '"',
    "`",
    ")",
    "(",
    "/",
    "*",
    "-",
    ";",
    " ",
    "\t",
    "\u00a0",
    "\u2028",
    "é",
    "ſ",
    "1",
    "@",
    "_",
    "x",
    "or",
    "OR",
    "and",
    "xor",
    "not",
    "union",
    "UNION",
    "select",
    "into",
    "sleep",
    "benchmark",
    "procedure",
    "where",
    "like",
    "order",
    "drop",
    "exec",
    "information_schema",
    "pg_sleep",
    "waitfor",
    "load_file",
    "char",
    "count",
    "concat",
    "orx",
    "xor_",
    "_or",
    "selected",
    "--",
    "/*",
  ];
  it("finds what the seven separate branches find (property)", () => {
    const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join(""));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 6 }), (v, max) => {
        assert.deepEqual(anchorPositions(v, max), sevenBranchAnchors(v, max));
        assert.deepEqual(anchorPositions(v, 64), sevenBranchAnchors(v, 64));
      }),
      { numRuns: 3000 },
    );
  });
  it("finds what the seven separate branches find in long texts", () => {
    for (const v of [PROSE, JSONISH, `${PROSE}${PAYLOADS.join(" ")}${JSONISH}`, PAYLOADS.join(" ")])
      assert.deepEqual(anchorPositions(v, 64), sevenBranchAnchors(v, 64));
  });
});

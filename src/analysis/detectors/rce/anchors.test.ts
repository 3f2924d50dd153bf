import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ANCHORS, ANY_WORDS, anchorFamilies, hasAnchorWord, PLAIN_WORDS, WORD_WORDS } from "./anchors.js";

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const words = ANCHORS.flatMap(([, w]) => w);
/** The reference: one case-insensitive alternation of the subset's words. */
const alternation = (accept: (w: string) => boolean): RegExp =>
  // safe-regex: an alternation of escaped literal keywords, no quantifier.
  new RegExp(words.filter(accept).map(escapeRe).join("|"), "i");
const SUBSETS: [string, Uint8Array, RegExp][] = [
  ["plain", PLAIN_WORDS, alternation((w) => /^[a-z0-9_.:,=+/-]+$/.test(w))],
  ["word", WORD_WORDS, alternation((w) => /^[a-z0-9_,=+/-]+$/.test(w))],
  ["any", ANY_WORDS, alternation(() => true)],
];

/** Strings made of pieces of anchor words, their neighbours and case changes. */
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(...words),
      fc.constantFrom(...words).map((w) => w.slice(0, Math.max(1, w.length - 1))),
      fc.constantFrom(...words).map((w) => w.toUpperCase()),
      fc.string({ maxLength: 4 }),
      fc.constantFrom(".", ":", "-", "_", "/", "(", "ſ", "K", "é"),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(""));

describe("rce anchor automaton", () => {
  for (const [name, table, re] of SUBSETS) {
    it(`finds the ${name} words exactly where their regular expression does`, () => {
      fc.assert(
        fc.property(text, fc.nat(6), (v, from) => {
          const f = Math.min(from, v.length);
          assert.equal(hasAnchorWord(v, f, table), re.test(v.slice(f)), JSON.stringify([v, f]));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it("agrees with the family scan on whether any anchor is there", () => {
    fc.assert(
      fc.property(text, (v) => {
        assert.equal(hasAnchorWord(v, 0, ANY_WORDS), anchorFamilies(v) !== 0);
      }),
      { numRuns: 2000 },
    );
  });
});

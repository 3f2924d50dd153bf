/**
 * The gate's shortcuts must answer what its full scan answers. On values without a
 * letter (no trigger word, no function name, no `.e.`, no `@@name`) every reason the gate
 * has is one the scan reads too, so the two must agree exactly — which holds the
 * native-search shortcut for operators (`fragmentOperator`) to the scan it replaces.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { charMask } from "../charmask.js";
import { PASS, prefilterFlags, sqliPrefilter } from "./prefilter.js";

const PIECES = [
  "=",
  "==",
  "<",
  ">",
  "<=",
  "<>",
  "!=",
  "!",
  "~",
  "~*",
  "@",
  "@>",
  "->",
  "-",
  "?",
  "^",
  "1",
  "0",
  "9",
  ".",
  ",",
  "/",
  "*",
  "+",
  "%",
  "#",
  ";",
  "(",
  ")",
  "[",
  "]",
  "|",
  "&",
  ":",
  " ",
  "\t",
  "\u00a0",
  "é",
  "中",
  "2147483648",
];

describe("sqli gate", () => {
  it("agrees with its full scan on values without letters (property)", () => {
    const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((a) => a.join(""));
    fc.assert(
      fc.property(text, (v) => {
        const scan = v.length >= 2 && (prefilterFlags(v) & PASS) !== 0;
        assert.equal(sqliPrefilter(v, charMask(v)), scan, JSON.stringify(v));
        assert.equal(sqliPrefilter(v), scan, JSON.stringify(v));
      }),
      { numRuns: 5000 },
    );
  });
  it("lets SQL-only operators through and leaves padding and addresses alone", () => {
    for (const v of ["1=1", "a<=b", "x!=y", "1 <> 2", "p->q", "@>", "dGVzdA=="]) {
      const expected = v !== "dGVzdA==";
      assert.equal(sqliPrefilter(v, charMask(v)), expected, v);
    }
    assert.equal(sqliPrefilter("ana@example.org", charMask("ana@example.org")), false);
  });
  it("lets through the operators that pass alone and `1.e.name`, wherever they stand", () => {
    for (const v of ["a--b", "x/*y", "p||q", "m&&n", "t::int", "id 1.e.tables", "v2-x::y", "a.b 2.e.users"])
      assert.equal(sqliPrefilter(v, charMask(v)), true, v);
    for (const v of ["a-b-c", "x/y*z", "p|q", "m&n", "t:int", "see 1.e.g.", "e.e.e", "1.e.x"])
      assert.equal(sqliPrefilter(v, charMask(v)), false, v);
  });
});

/**
 * The quoted contexts are skipped (detect.ts) when no sign that stands anywhere may fire
 * (the ANYWHERE flag) and what follows the break cannot open a sign read after it
 * (`sqlMayFollowBreak`). Skipping must lose nothing: whenever the look says no, reading
 * the context in full finds nothing either.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { detectSqli, sqlMayFollowBreak } from "./detect.js";
import { read } from "./grammar.js";
import { ANYWHERE, prefilterFlags } from "./prefilter.js";
import { judge } from "./rules.js";
import { tokenize } from "./tokenizer.js";

const PIECES = [
  "'",
  '"',
  "''",
  ")",
  "(",
  ";",
  " ",
  "\u0000",
  "\u2003",
  "\u00a0",
  "\t",
  "1",
  "0x41",
  ".",
  ",",
  "[",
  "]",
  "$",
  "_",
  "\\",
  "é",
  "\u001f",
  "\ufffd",
  "#",
  "--",
  "-",
  "/*",
  "*/",
  "/*!",
  "=",
  "<",
  ">",
  "!=",
  "!",
  "~",
  "@",
  "@>",
  "?",
  "?|",
  "&",
  "&&",
  "|",
  "||",
  "+",
  "*",
  ":",
  "::",
  "or",
  "OR",
  "and",
  "not",
  "like",
  "in",
  "union",
  "select",
  "from",
  "where",
  "order",
  "by",
  "having",
  "into",
  "sleep(5)",
  "1=1",
  "'a'='a",
  "null",
  "notnull",
  "isnull",
  "admin",
];

describe("sqli quoted contexts", () => {
  it("are skipped only where reading them finds nothing (property)", () => {
    const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((a) => a.join(""));
    let skipped = 0;
    fc.assert(
      fc.property(text, (v) => {
        if ((prefilterFlags(v) & ANYWHERE) !== 0) return;
        for (const ctx of [39, 34] as const) {
          if (v.indexOf(ctx === 39 ? "'" : '"') === -1 || sqlMayFollowBreak(v, ctx)) continue;
          skipped++;
          const tokens = tokenize(v, ctx);
          if (tokens === null || tokens.length === 0) continue;
          assert.equal(judge(read(tokens), ctx, v), null, `${JSON.stringify(v)} in context ${ctx}`);
        }
      }),
      { numRuns: 20000 },
    );
    assert.ok(skipped > 1000, "the generator reaches skipped contexts");
  });
  it("still reads breaks followed by an operator, a comment, `;`, `(` or a keyword", () => {
    for (const v of [
      "x'--",
      "x' or 1=1",
      "x')) or ('a'='a",
      "x'; drop table t",
      "x'=1 or '1",
      "x'\u0000or 1=1",
    ])
      assert.equal(sqlMayFollowBreak(v, 39), true, v);
    for (const v of ["it's 12", "'1','2'", "x'[0]", "l'été", "'$1'"])
      assert.equal(sqlMayFollowBreak(v, 39), false, v);
    assert.notEqual(detectSqli("admin'--"), null);
    assert.notEqual(detectSqli("1' or '1'='1"), null);
  });
});

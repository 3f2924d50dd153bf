import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { detectSqli } from "./index.js";

const sign = (v: string) => detectSqli(v)?.signature ?? null;

describe("sqli SQL-density tier", () => {
  it("names the fragment it saw", () => {
    assert.equal(sign("group_concat("), "sqli.fragment-function");
    assert.equal(sign("select char("), "sqli.fragment-function");
    assert.equal(sign("<=>"), "sqli.fragment-operator");
    assert.equal(sign("is not null"), "sqli.fragment-operator");
    assert.equal(sign("3!=4"), "sqli.fragment-operator");
    assert.equal(sign("8=8"), "sqli.tautology");
    assert.equal(sign(") as n from"), "sqli.fragment-clause");
    assert.equal(sign("GROUP by"), "sqli.fragment-clause");
    assert.equal(sign("tempdb"), "sqli.catalog-name");
    assert.equal(sign("'sp_password'"), "sqli.catalog-name");
    assert.equal(sign("DR/**/OP tbl"), "sqli.comment-obfuscation");
    assert.equal(sign("`>12"), "sqli.fragment-break");
    assert.equal(sign("2.e(ascii(x))"), "sqli.number-glue");
    assert.equal(sign("18446744073709551616"), "sqli.integer-overflow");
    assert.equal(sign("x /*!40100union*/ y"), "sqli.versioned-comment");
  });

  it("keeps ordinary words that are also SQL functions clean unless the whole value is the fragment", () => {
    assert.equal(sign("time("), "sqli.fragment-function");
    for (const v of [
      "time",
      "time (UTC)",
      "log(x)",
      "round(3.7)",
      "left",
      "replace all",
      "values",
      "date 2024",
    ])
      assert.equal(sign(v), null, v);
  });

  it("keeps prose around SQL words clean", () => {
    for (const v of [
      "Order by price",
      "order by newest first",
      "case when in doubt",
      "known as Bob from accounting",
      "from home where I work",
      "Create table of contents",
      "drop shipping",
      "is it null or empty?",
      "concat(a, b) is handy",
      "/*! For license information see app.js.LICENSE.txt */",
    ])
      assert.equal(sign(v), null, v);
  });

  it("never throws on short SQL-shaped input", () => {
    const piece = fc.constantFrom(
      "(",
      ")",
      " ",
      "'",
      '"',
      "`",
      ";",
      ",",
      "=",
      "<=>",
      "!=",
      "~",
      ">",
      "?|",
      "[",
      "]",
      "/**/",
      "/*!5",
      ".e(",
      "1",
      "x",
      "or",
      "xor",
      "is",
      "not",
      "null",
      "as",
      "from",
      "order",
      "by",
      "case",
      "when",
      "then",
      "select",
      "drop",
      "table",
      "concat",
      "date",
      "values",
      "array",
      "set",
      "@a",
      "::int",
      "msdb",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        detectSqli(parts.join(""));
        detectSqli(parts.join(" "));
      }),
      { numRuns: 3000 },
    );
  });
});

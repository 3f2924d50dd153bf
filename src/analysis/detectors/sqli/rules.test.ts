import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Point } from "../../../model/index.js";
import { charMask } from "../charmask.js";
import { detectSqli, sqliDetector } from "./index.js";

const sign = (v: string) => detectSqli(v)?.signature ?? null;

function point(value: string, over: Partial<Point> = {}): Point {
  return { steps: ["query", "q"], zone: "query", kind: "value", value, depth: 0, name: "q", ...over };
}

describe("sqli rules", () => {
  it("names the technique it saw", () => {
    assert.equal(sign("1 UNION SELECT 1,2--"), "sqli.union-select");
    assert.equal(sign("x' OR 'a'='a"), "sqli.tautology");
    assert.equal(sign("1;DROP TABLE t--"), "sqli.stacked-query");
    assert.equal(sign("1 AND sleep(5)"), "sqli.time-based");
    assert.equal(sign("1 AND extractvalue(1,concat(0x7e,user()))"), "sqli.error-based");
    assert.equal(sign("admin'--"), "sqli.comment-truncation");
    assert.equal(sign("1 ORDER BY 9--"), "sqli.clause-injection");
  });

  it("tells an apostrophe or a quotation from a break", () => {
    for (const v of ["O'Reilly", "I'm 5' tall", "token '<' unexpected", '"LIKE" STAMP', "it's 'or' nothing"])
      assert.equal(sign(v), null, v);
  });

  it("reads prose and pasted queries as such", () => {
    for (const v of [
      "select a product from the list",
      "Union Station",
      "select 1 from a",
      "7 AND A HALF",
      "black or white is best",
    ])
      assert.equal(sign(v), null, v);
  });

  it("scopes itself: structured browser headers are skipped, free-text ones read", () => {
    const v = "1' OR '1'='1";
    const header = (h: string) => point(v, { steps: ["header", h], zone: "header", header: h, name: h });
    assert.equal(sqliDetector.detect(header("accept-language")), null);
    assert.equal(sqliDetector.detect(header("sec-ch-ua")), null);
    assert.notEqual(sqliDetector.detect(header("user-agent")), null);
    assert.notEqual(sqliDetector.detect(header("x-custom")), null);
  });

  it("reads a name that holds an unsplit pair and a double-encoded name", () => {
    assert.notEqual(sqliDetector.detect(point("pay=AND 1=1--", { kind: "key" })), null);
    assert.notEqual(sqliDetector.detect(point("1%27%20or%20%271%27%3D%271/**/", { kind: "key" })), null);
  });

  it("reads ORM filter paths in parameter names", () => {
    const key = (v: string) => sqliDetector.detect(point(v, { kind: "key" }))?.signature ?? null;
    assert.equal(key("customer__account__email__startswith"), "sqli.orm-lookup");
    assert.equal(key("password__regex"), "sqli.orm-lookup");
    // The model's own field, list-filter lookups, and the same text as a value.
    assert.equal(key("title__icontains"), null);
    assert.equal(key("author__id__exact"), null);
    assert.equal(key("created__date__gte"), null);
    assert.equal(sqliDetector.detect(point("customer__account__email__startswith")), null);
  });

  it("reads TOP counts, select-list aliases, the simple CASE and system variables", () => {
    assert.equal(sign("(select top 1 pw from t)"), "sqli.subquery");
    assert.equal(sign("1 union select a as b from t"), "sqli.union-select");
    assert.equal(sign("case 1 when 2 then 3 end"), "sqli.fragment-clause");
    assert.equal(sign("@@version"), "sqli.system-variable");
    for (const v of ["union select best as of today", "@@d24831", "top 10 songs"])
      assert.equal(sign(v), null, v);
  });

  it("reads a UNION cut after a number, and collation names", () => {
    assert.equal(sign("-1 union"), "sqli.union-cut");
    assert.equal(sign("2 union all"), "sqli.union-cut");
    assert.equal(sign("x'collate nocase--"), "sqli.string-break-clause");
    assert.equal(sign('x\'collate U&"C"--'), "sqli.string-break-clause");
    for (const v of ["2 union all members", "x'collate foo--", "1 collate these documents"])
      assert.equal(sign(v), null, v);
  });

  it("reads probes of single functions and of MySQL's number gluing", () => {
    assert.equal(sign("md5("), "sqli.fragment-function");
    assert.equal(sign("div(23,-2)"), "sqli.fragment-function");
    assert.equal(sign("x 1.e.tables"), "sqli.number-glue");
    for (const v of ["mp3(", "div(a,b)", "1.e.g. this", "h264("]) assert.equal(sign(v), null, v);
  });

  it("reads signs that stray characters around a condition used to hide", () => {
    assert.equal(sign('or 8=8"'), "sqli.tautology");
    assert.equal(sign("q' notnull --"), "sqli.tautology");
    assert.equal(sign("q' isnull --"), "sqli.tautology");
    assert.equal(sign("abc' or ?--"), "sqli.tautology");
    assert.equal(sign("2='2' or-- x"), "sqli.tautology");
    assert.equal(sign("/f' (select version()) '"), "sqli.recon-call");
    assert.equal(sign("'\""), "sqli.quote-probe");
    for (const v of ["and that's it'", "Is it true or not?", "Tom's&Jerry--", ", max(price)"])
      assert.equal(sign(v), null, v);
  });

  it("never flags what its prefilter drops, on SQL-shaped input in every zone", () => {
    const frag = fc.constantFrom(
      "'",
      '"',
      "`",
      " ",
      "(",
      ")",
      ",",
      ";",
      "=",
      "<",
      ">",
      "--",
      "#",
      "/*",
      "*/",
      "/*!",
      "||",
      "&&",
      "::",
      "@@",
      "+",
      "1",
      "0x7e",
      "1e0",
      "a",
      "x",
      "or",
      "and",
      "xor",
      "like",
      "in",
      "is",
      "not",
      "null",
      "true",
      "union",
      "select",
      "from",
      "where",
      "order by",
      "limit",
      "into outfile",
      "procedure analyse",
      "sleep(5)",
      "benchmark(",
      "version()",
      "pg_sleep",
      "waitfor delay",
      "exec",
      "xp_cmdshell",
      "information_schema",
      "drop table",
      "int",
      "\u200b",
      "\u00a0",
      "\u2019",
      "%27",
      "%20",
      "=",
      "&",
      "?",
      "\\",
      "__",
      "user__name__startswith",
      "password__regex",
      "md5(",
      "@@version",
      "U&",
      "collate",
      "password(",
      "top 1",
      " as ",
      "div(",
      "1.e.",
      ".e(",
      "'\"",
    );
    const value = fc.array(frag, { maxLength: 12 }).map((a) => a.join(""));
    const where = fc.constantFrom<Partial<Point>>(
      {},
      { kind: "key" },
      { kind: "raw", steps: ["query", "#raw"] },
      { steps: ["header", "referer"], zone: "header", header: "referer", name: "referer" },
      { steps: ["header", "cookie", "c"], zone: "cookie", header: "cookie", name: "c" },
      { steps: ["path"], zone: "path", kind: "path" },
    );
    fc.assert(
      fc.property(value, where, (v, over) => {
        if (sqliDetector.detect(point(v, over)) !== null)
          assert.ok(sqliDetector.prefilter(v, charMask(v)), JSON.stringify(v));
      }),
      { numRuns: 5000 },
    );
  });
});

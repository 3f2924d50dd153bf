import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { read } from "./grammar.js";
import { judge } from "./rules.js";
import {
  F_BREAK,
  F_CALL,
  F_GLUED,
  F_OPEN,
  F_SPACED,
  F_SYSVAR,
  F_TIGHT,
  MAX_TOKENS,
  type StartQuote,
  Tk,
  tokenize,
} from "./tokenizer.js";

const kinds = (s: string, ctx: StartQuote = 0) => (tokenize(s, ctx) ?? []).map((t) => t.kind);
const texts = (s: string, ctx: StartQuote = 0) => (tokenize(s, ctx) ?? []).map((t) => t.text);

describe("sqli tokenizer", () => {
  it("reads numbers in every notation", () => {
    assert.deepEqual(kinds("0x7e 0b101 1.5 .5 3e10 1e-3"), [Tk.Num, Tk.Num, Tk.Num, Tk.Num, Tk.Num, Tk.Num]);
    // MySQL reads `1e0union` as a number followed by a keyword.
    assert.deepEqual(texts("1e0union"), ["", "union"]);
    assert.deepEqual(kinds("x'41' b'01'"), [Tk.Num, Tk.Num]);
  });

  it("reads MySQL variable names with dots and positional bind parameters", () => {
    assert.deepEqual(texts("@a.b:=1"), ["@a.b", ":=", ""]);
    assert.deepEqual(texts("@@global.sql_mode"), ["@@global.sql_mode"]);
    // `?` is an operand only where one is expected.
    assert.deepEqual(kinds("x or ?"), [Tk.Word, Tk.Word, Tk.Var]);
    assert.deepEqual(kinds("yours?"), [Tk.Word, Tk.Other]);
  });

  it("reads PostgreSQL Unicode-escaped strings and names", () => {
    assert.deepEqual(kinds("U&'d\\0061t' u&\"x\""), [Tk.Str, Tk.Ident]);
    assert.deepEqual(kinds("u & 1"), [Tk.Word, Tk.Op, Tk.Num]);
  });

  it("keeps doubled quotes that open the value inside the application's string", () => {
    const t = tokenize("'''--", 39)!;
    assert.equal(t[0]!.flags & F_TIGHT, F_TIGHT);
  });

  it("reads strings with doubled quotes, backslashes and prefixes", () => {
    const t = tokenize("'it''s' \"a\\\"b\" N'x' E'y' $$body$$ $tag$z$tag$", 0)!;
    assert.deepEqual(
      t.map((x) => x.kind),
      [Tk.Str, Tk.Str, Tk.Str, Tk.Str, Tk.Str, Tk.Str],
    );
    assert.equal(
      t.every((x) => (x.flags & F_OPEN) === 0),
      true,
    );
    assert.equal((tokenize("'open", 0)![0]!.flags & F_OPEN) !== 0, true);
  });

  it("reads the comment styles of each dialect", () => {
    assert.deepEqual(kinds("1 -- x\n2 # y\n3 /* z */ 4"), [
      Tk.Num,
      Tk.Comment,
      Tk.Num,
      Tk.Comment,
      Tk.Num,
      Tk.Comment,
      Tk.Num,
    ]);
    // MySQL executable comments are code.
    assert.deepEqual(texts("/*!50000union*/ /*!select*/"), ["union", "select"]);
  });

  it("joins keywords split by inline comments or invisible characters, not other words", () => {
    const u = tokenize("UN/**/ION sel\u200bect", 0)!;
    assert.deepEqual(
      u.map((t) => t.text),
      ["union", "select"],
    );
    assert.equal((u[0]!.flags & F_GLUED) !== 0, true);
    assert.deepEqual(texts("select/**/password"), ["select", "", "password"]);
  });

  it("reads dialect identifiers, variables, casts and operators", () => {
    assert.deepEqual(kinds("[dbo].`t` @x @@version"), [Tk.Ident, Tk.Dot, Tk.Ident, Tk.Var, Tk.Var]);
    assert.equal((tokenize("@@version", 0)![0]!.flags & F_SYSVAR) !== 0, true);
    assert.deepEqual(texts("a::int || b <=> c != d"), ["a", "::", "int", "||", "b", "<=>", "c", "!=", "d"]);
    assert.equal((tokenize("sleep (5)", 0)![0]!.flags & F_CALL) !== 0, true);
  });

  it("starts inside a string when asked, and says what stood before the break", () => {
    const t = tokenize("admin' OR 1=1", 39)!;
    assert.equal(t[0]!.kind, Tk.Str);
    assert.equal((t[0]!.flags & F_BREAK) !== 0, true);
    assert.equal((t[0]!.flags & F_TIGHT) !== 0, true);
    assert.equal((tokenize("token '<'", 39)![0]!.flags & F_SPACED) !== 0, true);
    assert.equal(tokenize("no quote here", 39), null);
  });

  it("never throws, stays bounded and keeps offsets inside the value", () => {
    const frag = fc.constantFrom(
      "'",
      '"',
      "`",
      "/*",
      "*/",
      "/*!",
      "--",
      "#",
      "$$",
      "$a$",
      "[",
      "]",
      "@",
      "@@",
      "0x",
      "1e",
      ".",
      "\u200b",
      "union",
      " ",
      "(",
      ")",
      ";",
      "||",
      "::",
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(frag, fc.string({ maxLength: 6 })), { maxLength: 40 }),
        fc.constantFrom<StartQuote>(0, 39, 34),
        (parts, ctx) => {
          const s = parts.join("");
          const t = tokenize(s, ctx);
          if (t === null) return;
          assert.ok(t.length <= MAX_TOKENS);
          for (const x of t) assert.ok(x.start >= 0 && x.end <= s.length && x.start <= x.end);
          judge(read(t), ctx, s);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("handles long hostile input in bounded time", () => {
    const s = `${"'/*".repeat(20000)}${"((".repeat(20000)}`;
    const t0 = Date.now();
    for (const ctx of [0, 39, 34] as const) {
      const t = tokenize(s, ctx);
      if (t !== null) judge(read(t), ctx, s);
    }
    assert.ok(Date.now() - t0 < 3000);
  });
});

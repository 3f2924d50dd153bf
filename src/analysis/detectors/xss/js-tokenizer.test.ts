import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { findJsSign, foldString } from "./js-rules.js";
import { MAX_TOKENS, tokenizeJs } from "./js-tokenizer.js";

const signOf = (s: string, strict = false) => findJsSign(tokenizeJs(s), strict)?.sig ?? null;

describe("tokenizeJs", () => {
  it("decodes identifier and string escapes, skips comments", () => {
    const t = tokenizeJs("\\u0061lert/**/('\\x61\\u{62}\\143')// tail");
    assert.deepEqual(
      t.map((x) => [x.t, x.v]),
      [
        ["id", "alert"],
        ["p", "("],
        ["str", "abc"],
        ["p", ")"],
      ],
    );
  });
  it("reads templates with substitutions and regex literals", () => {
    const t = tokenizeJs("x`a$" + "{b}c`;/re/.source");
    assert.deepEqual(
      t.map((x) => x.t),
      ["id", "tpl", "str", "p", "id", "p", "str", "tple", "p", "re", "p", "id"],
    );
  });
  it("never throws and stays bounded", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        assert.ok(tokenizeJs(s).length <= MAX_TOKENS);
        findJsSign(tokenizeJs(s), true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("JavaScript signs", () => {
  it("flags calls of sinks, with or without parentheses", () => {
    assert.equal(signOf("alert(1)"), "xss.js-sink-call");
    assert.equal(signOf("prompt`1`"), "xss.js-sink-call");
    assert.equal(signOf("confirm.call(null,1)"), "xss.js-sink-call");
    assert.equal(signOf("[1].find(alert)"), "xss.js-sink-ref");
    assert.equal(signOf("(0,eval)('x')"), "xss.js-sink-ref");
  });
  it("flags computed access that spells a sink", () => {
    assert.equal(signOf("top['al'+'ert'](1)"), "xss.js-global-index");
    assert.equal(signOf("x[8680439..toString(30)](1)"), "xss.js-computed-member");
    assert.equal(signOf("(()=>{})['\\143onstructor']('x')()"), "xss.js-computed-member");
  });
  it("leaves English alone", () => {
    assert.equal(signOf("please confirm (yes or no)"), null);
    assert.equal(signOf("red alert for the region"), null);
    assert.equal(signOf("read the document.cookie docs"), null);
    assert.equal(signOf("willing to import (and wait)"), null);
  });
  it("folds constant strings", () => {
    const t = tokenizeJs("'a'+`b`+/c/.source+['d'][0]");
    assert.equal(foldString(t, 0), "abcd");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectSqli } from "./detect.js";
import { Memo } from "./memo.js";

describe("sqli memo", () => {
  it("remembers answers, promotes old ones and forgets past two generations", () => {
    const m = new Memo<number>(2, 1000);
    m.set("a", 1);
    m.set("b", 2);
    assert.equal(m.get("a"), 1);
    m.set("c", 3); // young full: {a, b} becomes old
    assert.equal(m.get("a"), 1); // promoted into the young {c, a}
    m.set("d", 4); // young full again: old {c, a}, young {d}
    m.set("e", 5);
    m.set("f", 6); // old {d, e}, young {f}: a and c are gone
    assert.equal(m.get("c"), undefined);
    assert.equal(m.get("a"), undefined);
    assert.equal(m.get("e"), 5);
  });

  it("bounds the characters a generation holds", () => {
    const m = new Memo<number>(100, 10);
    m.set("aaaaaaaa", 1);
    m.set("bbbbbbbb", 2); // 16 characters: the first generation is turned over
    m.set("cccccccc", 3);
    assert.equal(m.get("aaaaaaaa"), undefined);
    assert.equal(m.get("bbbbbbbb"), 2);
  });

  it("gives the same answers to repeated readings, a remembered nothing included", () => {
    for (const v of ["x' OR 'a'='a", "net::ERR_ABORTED", "plain words", "1 UNION SELECT 1,2--"]) {
      const first = detectSqli(v);
      assert.deepEqual(detectSqli(v), first, v);
      assert.deepEqual(detectSqli(v), first, v);
    }
    assert.equal(detectSqli("net::ERR_ABORTED"), null);
    assert.equal(detectSqli("&&x'", true), detectSqli("&&x'", true));
  });
});

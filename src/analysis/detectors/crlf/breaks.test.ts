import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  BREAK_ENTITY,
  BREAK_ESCAPE,
  BREAK_REAL,
  BREAK_UNICODE,
  mayHaveBreak,
  newRun,
  nextBreak,
} from "./breaks.js";
import { C_AMP, C_BREAK, C_DOLLAR, C_HASH, census } from "./census.js";

describe("nextBreak", () => {
  it("counts CRLF as one line end and CRLFCRLF as a blank line", () => {
    const r = newRun();
    assert.ok(nextBreak("a\r\nb", 0, r));
    assert.deepEqual([r.start, r.end, r.lines, r.kind], [1, 3, 1, BREAK_REAL]);
    assert.ok(nextBreak("a\r\n\r\n<b>", 0, r));
    assert.equal(r.lines, 2);
  });
  it("recognises Unicode look-alikes, escapes and character references", () => {
    const r = newRun();
    assert.ok(nextBreak("x\u560d\u560aSet-Cookie: a", 0, r));
    assert.deepEqual([r.kind, r.unicode, r.end], [BREAK_UNICODE, 2, 3]);
    assert.ok(nextBreak("x\\r\\nA", 0, r));
    assert.deepEqual([r.kind, r.end], [BREAK_ESCAPE, 5]);
    assert.ok(nextBreak("x\\u000aA", 0, r));
    assert.equal(r.end, 7);
    assert.ok(nextBreak("x&#13;&#x0A;A", 0, r));
    assert.deepEqual([r.kind, r.end, r.lines], [BREAK_ENTITY, 12, 1]);
    assert.ok(nextBreak("&#0010;", 0, r));
  });
  it("ignores look-alikes of look-alikes", () => {
    const r = newRun();
    assert.equal(nextBreak("a\\b &#169; \\u0041 &#1;", 0, r), false);
  });
  it("never throws, stays in bounds, and its prefilter never misses", () => {
    const frag = fc.constantFrom(
      "\r",
      "\n",
      "\\",
      "r",
      "n",
      "u",
      "000",
      "a",
      "d",
      "&#",
      "x",
      "13;",
      "10;",
      "\u560a",
      "\u560d",
      " ",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(frag, fc.string({ maxLength: 3 })), { maxLength: 30 }), (parts) => {
        const v = parts.join("");
        const r = newRun();
        let from = 0;
        let found = false;
        for (let k = 0; k < 100 && nextBreak(v, from, r); k++) {
          found = true;
          assert.ok(r.start >= from && r.end > r.start && r.end <= v.length);
          from = r.end;
        }
        if (found) assert.ok(mayHaveBreak(v));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("census", () => {
  it("agrees with a naive scan on short and long values", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.constantFrom("", "\n", "$", "#", "&", "\u560a"),
        (s, extra) => {
          const v = s + extra;
          const want = C_BREAK | C_DOLLAR | C_HASH | C_AMP;
          let naive = 0;
          if (/[\r\n]/.test(v)) naive |= C_BREAK;
          if (v.includes("$")) naive |= C_DOLLAR;
          if (v.includes("#")) naive |= C_HASH;
          if (v.includes("&")) naive |= C_AMP;
          if (/[\u560a\u560d]/.test(v)) naive |= C_BREAK;
          assert.equal(census(v, want), naive);
          // Asked again bit by bit (the memoised path).
          assert.equal(census(v, C_HASH), naive & C_HASH);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/**
 * Long values are read in windows around anchors (detect.ts, windows.ts): an injection
 * padded with ordinary text must still be found, and long ordinary texts (prose, JSON
 * with colours and HTML) must stay clean.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectSqli } from "./detect.js";
import { anchorPositions } from "./windows.js";

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
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { unescapeCode } from "./readings.js";

/** `s` as a byte string written with `\xHH` escapes, one per UTF-8 byte. */
function hexEscaped(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) out += `\\x${b.toString(16).padStart(2, "0")}`;
  return out;
}

describe("unescapeCode with utf8", () => {
  it("reads escaped UTF-8 bytes as the characters they spell", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 12 }), (s) => {
        assert.equal(unescapeCode(hexEscaped(s), true), s);
      }),
    );
  });

  it("keeps one character per escape without utf8, and never throws on any input", () => {
    assert.equal(unescapeCode("\\xc2\\xbc"), "\u00c2\u00bc");
    assert.equal(unescapeCode("\\xc2\\xbc", true), "\u00bc");
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.boolean(), (s, u) => {
        unescapeCode(s, u);
      }),
    );
  });

  it("leaves broken or overlong sequences byte by byte", () => {
    // A lead byte without its continuation, a stray continuation, an overlong `/`, a surrogate.
    assert.equal(unescapeCode("\\xe2\\x82x", true), "\u00e2\u0082x");
    assert.equal(unescapeCode("\\x80", true), "\u0080");
    assert.equal(unescapeCode("\\xc0\\xaf", true), "\u00c0\u00af");
    assert.equal(unescapeCode("\\xed\\xa0\\x80", true), "\u00ed\u00a0\u0080");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type DecodeFlags, hasPercentEscape, percentDecode, utf8Decode } from "./percent.js";

const flags = (): DecodeFlags => ({ badEscape: false, badUtf8: false, overlong: false });

describe("percentDecode", () => {
  it("returns the same string when there is nothing to decode", () => {
    const s = "plain-value_1.2";
    assert.equal(percentDecode(s, true), s);
  });

  it("decodes UTF-8 escapes, `+` only in form mode", () => {
    assert.equal(percentDecode("a+b%20%E4%BD%A0", true), "a b 你");
    assert.equal(percentDecode("a+b", false), "a+b");
    assert.equal(percentDecode("%2B", true), "+");
  });

  it("keeps invalid escapes and flags them", () => {
    const f = flags();
    assert.equal(percentDecode("100%zz%", false, f), "100%zz%");
    assert.ok(f.badEscape);
  });

  it("normalises overlong forms and flags them; keeps invalid bytes as Latin-1", () => {
    const f = flags();
    assert.equal(percentDecode("..%c0%af..%e0%80%af", false, f), "../../");
    assert.ok(f.overlong);
    const g = flags();
    assert.equal(percentDecode("%ff%41", false, g), "\u00ffA");
    assert.ok(g.badUtf8);
  });

  it("decodes IIS %uXXXX", () => {
    assert.equal(percentDecode("%u003Cx%u003e", false), "<x>");
  });

  it("agrees with decodeURIComponent on well-formed input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (s) => {
        assert.equal(percentDecode(encodeURIComponent(s), false), s);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), fc.boolean(), (s, plus) => {
        const out = percentDecode(s, plus, flags());
        assert.ok(out.length <= s.length);
        hasPercentEscape(s);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("utf8Decode", () => {
  it("decodes valid UTF-8 natively and invalid bytes leniently, across blocks", () => {
    const bytes = Buffer.concat([Buffer.alloc(3000, 0x61), Buffer.from([0xff]), Buffer.from("你好")]);
    const f = flags();
    const s = utf8Decode(bytes, f);
    assert.equal(s, `${"a".repeat(3000)}\u00ff你好`);
    assert.ok(f.badUtf8);
  });

  it("never throws and never grows beyond its input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (b) => {
        assert.ok(utf8Decode(b, flags()).length <= b.length);
      }),
      { numRuns: 300 },
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { luhnValid, maskCards } from "./cards.js";

/** The Luhn check digit that makes `body + d` valid. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}

/** A Luhn-valid number of 13–19 digits, optionally grouped by fours with spaces or dashes. */
const card = fc
  .tuple(
    fc.integer({ min: 13, max: 19 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
  )
  .map(([len, ds]) => withCheckDigit(ds.slice(0, len - 1).join("")));
const formatted = fc.tuple(card, fc.constantFrom("", " ", "-")).map(([c, sep]) => ({
  digits: c,
  text: sep === "" ? c : (c.match(/.{1,4}/g) ?? []).join(sep),
}));
/** Text around a card: anything, with a non-digit, non-separator character at the seam. */
const noise = fc.string({ maxLength: 30 });
const seam = fc.constantFrom("x", "=", ":", '"', "\n", "/", ",", "(", "é");

describe("cards", () => {
  it("checks Luhn", () => {
    assert.ok(luhnValid("4111111111111111"));
    assert.ok(luhnValid("378282246310005"));
    assert.ok(!luhnValid("4111111111111112"));
  });

  it("masks test PANs in every common spelling", () => {
    for (const s of [
      "4111111111111111",
      "4111 1111 1111 1111",
      "4111-1111-1111-1111",
      "3782 822463 10005",
      "6011000990139424",
    ]) {
      assert.equal(maskCards(`card=${s};`, "***"), "card=***;", s);
    }
  });

  it("leaves numbers that are not cards", () => {
    for (const s of [
      "4111111111111112",
      "411111111111", // 12 digits
      "41111111111111111111111111", // 26 digits: a long number is not read as a card inside it
      "4111  1111 1111 1111", // double space splits the run
      "2024-01-15",
      "v1.2.3",
    ]) {
      assert.equal(maskCards(`x ${s} y`, "***"), `x ${s} y`, s);
    }
  });

  it("masks a card next to other numbers on the same run", () => {
    assert.ok(!maskCards("qty 12 4111 1111 1111 1111 ok", "***").includes("4111 1111 1111"));
  });

  it("masks every Luhn-valid card wherever it is (property)", () => {
    fc.assert(
      fc.property(noise, seam, formatted, seam, noise, (pre, s1, c, s2, post) => {
        const out = maskCards(pre + s1 + c.text + s2 + post, "***");
        assert.ok(!out.includes(c.text), `${c.text} left in ${out}`);
        assert.ok(!out.replace(/[ -]/g, "").includes(c.digits));
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws and is idempotent (property)", () => {
    const digitsy = fc.string({ unit: fc.constantFrom("1", "2", "4", "9", " ", "-", "a"), maxLength: 200 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), digitsy), (s) => {
        const once = maskCards(s, "***");
        assert.equal(maskCards(once, "***"), once);
      }),
      { numRuns: 1000 },
    );
  });
});

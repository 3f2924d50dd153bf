import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { globMatch } from "../../events/glob.js";

/** The obvious regex translation of a glob, as an oracle (test code, small inputs). */
function globRegex(glob: string): RegExp {
  const body = [...glob]
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  // safe-regex: test oracle over short generated globs only
  return new RegExp(`^${body}$`, "su");
}

describe("globMatch (memory store)", () => {
  it("matches * and ? like the regex translation", () => {
    const s = fc.string({ unit: fc.constantFrom("a", "b", "/", ".", "*", "?"), maxLength: 10 });
    fc.assert(
      fc.property(s, s, (glob, text) => {
        const t = text.replaceAll("*", "a").replaceAll("?", "b");
        assert.equal(globMatch(glob, t), globRegex(glob).test(t), `${glob} ~ ${t}`);
      }),
      { numRuns: 2000 },
    );
  });

  it("handles the usual cases", () => {
    assert.ok(globMatch("/api/*", "/api/users/1"));
    assert.ok(globMatch("*", ""));
    assert.ok(!globMatch("?", ""));
    assert.ok(globMatch("/u/??", "/u/42"));
    assert.ok(!globMatch("/u/??", "/u/420"));
  });
});

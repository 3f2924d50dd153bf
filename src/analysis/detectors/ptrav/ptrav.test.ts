import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isFileName, isTopLevel, nameWords } from "./names.js";
import { findSensitive } from "./sensitive.js";
import { findTraversal, normalize } from "./traversal.js";
import { findWrapper } from "./wrappers.js";

describe("ptrav normaliser and scanners", () => {
  it("normalises smuggled dots, slashes and NULs", () => {
    assert.equal(normalize("0x2e0x2e0x2fetc"), "../etc");
    assert.equal(normalize("..%00/..%2f"), "../../");
    assert.equal(normalize("．．／x"), "../x");
    assert.equal(normalize("a\u0000b"), "ab");
    const plain = "nothing/to/do";
    assert.equal(normalize(plain), plain);
  });

  it("counts dot-dot components and notices evasions", () => {
    assert.deepEqual([findTraversal("../../a")?.steps, findTraversal("../../a")?.evasive], [2, false]);
    assert.equal(findTraversal("..\\a")?.evasive, true);
    assert.equal(findTraversal("..;/a")?.evasive, true);
    assert.equal(findTraversal("....//a")?.evasive, true);
    assert.equal(findTraversal("a=..;.\\.;\\.")?.steps, 1);
    assert.equal(findTraversal("foo../bar"), null);
    assert.equal(findTraversal("..foo"), null);
    assert.equal(findTraversal("Loading..."), null);
  });

  it("matches sensitive files per path component", () => {
    const hit = (v: string, hidden = false) => findSensitive(v, hidden)?.sign ?? null;
    assert.equal(hit("/etc/passwd"), "sensitive-file");
    assert.equal(hit("C:/WINDOWS/win.ini"), "sensitive-file");
    assert.equal(hit("cat /root/.ssh/id_rsa"), "sensitive-file");
    assert.equal(hit("/proc/1234/cmdline"), "sensitive-file");
    assert.equal(hit("/sys/class"), "sensitive-file");
    assert.equal(hit("path/to/.env.local"), "sensitive-file");
    assert.equal(hit("backup.sql.zip"), "backup-file");
    assert.equal(hit("/.cursor/mcp.json", true), "hidden-file");
    assert.equal(hit("/.well-known/x", true), null);
    assert.equal(hit("/test.environment"), null);
    assert.equal(hit("jquery.history.min.js"), null);
    assert.equal(hit("firstname.dockery@host.tld"), null);
    assert.equal(hit("etc passwd"), null);
    assert.equal(hit("php.ini"), null);
  });

  it("finds PHP wrappers and filter chains", () => {
    assert.equal(findWrapper("php://filter/convert.base64-encode/resource=x")?.sign, "php-wrapper");
    assert.equal(findWrapper("PHAR://x.jpg/a")?.sign, "php-wrapper");
    assert.equal(findWrapper("compress.zlib://x")?.sign, "php-wrapper");
    assert.equal(findWrapper("//filter/read=string.rot13/resource=index.php")?.sign, "php-filter");
    assert.equal(findWrapper("https://example.com/?resource=1"), null);
  });

  it("splits parameter names into words", () => {
    assert.deepEqual(nameWords("_CONF[path]"), ["conf", "path"]);
    assert.deepEqual(nameWords("mosConfig_absolute_path"), ["mos", "config", "absolute", "path"]);
    assert.deepEqual(nameWords("returnTo"), ["return", "to"]);
    assert.equal(isFileName("templateFile"), true);
    assert.equal(isFileName("utm_source"), false);
    assert.equal(isTopLevel({ zone: "query", steps: ["query", "x", "urlenc"] }), true);
    assert.equal(isTopLevel({ zone: "body", steps: ["body", "json", "a", "b"] }), false);
  });

  it("never throws and stays bounded on random input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.boolean(), (s, h) => {
        const t = Date.now();
        const n = normalize(s);
        findTraversal(n);
        findSensitive(n, h);
        findWrapper(s);
        nameWords(s);
        assert.ok(Date.now() - t < 2000);
      }),
      { numRuns: 2000 },
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { findOobHost, findProbe, isOobHost } from "./markers.js";
import { toolHeader } from "./tool-headers.js";
import { findTool } from "./user-agents.js";

describe("scanner: user agents", () => {
  it("finds tools as whole words, any case", () => {
    assert.equal(findTool("sqlmap/1.7#stable (https://sqlmap.org)")?.tool, "sqlmap");
    assert.equal(findTool("Mozilla/5.00 (Nikto/2.1.6) (Evasions:None)")?.tool, "nikto");
    assert.equal(findTool("Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org)")?.tool, "nmap");
    assert.equal(findTool("Fuzz Faster U Fool v2.0")?.tool, "ffuf");
    assert.equal(findTool("Mozilla/5.0 zgrab/0.x")?.tool, "zgrab");
    const m = findTool("x HAVIJ y");
    assert.ok(m);
    assert.equal("x HAVIJ y".slice(m.start, m.end), "HAVIJ");
  });
  it("leaves clients and look-alikes alone", () => {
    for (const ua of [
      "curl/8.5.0",
      "python-requests/2.31",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
      "sqlmapper/1.0",
      "MyNiktoTool",
      "nmap",
    ]) {
      assert.equal(findTool(ua), null, ua);
    }
  });
  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        findTool(s);
      }),
    );
  });
});

describe("scanner: tool headers", () => {
  it("names only", () => {
    assert.equal(toolHeader("Acunetix-Product"), "acunetix");
    assert.equal(toolHeader("acunetix-aspect-queries"), "acunetix");
    assert.equal(toolHeader("X-Scanner"), "netsparker");
    assert.equal(toolHeader("X-WIPP"), "webinspect");
    assert.equal(toolHeader("Accept"), null);
    assert.equal(toolHeader("X-Requested-With"), null);
    assert.equal(toolHeader(""), null);
  });
});

describe("scanner: markers", () => {
  it("finds callback hosts in URLs and UNC paths", () => {
    assert.equal(findOobHost("http://abc.oast.fun/x")?.sign, "oob-domain");
    assert.equal(findOobHost("jndi:ldap://A.B.BURPCOLLABORATOR.NET:389/a")?.sign, "oob-domain");
    assert.equal(findOobHost('<script src="//x.xss.ht"></script>')?.sign, "oob-domain");
    assert.equal(findOobHost("\\\\x.dnslog.cn\\share")?.sign, "oob-domain");
    assert.equal(findOobHost("http://user@q.oastify.com./")?.sign, "oob-domain");
    const v = "url=http://k1.interact.sh/p";
    const m = findOobHost(v);
    assert.ok(m);
    assert.equal(v.slice(m.start, m.end), "k1.interact.sh");
  });
  it("leaves look-alike hosts alone", () => {
    for (const v of [
      "https://example.com/xss.html",
      "http://boast.fun/",
      "http://x.oast.funky.example/",
      "//oast.fun.example.com/",
      "see x.oast.fun",
    ]) {
      assert.equal(findOobHost(v), null, v);
    }
  });
  it("probes", () => {
    assert.equal(findProbe("/w00tw00t.at.ISC.SANS.DFind:)")?.sign, "probe");
    assert.equal(findProbe("/nice ports,/Trinity.txt.bak")?.sign, "probe");
    assert.ok(findProbe("/muieblackcat"));
    assert.ok(findProbe("/acunetix-wvs-test-for-some-inexistent-file"));
    assert.equal(findProbe("/about/acunetix-review"), null);
  });
  it("never throws", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom("//", "@", ".", "oast.fun", "\\\\", ":", "/"),
            fc.string({ maxLength: 4 }),
          ),
          { maxLength: 12 },
        ),
        (a) => {
          const v = a.join("");
          findOobHost(v);
          findProbe(v);
          assert.equal(isOobHost(v) || true, true);
        },
      ),
    );
  });
});

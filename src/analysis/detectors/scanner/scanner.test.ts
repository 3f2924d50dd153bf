import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { findMarker, findTargetProbe, mayHaveMarker } from "./markers.js";
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
  it("finds callback domains at host boundaries", () => {
    assert.equal(findMarker("http://abc.oast.fun/x")?.sign, "oob-domain");
    assert.equal(findMarker("nslookup A.B.BURPCOLLABORATOR.NET")?.sign, "oob-domain");
    assert.equal(findMarker("//x.xss.ht")?.sign, "oob-domain");
    assert.equal(findMarker("/w00tw00t.at.ISC.SANS.DFind:)")?.sign, "probe");
    assert.equal(findMarker("see xss.html"), null);
    assert.equal(findMarker("boast.fun"), null);
    assert.equal(findMarker("x.oast.funky.example"), null);
  });
  it("the gate never drops a marker", () => {
    const parts = fc.constantFrom(
      "oast.fun",
      "x.",
      "OAST.PRO",
      "interact.sh",
      "dnslog.cn",
      "xss.ht",
      ".",
      "/",
      "a",
      "-",
      "ceye.io",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(parts, fc.string({ maxLength: 3 })), { maxLength: 8 }), (a) => {
        const v = a.join("");
        if (findMarker(v) !== null && findMarker(v)?.sign === "oob-domain") assert.ok(mayHaveMarker(v), v);
      }),
    );
  });
  it("dot-less probes in the target", () => {
    assert.ok(findTargetProbe("/muieblackcat"));
    assert.ok(findTargetProbe("/acunetix-wvs-test-for-some-inexistent-file"));
    assert.equal(findTargetProbe("/about/acunetix-review"), null);
  });
});

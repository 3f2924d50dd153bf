import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decodeEntities } from "./entities.js";
import { findHtmlSign } from "./html-scan.js";
import { readTag } from "./html-tokenizer.js";

describe("readTag", () => {
  it("reads names and attributes with the separators browsers accept", () => {
    const t = readTag("<svg/onload=alert(1)>", 0);
    assert.equal(t?.name, "svg");
    assert.deepEqual(t?.attrs, [{ name: "onload", value: "alert(1)", bare: true }]);
    assert.equal(t?.closed, true);
    const u = readTag("<img\fsrc=x\tonerror='a b'>", 0);
    assert.deepEqual(
      u?.attrs.map((a) => a.name),
      ["src", "onerror"],
    );
    assert.equal(u?.attrs[1]?.value, "a b");
    assert.equal(u?.attrs[1]?.bare, false);
  });
  it("marks an unquoted value that a blank or `>` ended, not one the input cut off", () => {
    assert.equal(readTag("<b onclick={() x>", 0)?.attrs[0]?.bare, true);
    assert.equal(readTag("<b onclick={()>", 0)?.attrs[0]?.bare, true);
    assert.equal(readTag("<b onclick={()", 0)?.attrs[0]?.bare, false);
  });
  it("drops NUL in names and takes the local part of a qualified name", () => {
    assert.equal(readTag("<scr\u0000ipt>", 0)?.name, "script");
    assert.equal(readTag("<x:script xmlns:x=y>", 0)?.name, "script");
  });
  it("is not a tag when no letter follows", () => {
    assert.equal(readTag("a < b", 2), null);
    assert.equal(readTag("<3", 0), null);
  });
  it("marks a tag cut by the end of the value", () => {
    const t = readTag('<a href="x', 0);
    assert.equal(t?.closed, false);
    assert.equal(t?.attrs[0]?.value, "x");
  });
  it("never throws and stays bounded on random input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.nat(300), (s, i) => {
        const t = readTag(s, Math.min(i, s.length));
        if (t !== null) assert.ok(t.end <= s.length && t.attrs.length <= 64);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("findHtmlSign", () => {
  it("flags active markup and leaves plain markup alone", () => {
    assert.equal(findHtmlSign("<img src=x onerror=alert(1)>")?.sig, "xss.event-handler");
    assert.equal(findHtmlSign('<a href=" j&#x61;vascript:x()">')?.sig, "xss.script-uri");
    assert.equal(findHtmlSign("<b>bold</b> <p class=x>text</p>"), null);
    assert.equal(findHtmlSign("a < b and c > d"), null);
  });
  it("reads a JSX handler as the browser gets it: cut at the blank, a block that never closes", () => {
    assert.equal(findHtmlSign("<button onClick={() => setX(x + 1)}>Click</button>"), null);
    assert.equal(findHtmlSign("<b onclick={()=>x}>"), null); // the browser gets `{()=`
    assert.equal(findHtmlSign("<img src=x onerror={alert(1)}>")?.sig, "xss.event-handler");
    assert.equal(findHtmlSign("<b onclick={alert(1)&#125; >")?.sig, "xss.event-handler");
    assert.equal(findHtmlSign("<b onclick={f('{')}>")?.sig, "xss.event-handler");
    // Cut off by the end of the value: the page after it may close the block.
    assert.equal(findHtmlSign("<b onclick={alert(1)")?.sig, "xss.event-handler");
  });
  it("finds a tag hidden inside another tag's attribute", () => {
    assert.ok(findHtmlSign('<style><img src="</style><img src=x onerror=alert(1)//">') !== null);
  });
  it("is linear enough on many tag openers", () => {
    const s = `${"<a ".repeat(5000)}"`;
    const t0 = Date.now();
    findHtmlSign(s);
    assert.ok(Date.now() - t0 < 2000);
  });
});

describe("decodeEntities", () => {
  it("decodes numeric, named and legacy references", () => {
    assert.equal(decodeEntities("&#106;&#x61;&#0000118;a&Tab;&colon;"), "java\t:");
    assert.equal(decodeEntities("&lt;b&gt &amp; &ltscript"), "<b> & <script");
    assert.equal(decodeEntities("&unknown; &"), "&unknown; &");
  });
  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        decodeEntities(s);
      }),
      { numRuns: 2000 },
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { findXxe } from "./dtd.js";

describe("xxe scanner", () => {
  it("tells external from internal declarations", () => {
    const sign = (v: string) => findXxe(v)?.sign ?? null;
    assert.equal(sign('<!ENTITY x SYSTEM "file:///etc/passwd">'), "external-entity");
    assert.equal(sign('<!entity x public "-//a" "http://a/b">'), "external-entity");
    assert.equal(sign('<!ENTITY % p SYSTEM "http://a/b.dtd">'), "parameter-entity");
    assert.equal(sign('<!DOCTYPE r SYSTEM "http://a/r.dtd">'), "external-dtd");
    assert.equal(sign("<!DOCTYPE r [ %x; ]>"), "parameter-entity");
    assert.equal(sign('<!ENTITY name "value">'), null);
    assert.equal(sign("<!DOCTYPE html>"), null);
    assert.equal(
      sign(
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
      ),
      null,
    );
    assert.equal(sign('<xi:include href="x"/>'), "xinclude");
    assert.equal(sign("<xsl:value-of select=\"document('x')\"/>"), "xslt-document");
    assert.equal(sign("document('x') without a stylesheet"), null);
  });

  it("reads a declaration cut from its `<` and a remote schema location", () => {
    const sign = (v: string) => findXxe(v)?.sign ?? null;
    assert.equal(sign('x!ENTITY % p SYSTEM "http://a/b.dtd"'), "parameter-entity");
    assert.equal(sign('!ENTITY name "value"'), null);
    assert.equal(sign('<a xsi:schemaLocation="urn:n http://h.example/a.xsd"/>'), "remote-schema");
    assert.equal(sign('<a xsi:noNamespaceSchemaLocation="file:///x.xsd"/>'), "remote-schema");
    // The first item of each pair is a namespace name, not a location.
    assert.equal(sign('<a xsi:schemaLocation="http://h.example/ns local.xsd"/>'), null);
    assert.equal(sign('<a xsi:schemaLocation="urn:n http://www.w3.org/2001/xml.xsd"/>'), null);
    assert.equal(sign('schemaLocation="urn:n http://h.example/a.xsd"'), null);
  });

  it("never throws and stays bounded on random input", () => {
    const frag = fc.constantFrom(
      "<!",
      "ENTITY",
      "DOCTYPE",
      " ",
      "%",
      "[",
      "]",
      ">",
      "SYSTEM",
      '"',
      "x",
      ";",
      "xi:include",
      "!ENTITY",
      "schemaLocation=",
      "http://h/ ",
      "<a ",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(frag, fc.string({ maxLength: 3 })), { maxLength: 60 }), (parts) => {
        const t = Date.now();
        findXxe(parts.join(""));
        assert.ok(Date.now() - t < 2000);
      }),
      { numRuns: 2000 },
    );
  });
});

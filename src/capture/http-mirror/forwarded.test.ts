import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MAX_HOPS, parseForwarded, parseForwardedNode, parseXForwardedFor } from "./forwarded.js";

describe("Forwarded (RFC 7239)", () => {
  it("reads the RFC's examples", () => {
    // RFC 7239 §4 and §7.1 examples.
    assert.deepEqual(parseForwarded(['for="_gazonk"']), { elements: [{ for: "_gazonk" }], malformed: false });
    assert.deepEqual(parseForwarded(['For="[2001:db8:cafe::17]:4711"']).elements, [
      { for: "[2001:db8:cafe::17]:4711" },
    ]);
    assert.deepEqual(parseForwarded(["for=192.0.2.60;proto=http;by=203.0.113.43"]).elements, [
      { for: "192.0.2.60", proto: "http", by: "203.0.113.43" },
    ]);
    assert.deepEqual(parseForwarded(["for=192.0.2.43, for=198.51.100.17"]).elements, [
      { for: "192.0.2.43" },
      { for: "198.51.100.17" },
    ]);
  });

  it("joins several fields into one list and skips empty elements", () => {
    const r = parseForwarded(["for=192.0.2.43", ",, for=198.51.100.17;host=example.com"]);
    assert.deepEqual(r.elements, [{ for: "192.0.2.43" }, { for: "198.51.100.17", host: "example.com" }]);
  });

  it("handles quoted commas, semicolons and escapes", () => {
    const r = parseForwarded(['for="a,b;c\\"d", for=1.2.3.4']);
    assert.deepEqual(r.elements, [{ for: 'a,b;c"d' }, { for: "1.2.3.4" }]);
  });

  it("reports what breaks the grammar and keeps what it can read", () => {
    const r = parseForwarded(["for = 1.2.3.4;junk, for=5.6.7.8"]);
    assert.equal(r.malformed, true);
    assert.deepEqual(r.elements, [{ for: "1.2.3.4" }, { for: "5.6.7.8" }]);
    assert.equal(parseForwarded(['for="unterminated']).malformed, true);
    assert.equal(parseForwarded(["for=1.2.3.4;for=5.6.7.8"]).malformed, true);
  });

  it("reads node identifiers (RFC 7239 §6)", () => {
    assert.deepEqual(parseForwardedNode("[2001:db8:cafe::17]:4711"), {
      kind: "ip",
      ip: "2001:db8:cafe::17",
      family: 6,
      port: 4711,
    });
    assert.deepEqual(parseForwardedNode("192.0.2.43:_p1"), { kind: "ip", ip: "192.0.2.43", family: 4 });
    assert.deepEqual(parseForwardedNode("unknown"), { kind: "unknown" });
    assert.deepEqual(parseForwardedNode("_hidden"), { kind: "obfuscated" });
    assert.equal(parseForwardedNode("example.com").kind, "invalid");
  });

  it("keeps only the rightmost hops", () => {
    const many = Array.from({ length: 200 }, (_, i) => `for=10.0.${i >> 8}.${i & 255}`).join(", ");
    const r = parseForwarded([many]);
    assert.equal(r.elements.length, MAX_HOPS);
    assert.deepEqual(r.elements.at(-1), { for: "10.0.0.199" });
  });

  it("never throws and never keeps more than MAX_HOPS", () => {
    const unit = fc.constantFrom(...'for=";,\\ _[]:1.2a', "for=", "proto=", '"');
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 300 }), { maxLength: 3 }), (values) => {
        const r = parseForwarded(values);
        assert.ok(r.elements.length <= MAX_HOPS);
        for (const e of r.elements) if (e.for !== undefined) parseForwardedNode(e.for);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("X-Forwarded-For", () => {
  it("reads addresses, ports and unknown, client first", () => {
    assert.deepEqual(parseXForwardedFor(["203.0.113.7, unknown", "[2001:db8::1]:80,10.0.0.1:3128 , junk"]), [
      { kind: "ip", ip: "203.0.113.7", family: 4 },
      { kind: "unknown" },
      { kind: "ip", ip: "2001:db8::1", family: 6, port: 80 },
      { kind: "ip", ip: "10.0.0.1", family: 4, port: 3128 },
      { kind: "invalid", text: "junk" },
    ]);
  });

  it("never throws and keeps at most MAX_HOPS", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 400 }), { maxLength: 3 }), (values) => {
        assert.ok(parseXForwardedFor(values).length <= MAX_HOPS);
      }),
    );
  });
});

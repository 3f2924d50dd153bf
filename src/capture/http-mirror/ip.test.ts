import assert from "node:assert/strict";
import { isIP, isIPv6 } from "node:net";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatIPv6, normalizeIp, parseIPv4, parseIPv6, parseNode, parsePort } from "./ip.js";

describe("ip", () => {
  it("reads IPv4 strictly", () => {
    assert.deepEqual(parseIPv4("192.0.2.1"), Uint8Array.of(192, 0, 2, 1));
    for (const bad of [
      "192.0.2",
      "192.0.2.1.5",
      "256.0.0.1",
      "01.2.3.4",
      "1.2.3.",
      "a.b.c.d",
      "1..2.3",
      "",
    ]) {
      assert.equal(parseIPv4(bad), null, bad);
    }
  });

  it("formats IPv6 in the RFC 5952 form", () => {
    const cases: [string, string][] = [
      ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
      ["0:0:0:0:0:0:0:0", "::"],
      ["::1", "::1"],
      ["1::", "1::"],
      ["FE80::ABCD", "fe80::abcd"],
      ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
      ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
    ];
    for (const [input, want] of cases) {
      const b = parseIPv6(input);
      assert.ok(b !== null, input);
      assert.equal(formatIPv6(b), want, input);
    }
    for (const bad of [
      ":",
      ":::",
      "1:::2",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "1:2",
      ":1::",
      "1::2:",
    ]) {
      assert.equal(parseIPv6(bad), null, bad);
    }
  });

  it("agrees with node:net on what an IPv6 address is, and round-trips bytes", () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const b = parseIPv6(text);
        assert.ok(b !== null, text);
        assert.deepEqual(parseIPv6(formatIPv6(b)), b);
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF:.%x "), maxLength: 46 }),
        (s) => {
          if (s.includes("%")) return;
          assert.equal(parseIPv6(s) !== null, isIPv6(s), s);
        },
      ),
    );
  });

  it("normalizes addresses to one spelling", () => {
    assert.deepEqual(normalizeIp("::ffff:127.0.0.1"), { family: 4, text: "127.0.0.1" });
    assert.deepEqual(normalizeIp("[2001:DB8::1]"), { family: 6, text: "2001:db8::1" });
    assert.deepEqual(normalizeIp("fe80::1%eth0"), { family: 6, text: "fe80::1" });
    assert.equal(normalizeIp("example.com"), null);
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const n = normalizeIp(s);
        if (n !== null) assert.equal(isIP(n.text), n.family);
      }),
    );
  });

  it("reads forwarding nodes with and without ports", () => {
    assert.deepEqual(parseNode("192.0.2.1"), { ip: "192.0.2.1", family: 4 });
    assert.deepEqual(parseNode(" 192.0.2.1:4711 "), { ip: "192.0.2.1", family: 4, port: 4711 });
    assert.deepEqual(parseNode("[2001:db8::1]:80"), { ip: "2001:db8::1", family: 6, port: 80 });
    assert.deepEqual(parseNode("[2001:db8::1]"), { ip: "2001:db8::1", family: 6 });
    assert.deepEqual(parseNode("2001:db8::1"), { ip: "2001:db8::1", family: 6 });
    for (const bad of ["1.2.3.4:99999", "[1.2.3.4]", "[::1", "[::1]x", "host:80", "unknown"]) {
      assert.equal(parseNode(bad), null, bad);
    }
    assert.equal(parsePort("65535"), 65535);
    assert.equal(parsePort("65536"), null);
  });
});

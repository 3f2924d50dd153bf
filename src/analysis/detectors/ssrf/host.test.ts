import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { classifyHost, parseIPv4, parseIPv6 } from "./host.js";
import { findUrls, readHost } from "./urlish.js";

describe("ssrf host parsing", () => {
  it("reads every inet_aton spelling of an IPv4 address", () => {
    const lo = 0x7f000001;
    for (const s of [
      "127.0.0.1",
      "2130706433",
      "0x7f000001",
      "0177.0.0.1",
      "0177.00.00.01",
      "127.1",
      "127.0.1",
      "0x7f.1",
    ]) {
      assert.equal(parseIPv4(s)?.addr, lo, s);
    }
    assert.equal(parseIPv4("127.0.0.1")?.canonical, true);
    assert.equal(parseIPv4("127.1")?.canonical, false);
    // Overflow wraps modulo 2^32 the way lenient resolvers truncate.
    assert.equal(parseIPv4("7147006462")?.addr, 0xa9fea9fe);
    assert.equal(parseIPv4("0x41414141A9FEA9FE")?.addr, 0xa9fea9fe);
    for (const s of ["", "1.2.3.4.5", "1..2", "a.b.c.d", "09.1.1.1", "1.2.3.x"])
      assert.equal(parseIPv4(s), null, s);
  });

  it("reads IPv6 text forms, embedded IPv4 and zones", () => {
    assert.deepEqual(parseIPv6("::1"), [0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(parseIPv6("::ffff:169.254.169.254"), [0, 0, 0, 0, 0, 0xffff, 0xa9fe, 0xa9fe]);
    assert.deepEqual(parseIPv6("fe80::1%eth0"), [0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    assert.equal(parseIPv6("1:2:3"), null);
    assert.equal(parseIPv6("gggg::1"), null);
  });

  it("classifies hosts", () => {
    const cls = (h: string) => classifyHost(h).cls;
    assert.equal(cls("169.254.169.254"), "metadata");
    assert.equal(cls("[fd00:ec2::254]"), "metadata");
    assert.equal(cls("metadata.google.internal"), "metadata");
    assert.equal(cls("100.100.100.200"), "metadata");
    assert.equal(cls("127.0.0.1"), "loopback");
    assert.equal(cls("[::1]"), "loopback");
    assert.equal(cls("[::ffff:127.0.0.1]"), "loopback");
    assert.equal(cls("[0:0:0:0:0:0:169.254.169.254]"), "metadata");
    assert.equal(cls("0.0.0.0"), "unspecified");
    assert.equal(cls("10.1.2.3"), "private");
    assert.equal(cls("172.31.0.1"), "private");
    assert.equal(cls("172.32.0.1"), "public");
    assert.equal(cls("localhost"), "loopback");
    assert.equal(cls("host.docker.internal"), "internal-name");
    assert.equal(cls("api.default.svc.cluster.local"), "internal-name");
    assert.equal(cls("foo.localtest.me"), "rebinding");
    assert.equal(cls("10.0.0.1.nip.io"), "rebinding");
    assert.equal(cls("www.example.com"), "public");
    assert.equal(cls("notnip.io"), "public");
    assert.equal(classifyHost("0x7f000001").obfuscated, true);
  });

  it("maps look-alike and escaped hosts", () => {
    assert.equal(readHost("①②⑦.⓪.⓪.①").host, "127.0.0.1");
    assert.equal(readHost("ⓛⓞⓒⓐⓛⓗⓞⓢⓣ").host, "localhost");
    assert.equal(readHost("169。254。169。254").host, "169.254.169.254");
    const esc = readHost("\\l\\o\\c\\a\\l\\h\\o\\s\\t");
    assert.equal(esc.host, "localhost");
    assert.equal(esc.disguised, true);
    const ui = readHost("user:pw@Example.COM:8080");
    assert.deepEqual([ui.host, ui.port, ui.userinfo], ["example.com", "8080", true]);
  });

  it("finds URLs in free text with any slash count", () => {
    const us = findUrls('see http:\\\\Evil.example/x and gopher://10.0.0.1:70/_ and {"a":"b"}');
    assert.deepEqual(
      us.map((u) => [u.scheme, u.slashes, u.host]),
      [
        ["http", 2, "evil.example"],
        ["gopher", 2, "10.0.0.1"],
      ],
    );
    assert.equal(findUrls("http:2130706433")[0]?.host, "2130706433");
    assert.equal(findUrls("12:30 ratio 3:2").length, 0);
  });

  it("never throws and stays bounded on random input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const t = Date.now();
        findUrls(s);
        classifyHost(s.toLowerCase());
        readHost(s);
        parseIPv6(s);
        assert.ok(Date.now() - t < 2000);
      }),
      { numRuns: 2000 },
    );
  });
});

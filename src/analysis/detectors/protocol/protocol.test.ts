import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isEvasiveCharset, parseMediaType } from "./content-type.js";
import { contentLengthValue, obfuscatedFramingName, transferEncodingValid } from "./framing.js";
import { checkRange, hostValid } from "./host-range.js";
import { classifyMethod, classifyOverride, eqLower, isToken } from "./methods.js";
import { findRequestLine } from "./request-line.js";

describe("protocol: methods", () => {
  it("classifies methods", () => {
    assert.equal(classifyMethod("GET"), null);
    assert.equal(classifyMethod("PROPFIND"), null);
    assert.equal(classifyMethod("TRACE"), "dangerous-method");
    assert.equal(classifyMethod("track"), "dangerous-method");
    assert.equal(classifyMethod("get"), "method-case");
    assert.equal(classifyMethod("SPST"), "unknown-method");
    assert.equal(classifyMethod("G ET"), "invalid-method");
    assert.equal(classifyMethod(""), "invalid-method");
  });
  it("judges override values without case", () => {
    assert.equal(classifyOverride("patch"), null);
    assert.equal(classifyOverride("TRACE"), "dangerous-method");
    assert.equal(classifyOverride(""), null);
  });
  it("tokens and case-insensitive names", () => {
    assert.ok(isToken("X-Forwarded-For"));
    assert.ok(!isToken("X Forwarded"));
    assert.ok(!isToken("é"));
    assert.ok(eqLower("Content-Length", "content-length"));
    assert.ok(!eqLower("Content-Lengt", "content-length"));
  });
});

describe("protocol: embedded request line", () => {
  it("finds request lines and their span", () => {
    const v = "x\r\nGET /admin HTTP/1.1\r\nHost: a";
    const s = findRequestLine(v);
    assert.ok(s);
    assert.equal(v.slice(s.start, s.end), "GET /admin HTTP/1.1");
    assert.ok(findRequestLine("barPOST / HTTP/1.1"));
    assert.ok(findRequestLine("GET http://x.example/ HTTP/3.2"));
    assert.ok(findRequestLine('<a b="&#10;POST / HTTP/1.1">'));
  });
  it("ignores prose", () => {
    assert.equal(findRequestLine("we saw GET / HTTP/1.1 requests"), null);
    assert.equal(findRequestLine("HTTP/1.1 200 OK"), null);
    assert.equal(findRequestLine("get / http/1.1"), null);
    assert.equal(findRequestLine("FOO / HTTP/1.1"), null);
    assert.equal(findRequestLine("GET  HTTP/1.1"), null);
  });
  it("never throws and stays linear on random and adversarial input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        findRequestLine(s);
      }),
    );
    const big = `GET ${"a".repeat(100_000)} HTTP/1.1 `.repeat(20);
    const t0 = performance.now();
    findRequestLine(big);
    assert.ok(performance.now() - t0 < 200);
  });
});

describe("protocol: framing", () => {
  it("validates Content-Length (RFC 9110 §8.6)", () => {
    assert.equal(contentLengthValue("42"), "42");
    assert.equal(contentLengthValue("42, 42"), "42");
    assert.equal(contentLengthValue("042, 42"), "42");
    assert.equal(contentLengthValue("4, 5"), null);
    assert.equal(contentLengthValue("+4"), null);
    assert.equal(contentLengthValue("0x10"), null);
    assert.equal(contentLengthValue(""), null);
  });
  it("validates Transfer-Encoding (RFC 9112 §6.1)", () => {
    assert.ok(transferEncodingValid("chunked"));
    assert.ok(transferEncodingValid("Chunked"));
    assert.ok(transferEncodingValid("gzip, chunked"));
    assert.ok(!transferEncodingValid("chunked, gzip"));
    assert.ok(!transferEncodingValid("xchunked"));
    assert.ok(!transferEncodingValid("chunked, identity"));
    assert.ok(!transferEncodingValid("chunked,chunked"));
    assert.ok(!transferEncodingValid("chunked\u000b"));
    assert.ok(!transferEncodingValid('"chunked"'));
  });
  it("spots framing names dressed up", () => {
    assert.equal(obfuscatedFramingName("Transfer-Encoding "), "transfer-encoding");
    assert.equal(obfuscatedFramingName("\tContent-Length"), "content-length");
    assert.equal(obfuscatedFramingName("Transfer-Encoding"), null);
    assert.equal(obfuscatedFramingName("X-Foo"), null);
  });
});

describe("protocol: Host and Range", () => {
  it("Host grammar (RFC 9110 §7.2, RFC 3986 §3.2.2)", () => {
    for (const ok of [
      "example.com",
      "example.com:8443",
      "10.0.0.1:80",
      "[2001:db8::1]:443",
      "a_b.example",
      "",
    ])
      assert.ok(hostValid(ok), ok);
    for (const bad of ["a.example/x", "a@b.example", "a b", "a:80:81", "a:http", "[::1", "a\\b"])
      assert.ok(!hostValid(bad), bad);
  });
  it("Range grammar (RFC 9110 §14.1.2)", () => {
    assert.equal(checkRange("bytes=0-"), "ok");
    assert.equal(checkRange("bytes=-500"), "ok");
    assert.equal(checkRange("bytes=0-99, 200-299"), "ok");
    assert.equal(checkRange("items=1-5"), "ok");
    assert.equal(checkRange("1-2"), "malformed");
    assert.equal(checkRange("bytes=5-1"), "malformed");
    assert.equal(checkRange("bytes=-"), "malformed");
    assert.equal(checkRange(`bytes=${Array.from({ length: 40 }, (_, i) => `${i}-`).join(",")}`), "too-many");
  });
  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        hostValid(s);
        checkRange(s);
        contentLengthValue(s);
        transferEncodingValid(s);
        obfuscatedFramingName(s);
      }),
    );
  });
});

describe("protocol: Content-Type", () => {
  it("parses media types (RFC 9110 §8.3.1)", () => {
    const m = parseMediaType('multipart/form-data; boundary="a b"; charset=utf-8');
    assert.equal(m.essence, "multipart/form-data");
    assert.deepEqual(m.params, [
      ["boundary", "a b"],
      ["charset", "utf-8"],
    ]);
    assert.ok(m.wellFormed);
    assert.ok(!m.multiple);
    assert.ok(parseMediaType("application/json;").wellFormed);
    assert.ok(parseMediaType("application/json, text/xml").multiple);
    assert.ok(!parseMediaType("application/json, application/json").multiple);
    assert.ok(!parseMediaType("nonsense").wellFormed);
  });
  it("knows the re-encoding charsets", () => {
    assert.ok(isEvasiveCharset("UTF-7"));
    assert.ok(isEvasiveCharset(" ibm037 "));
    assert.ok(!isEvasiveCharset("gbk"));
    assert.ok(!isEvasiveCharset("utf-8"));
  });
  it("never throws, bounded on long lists", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseMediaType(s);
      }),
    );
    const t0 = performance.now();
    parseMediaType("a/b,".repeat(2000));
    assert.ok(performance.now() - t0 < 200);
  });
});

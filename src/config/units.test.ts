import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { durationText, sizeText } from "./print.js";
import { formatListen, parseDuration, parseListen, parseNetwork, parseSize } from "./units.js";

describe("config units", () => {
  it("parses sizes with binary and decimal units", () => {
    assert.equal(parseSize(0), 0);
    assert.equal(parseSize("512"), 512);
    assert.equal(parseSize("64KiB"), 65536);
    assert.equal(parseSize("64k"), 65536);
    assert.equal(parseSize("1MB"), 1_000_000);
    assert.equal(parseSize("1 MiB"), 1024 * 1024);
    assert.equal(parseSize("2GiB"), 2 * 1024 ** 3);
    assert.match(String(parseSize("1TB")), /not a size/);
    assert.match(String(parseSize("-1")), /not a size/);
    assert.match(String(parseSize(1.5)), /whole number/);
    assert.match(String(parseSize(true)), /expected a size/);
  });

  it("parses durations", () => {
    assert.equal(parseDuration(250), 250);
    assert.equal(parseDuration("250"), 250);
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("10s"), 10_000);
    assert.equal(parseDuration("5m"), 300_000);
    assert.equal(parseDuration("1h"), 3_600_000);
    assert.equal(parseDuration("7d"), 7 * 86_400_000);
    assert.match(String(parseDuration("1w")), /not a duration/);
    assert.match(String(parseDuration("soon")), /not a duration/);
  });

  it("parses listen addresses", () => {
    assert.deepEqual(parseListen("127.0.0.1:8445"), { host: "127.0.0.1", port: 8445 });
    assert.deepEqual(parseListen("0.0.0.0:0"), { host: "0.0.0.0", port: 0 });
    assert.deepEqual(parseListen("[::1]:8446"), { host: "::1", port: 8446 });
    assert.deepEqual(parseListen("localhost:80"), { host: "localhost", port: 80 });
    assert.match(String(parseListen("8445")), /host:port/);
    assert.match(String(parseListen("::1:8445")), /brackets/);
    assert.match(String(parseListen("127.0.0.1:65536")), /not a port/);
    assert.match(String(parseListen("bad host:1")), /not an IP address or host name/);
    assert.equal(formatListen({ host: "::1", port: 1 }), "[::1]:1");
  });

  it("parses networks", () => {
    assert.equal(parseNetwork("10.0.0.0/8"), "10.0.0.0/8");
    assert.equal(parseNetwork("::1"), "::1");
    assert.equal(parseNetwork("fd00::/8"), "fd00::/8");
    assert.ok(typeof parseNetwork("10.0.0.0/33") === "object");
    assert.ok(typeof parseNetwork("example.com") === "object");
  });

  it("never throws on arbitrary text, and prints sizes and durations it reads back", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        parseSize(s);
        parseDuration(s);
        parseListen(s);
        parseNetwork(s);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (n) => {
        assert.equal(parseSize(sizeText(n)), n);
        assert.equal(parseDuration(durationText(n)), n);
      }),
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseDuration, parseSource, parseTime, parseTypes } from "./formats.js";

describe("parseTime", () => {
  it("reads epoch ms and ISO 8601 dates and zoned date-times", () => {
    assert.equal(parseTime("0"), 0);
    assert.equal(parseTime("1714521600000"), Date.UTC(2024, 4, 1));
    assert.equal(parseTime("2024-05-01"), Date.UTC(2024, 4, 1));
    assert.equal(parseTime("2024-05-01T12:30Z"), Date.UTC(2024, 4, 1, 12, 30));
    assert.equal(parseTime("2024-05-01T12:30:15.250+02:00"), Date.UTC(2024, 4, 1, 10, 30, 15, 250));
    assert.equal(parseTime("2024-02-29"), Date.UTC(2024, 1, 29));
  });

  it("rejects impossible dates, zone-less date-times and other shapes", () => {
    for (const s of [
      "",
      "-1",
      "1e12",
      "2024-02-30",
      "2023-02-29",
      "2024-13-01",
      "2024-05-01T24:00Z",
      "2024-05-01T12:60Z",
      "2024-05-01T12:00",
      "2024-05-01 12:00Z",
      "May 1, 2024",
      "1234567890123456",
    ]) {
      assert.equal(parseTime(s), undefined, s);
    }
  });

  it("reads back every toISOString()", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), (ms) => {
        assert.equal(parseTime(new Date(ms).toISOString()), ms);
        assert.equal(parseTime(String(ms)), ms);
      }),
    );
  });
});

describe("parseSource", () => {
  it("takes IPs and CIDR blocks, v4 and v6", () => {
    assert.deepEqual(parseSource("203.0.113.7"), { ip: "203.0.113.7", family: 4 });
    assert.deepEqual(parseSource("203.0.113.0/24"), { ip: "203.0.113.0", prefix: 24, family: 4 });
    assert.deepEqual(parseSource("2001:db8::/32"), { ip: "2001:db8::", prefix: 32, family: 6 });
    assert.deepEqual(parseSource("::/0"), { ip: "::", prefix: 0, family: 6 });
  });
  it("rejects the rest", () => {
    for (const s of [
      "",
      "example.com",
      "1.2.3.4/33",
      "::/129",
      "1.2.3.4/",
      "1.2.3.4/a",
      "1.2.3.4/-1",
      "fe80::1%eth0",
      "1.2.3",
    ]) {
      assert.equal(parseSource(s), undefined, s);
    }
  });
});

describe("parseTypes", () => {
  it("splits, trims and dedups; rejects unknown names", () => {
    assert.deepEqual(parseTypes(["sqli, xss", "sqli", "rce"]), ["sqli", "xss", "rce"]);
    assert.deepEqual(parseTypes(["sqli,,"]), ["sqli"]);
    assert.equal(parseTypes(["sqli", "SQLI"]), undefined);
    assert.equal(parseTypes(["__proto__"]), undefined);
  });
});

describe("parseDuration", () => {
  it("reads units and plain milliseconds", () => {
    assert.equal(parseDuration("90s"), 90_000);
    assert.equal(parseDuration("5m"), 300_000);
    assert.equal(parseDuration("1h"), 3_600_000);
    assert.equal(parseDuration("2d"), 172_800_000);
    assert.equal(parseDuration("60000"), 60_000);
    for (const s of ["", "0", "0h", "1w", "h", "1.5h", "-1h", "99999999999d"])
      assert.equal(parseDuration(s), undefined, s);
  });
});

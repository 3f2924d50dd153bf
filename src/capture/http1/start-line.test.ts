import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  NOT_START,
  REQUEST_LINE,
  type ScanResult,
  STATUS_LINE,
  scanForStart,
  startLineKind,
} from "./start-line.js";

function kind(s: string): number {
  const b = Buffer.from(s, "latin1");
  return startLineKind(b, 0, b.length);
}

describe("startLineKind", () => {
  it("recognises request lines", () => {
    assert.equal(kind("GET / HTTP/1.1"), REQUEST_LINE);
    assert.equal(kind("GET /a?b=c HTTP/1.0\r"), REQUEST_LINE);
    assert.equal(kind("M-SEARCH * HTTP/1.1"), REQUEST_LINE);
    assert.equal(kind("GET http://h/x HTTP/1.1"), REQUEST_LINE);
    assert.equal(kind("GET  /  HTTP/1.1"), REQUEST_LINE, "runs of SP are tolerated");
  });
  it("recognises status lines", () => {
    assert.equal(kind("HTTP/1.1 200 OK"), STATUS_LINE);
    assert.equal(kind("HTTP/1.0 404"), STATUS_LINE);
    assert.equal(kind("HTTP/1.1 500 Internal Server Error\r"), STATUS_LINE);
  });
  it("rejects what is not a start line", () => {
    for (const s of [
      "",
      "hello world",
      "GET / HTTP/2.0",
      "PRI * HTTP/2.0",
      "G(T / HTTP/1.1",
      "GET /a b HTTP/1.1",
      "GET HTTP/1.1",
      "HTTP/1.1 2000 OK",
      "HTTP/1.1 20 OK",
      "HTTP/1.1200 OK",
      " GET / HTTP/1.1",
      "GET / HTTP/1.1 x",
      `${"A".repeat(40)} / HTTP/1.1`,
      `GET /${"a".repeat(9000)} HTTP/1.1`,
    ])
      assert.equal(kind(s), NOT_START, s.slice(0, 40));
  });
});

function scan(s: string, lineStart: boolean): { found: number; keep: number } {
  const out: ScanResult = { found: -1, keep: -1, keepLineStart: false };
  return scanRaw(s, lineStart, out);
}
function scanRaw(s: string, lineStart: boolean, out: ScanResult): { found: number; keep: number } {
  const b = Buffer.from(s, "latin1");
  scanForStart(b, 0, b.length, lineStart, out);
  return { found: out.found, keep: out.keep };
}

describe("scanForStart", () => {
  it("finds the next start line at a line start, or a known method in mid-line", () => {
    assert.deepEqual(scan("xx PUZ / HTTP/1.1\r\nGET /b HTTP/1.1\r\n", false), { found: 19, keep: -1 });
    assert.deepEqual(scan("xx GET / HTTP/1.1\r\n", false), { found: 3, keep: -1 });
    assert.deepEqual(scan("GET / HTTP/1.1\r\n", true), { found: 0, keep: -1 });
    assert.deepEqual(scan("GET / HTTP/1.1\r\n", false), { found: 0, keep: -1 });
    assert.deepEqual(scan("PUZ / HTTP/1.1\r\n", false), { found: -1, keep: -1 });
    assert.deepEqual(scan("body\nHTTP/1.1 204 No Content\r\n", false), { found: 5, keep: -1 });
  });
  it("finds a message glued to the end of a body", () => {
    assert.deepEqual(scan("aaaaHTTP/1.1 200 OK\r\n", false), { found: 4, keep: -1 });
    assert.deepEqual(scan("{}POST /x HTTP/1.1\r\n", false), { found: 2, keep: -1 });
    assert.deepEqual(scan("zzGETX /x HTTP/1.1\r\n", false), { found: -1, keep: -1 });
  });
  it("keeps an unfinished last line that may become a start line", () => {
    assert.deepEqual(scan("junk\nGET / HTT", false), { found: -1, keep: 5 });
    assert.deepEqual(scan("junk\nGET / HTTP/1.1", false), { found: -1, keep: 5 });
    assert.deepEqual(scan("junk\n", false), { found: -1, keep: -1 });
    assert.deepEqual(scan("junk junk", true), { found: -1, keep: 0 });
    assert.deepEqual(scan(`${"x".repeat(9000)}`, false), { found: -1, keep: 9000 - 32 });
  });
  it("never throws and reports offsets inside the bytes (property)", () => {
    const alphabet = fc.constantFrom(..."GET / HTTP/1.1 200\r\n xX".split(""));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), fc.boolean(), (chars, ls) => {
        const s = chars.join("");
        const r = scan(s, ls);
        assert.ok(r.found >= -1 && r.found < Math.max(1, s.length));
        if (r.found >= 0) {
          const lf = s.indexOf("\n", r.found);
          assert.notEqual(kind(s.slice(r.found, lf)), NOT_START);
        }
      }),
    );
  });
});

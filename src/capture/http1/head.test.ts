import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  BODY_CHUNKED,
  BODY_LENGTH,
  BODY_NONE,
  BODY_UNKNOWN,
  BODY_UNTIL_CLOSE,
  type MessageHead,
  parseHead,
} from "./head.js";

function req(s: string, maxHeaders = 100): MessageHead {
  const b = Buffer.from(s, "latin1");
  return parseHead(b, 0, b.length, false, maxHeaders);
}
function resp(s: string): MessageHead {
  const b = Buffer.from(s, "latin1");
  return parseHead(b, 0, b.length, true, 100);
}
function details(h: MessageHead): string[] {
  return h.anomalies.map((a) => `${a.code}: ${a.detail}`);
}

describe("parseHead", () => {
  it("reads the request line and fields in order, spelling and repeats kept", () => {
    const h = req("GET /x?y HTTP/1.1\r\nHost: a\r\nX-A:  1 \r\nx-a: 2\r\n\r\n");
    assert.equal(h.method, "GET");
    assert.equal(h.target, "/x?y");
    assert.equal(h.version, "HTTP/1.1");
    assert.deepEqual(h.headers, [
      ["Host", "a"],
      ["X-A", "1"],
      ["x-a", "2"],
    ]);
    assert.equal(h.framing, BODY_NONE);
    assert.deepEqual(h.anomalies, []);
  });
  it("reads the status line", () => {
    const h = resp("HTTP/1.0 404 Not Found\r\nContent-Length: 3\r\n\r\n");
    assert.equal(h.status, 404);
    assert.equal(h.reason, "Not Found");
    assert.equal(h.version, "HTTP/1.0");
    assert.equal(h.framing, BODY_LENGTH);
    assert.equal(h.length, 3);
  });
  it("joins obs-fold lines with one space and notes it", () => {
    const h = req("GET / HTTP/1.1\r\nX-Long: a\r\n  b\r\n\tc\r\n\r\n");
    assert.deepEqual(h.headers, [["X-Long", "a b c"]]);
    assert.deepEqual(details(h), ["http_parse_error: obsolete line folding"]);
  });
  it("notes bad field lines and whitespace before the colon", () => {
    const h = req("GET / HTTP/1.1\r\nnocolon\r\nContent-Length : 5\r\n\r\n");
    assert.deepEqual(h.headers, [["Content-Length", "5"]]);
    assert.deepEqual(details(h), [
      "bad_header: field line without a colon",
      "bad_header: whitespace between field name and colon",
    ]);
    assert.equal(h.framing, BODY_LENGTH);
  });
  it("keeps at most maxHeaders fields but still reads framing from the rest", () => {
    const h = req("POST / HTTP/1.1\r\nA: 1\r\nB: 2\r\nContent-Length: 7\r\n\r\n", 2);
    assert.equal(h.headers.length, 2);
    assert.equal(h.dropped, 1);
    assert.equal(h.length, 7);
    assert.deepEqual(details(h), ["headers_limit: more than 2 header fields"]);
  });
  it("accepts identical repeated Content-Length, notes conflicting ones and picks the first", () => {
    const same = req("POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 4, 4\r\n\r\n");
    assert.equal(same.length, 4);
    assert.deepEqual(details(same), ["duplicate_header: repeated Content-Length with the same value"]);
    const diff = req("POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 9\r\n\r\n");
    assert.equal(diff.framing, BODY_LENGTH);
    assert.equal(diff.length, 4);
    assert.deepEqual(details(diff), ["http_parse_error: conflicting Content-Length values"]);
  });
  it("an invalid Content-Length leaves a request body unknown and a response read to close", () => {
    assert.equal(req("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n").framing, BODY_UNKNOWN);
    assert.equal(resp("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").framing, BODY_UNTIL_CLOSE);
  });
  it("Transfer-Encoding chunked wins over Content-Length, with an anomaly", () => {
    const h = req("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert.equal(h.framing, BODY_CHUNKED);
    assert.deepEqual(details(h), ["http_parse_error: both Transfer-Encoding and Content-Length"]);
    assert.equal(req("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n").framing, BODY_CHUNKED);
    assert.equal(req("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n").framing, BODY_UNKNOWN);
    assert.equal(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n").framing, BODY_UNTIL_CLOSE);
  });
  it("1xx, 204 and 304 have no body; other responses without a length read to close", () => {
    for (const s of [100, 101, 103, 204, 304])
      assert.equal(resp(`HTTP/1.1 ${s} X\r\nContent-Length: 10\r\n\r\n`).framing, BODY_NONE);
    assert.equal(resp("HTTP/1.1 200 OK\r\n\r\n").framing, BODY_UNTIL_CLOSE);
  });
  it("reads non-UTF-8 bytes as Latin-1 and UTF-8 as UTF-8", () => {
    const u = req("GET / HTTP/1.1\r\nX: é\r\n\r\n".replace("é", Buffer.from("é").toString("latin1")));
    assert.deepEqual(u.headers, [["X", "é"]]);
    const l = req("GET / HTTP/1.1\r\nX: \xff\r\n\r\n");
    assert.deepEqual(l.headers, [["X", "\xff"]]);
    assert.deepEqual(details(l), ["bad_utf8: message head is not UTF-8; read as Latin-1"]);
  });
  it("notes extra whitespace and bare LF", () => {
    const h = req("GET  /  HTTP/1.1\nA: b\n\n");
    assert.equal(h.target, "/");
    assert.deepEqual(details(h), [
      "http_parse_error: bare LF line ending",
      "http_parse_error: extra whitespace in request line",
    ]);
  });
  it("never throws on any field lines (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const h = req(`GET / HTTP/1.1\r\n${s}`);
        assert.ok(h.anomalies.length <= 16);
        assert.ok(h.length >= 0 && Number.isSafeInteger(h.length));
      }),
    );
  });
});

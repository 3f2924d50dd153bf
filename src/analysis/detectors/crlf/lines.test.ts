import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  assignmentAt,
  fieldNameAt,
  isRequestLine,
  isStatusLine,
  lineEndsWithRequestLine,
  markupAt,
} from "./lines.js";

describe("HTTP line shapes (RFC 9112)", () => {
  it("status lines", () => {
    assert.ok(isStatusLine("HTTP/1.1 200 OK", 0));
    assert.ok(isStatusLine("xHTTP/2 302", 1));
    assert.equal(isStatusLine("HTTP/1.1 is a protocol", 0), false);
  });
  it("request lines", () => {
    assert.ok(isRequestLine("GET /a HTTP/1.1", 0));
    assert.ok(isRequestLine("POST http://x/ HTTP/1.0", 0));
    assert.equal(isRequestLine("Get the file over HTTP/1.1", 0), false);
    assert.equal(isRequestLine("GET  HTTP/1.1", 0), false);
    assert.ok(lineEndsWithRequestLine("barGET /a.html HTTP/1.1", 0, 23));
    assert.equal(lineEndsWithRequestLine("we speak HTTP/1.1", 0, 17), false);
  });
  it("field lines", () => {
    assert.equal(fieldNameAt("Set-Cookie: a=b", 0), 10);
    assert.equal(fieldNameAt("Remote-addr   : x", 0), 11);
    assert.equal(fieldNameAt("http://example.com", 0), -1);
    assert.equal(fieldNameAt("10:30 meeting", 0), -1);
    assert.equal(fieldNameAt("Trace ID: 1", 0), -1);
  });
  it("assignments and markup", () => {
    assert.ok(assignmentAt("next=more", 0));
    assert.equal(assignmentAt("next more=", 0), false);
    assert.ok(markupAt("<html>", 0));
    assert.equal(markupAt("< 3", 0), false);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Header, StoredRequest } from "../model/index.js";
import { rawHttp, targetText } from "./raw-http.js";

function request(over: Partial<StoredRequest>): StoredRequest {
  return {
    id: "r1",
    ts: 0,
    method: "GET",
    target: "/",
    httpVersion: "1.1",
    headers: [["Host", "app.example"]],
    body: "",
    bodyTruncated: false,
    clientIp: "203.0.113.1",
    scheme: "http",
    host: "app.example",
    source: "test",
    anomalies: [],
    ...over,
  };
}

describe("rawHttp", () => {
  it("renders request line, headers in order, blank line and body with CRLF", () => {
    const r = request({
      method: "POST",
      target: "/login?next=%2F",
      headers: [
        ["Host", "app.example"],
        ["content-type", "application/x-www-form-urlencoded"],
        ["X-Dup", "1"],
        ["X-Dup", "2"],
      ],
      body: "user=a&pass=[masked]",
    });
    assert.equal(
      rawHttp(r),
      "POST /login?next=%2F HTTP/1.1\r\nHost: app.example\r\ncontent-type: application/x-www-form-urlencoded\r\n" +
        "X-Dup: 1\r\nX-Dup: 2\r\n\r\nuser=a&pass=[masked]",
    );
  });

  it("adds Host from the recorded host when the request had none, and drops pseudo-headers", () => {
    const r = request({
      httpVersion: "2",
      headers: [
        [":authority", "app.example"],
        ["accept", "*/*"],
      ],
    });
    assert.equal(rawHttp(r), "GET / HTTP/1.1\r\nHost: app.example\r\naccept: */*\r\n\r\n");
  });

  it("keeps one line per header and one request line whatever the content", () => {
    const text = fc.string({
      unit: fc.constantFrom("a", " ", "\r", "\n", "\0", ":", "\t", "é"),
      maxLength: 20,
    });
    fc.assert(
      fc.property(
        text,
        text,
        fc.array(fc.tuple(text, text), { maxLength: 6 }),
        text,
        (method, target, headers, body) => {
          const r = request({
            method: `M${method}`,
            target: `/${target}`,
            headers: [["Host", "h"], ...(headers as Header[])],
            body,
          });
          const out = rawHttp(r);
          const end = out.indexOf("\r\n\r\n");
          const head = out.slice(0, end);
          const shown = r.headers.filter(([n]) => !n.startsWith(":")).length;
          assert.equal(head.split("\r\n").length, 1 + shown, "pseudo-headers aside, one line per header");
          assert.ok(!/[\n\r\0]/.test(head.replaceAll("\r\n", "")), "no stray CR, LF or NUL in the head");
          assert.equal(head.split("\r\n")[0]!.split(" ").length, 3, "request line has three parts");
          assert.equal(out.slice(end + 4), body, "body verbatim");
        },
      ),
    );
  });

  it("percent-encodes whitespace and controls in the target", () => {
    assert.equal(targetText("/a b\tc\x7f\u00e9"), "/a%20b%09c%7F\u00e9");
  });
});

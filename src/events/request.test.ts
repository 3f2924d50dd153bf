import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HttpExchange } from "../model/index.js";
import { createMasker } from "./mask/index.js";
import { bodyWindow, exchangeFacts, finalCut, storedRequest, targetPath } from "./request.js";

const masker = createMasker();
const meta = { id: "R1", ts: 5, clientIp: "10.0.0.1", host: "shop.example", method: "POST" };

function exchange(over: Partial<HttpExchange["request"]> = {}, ex: Partial<HttpExchange> = {}): HttpExchange {
  return {
    id: "x",
    request: {
      method: "POST",
      target: "/login?password=p",
      headers: [["Host", "shop.example"]],
      body: "",
      ...over,
    },
    ...ex,
  };
}

describe("storedRequest", () => {
  it("keeps the request's shape, masked, with every endpoint field", () => {
    const r = storedRequest(
      exchange(
        {
          body: new TextEncoder().encode("user=a&password=b"),
          headers: [
            ["Host", "h"],
            ["Content-Type", "application/x-www-form-urlencoded"],
            ["X-Dup", "1"],
            ["x-dup", "2"],
          ],
          httpVersion: "1.0",
        },
        {
          client: { ip: "10.0.0.1", port: 4000 },
          server: { ip: "10.0.0.2", port: 443 },
          scheme: "https",
          requestId: "rid",
          source: "http-mirror",
          anomalies: [{ code: "bad_json" }],
          response: { status: 403, headers: [], body: "" },
        },
      ),
      meta,
      [],
      masker,
      1024,
    );
    assert.deepEqual(r, {
      id: "R1",
      ts: 5,
      method: "POST",
      target: "/login?password=***",
      httpVersion: "1.0",
      headers: [
        ["Host", "h"],
        ["Content-Type", "application/x-www-form-urlencoded"],
        ["X-Dup", "1"],
        ["x-dup", "2"],
      ],
      body: "user=a&password=***",
      bodyTruncated: false,
      clientIp: "10.0.0.1",
      clientPort: 4000,
      serverIp: "10.0.0.2",
      serverPort: 443,
      scheme: "https",
      host: "shop.example",
      sourceRequestId: "rid",
      source: "http-mirror",
      anomalies: [{ code: "bad_json" }],
      status: 403,
      responseBytes: 0,
    });
  });
  it("cuts long bodies and says so", () => {
    const r = storedRequest(exchange({ body: "a".repeat(5000) }), meta, [], masker, 1000);
    assert.equal(r.body.length, 1000);
    assert.equal(r.bodyTruncated, true);
    const bin = storedRequest(exchange({ body: new Uint8Array(5000).fill(0x61) }), meta, [], masker, 1000);
    assert.equal(bin.body, "a".repeat(1000));
    assert.equal(bin.bodyTruncated, true);
  });
  it("marks a body the listener truncated", () => {
    const r = storedRequest(
      exchange({ body: "abc" }, { anomalies: [{ code: "body_truncated" }] }),
      meta,
      [],
      masker,
      1000,
    );
    assert.equal(r.bodyTruncated, true);
  });
  it("decodes bytes as lossy UTF-8", () => {
    const r = storedRequest(
      exchange({ body: new Uint8Array([0x68, 0xc3, 0xa9, 0xff, 0x21]) }),
      meta,
      [],
      masker,
      1000,
    );
    assert.equal(r.body, "hé\ufffd!");
  });
  it("masks a card lying across the size limit", () => {
    const body = `${"x".repeat(995)} 4111 1111 1111 1111 tail`;
    const r = storedRequest(exchange({ body }), meta, [], masker, 1000);
    assert.ok(!r.body.includes("4111"), r.body.slice(-20));
  });
  it("bounds headers and the target", () => {
    const headers: [string, string][] = Array.from({ length: 1000 }, (_, i) => [`h${i}`, "v".repeat(20_000)]);
    const r = storedRequest(exchange({ headers, target: `/${"a".repeat(100_000)}` }), meta, [], masker, 1000);
    assert.equal(r.headers.length, 256);
    assert.equal(r.headers[0]![1].length, 8192);
    assert.equal(r.target.length, 16 * 1024);
  });
});

describe("exchangeFacts", () => {
  const req = { method: "GET", target: "/", headers: [], body: "" } as const;
  it("has nothing to say about an exchange without a response or a tunnel", () => {
    assert.deepEqual(exchangeFacts({ id: "x", ts: 1, request: req }), {});
  });
  it("counts wire bytes when known, else the body's bytes (UTF-8 for text)", () => {
    const res = { status: 200, headers: [], body: "é✓" } as const;
    assert.equal(exchangeFacts({ id: "x", request: req, response: res }).responseBytes, 5);
    assert.equal(
      exchangeFacts({ id: "x", request: req, response: { ...res, body: new Uint8Array(7) } }).responseBytes,
      7,
    );
    assert.equal(
      exchangeFacts({ id: "x", request: req, response: { ...res, wireBytes: 3 } }).responseBytes,
      3,
    );
    // A nonsensical wire count falls back to the body.
    assert.equal(
      exchangeFacts({ id: "x", request: req, response: { ...res, wireBytes: -1 } }).responseBytes,
      5,
    );
  });
  it("times the response from the request, to the microsecond, never negative", () => {
    const at = (reqTs: number | undefined, resTs: number | undefined) =>
      exchangeFacts({
        id: "x",
        request: req,
        ...(reqTs === undefined ? {} : { ts: reqTs }),
        response: { status: 200, headers: [], body: "", ...(resTs === undefined ? {} : { ts: resTs }) },
      }).responseMs;
    assert.equal(at(1000.0004, 1012.3456789), 12.345);
    assert.equal(at(1000, 999), 0);
    assert.equal(at(1000, undefined), undefined);
    assert.equal(at(undefined, 1000), undefined);
    assert.equal(at(1000, Number.NaN), undefined);
  });
  it("keeps a VNI and a VLAN only when they are valid identifiers", () => {
    const f = (tunnel: HttpExchange["tunnel"]) =>
      exchangeFacts({ id: "x", request: req, ...(tunnel === undefined ? {} : { tunnel }) });
    assert.deepEqual(f({ id: "vxlan:0 vlan:4095", vni: 0, vlan: 4095 }), { vni: 0, vlan: 4095 });
    assert.deepEqual(f({ id: "x", vni: 0x1000000, vlan: 4096 }), {});
    assert.deepEqual(f({ id: "x", vni: -1, vlan: 1.5 }), {});
    assert.deepEqual(f({ id: "" }), {});
  });
  it("puts the tunnel on the stored request, bounded", () => {
    const long = "vxlan:1 ".repeat(100).trim();
    const r = storedRequest(exchange({}, { tunnel: { id: long, vni: 1 } }), meta, [], masker, 100);
    assert.equal(r.tunnel, long.slice(0, 256));
    assert.equal(r.vni, 1);
    assert.ok(!("tunnel" in storedRequest(exchange({}, { tunnel: { id: "" } }), meta, [], masker, 100)));
  });
});

describe("bodyWindow and finalCut", () => {
  it("decodes a window past the limit and cuts after masking", () => {
    assert.deepEqual(bodyWindow("abc", 10), { text: "abc", cut: false });
    assert.equal(bodyWindow("a".repeat(2000), 10).cut, true);
    assert.deepEqual(finalCut("hello", 10, false), { text: "hello", truncated: false });
    assert.deepEqual(finalCut("hello world", 5, false), { text: "hello", truncated: true });
    // A digit run at the cut may be the start of a card number: dropped.
    assert.deepEqual(finalCut("pay 4111 1111 11", 100, true), { text: "pay", truncated: true });
    assert.deepEqual(finalCut("id 12345", 100, true), { text: "id 12345", truncated: true });
  });
});

describe("targetPath", () => {
  it("takes the path of every request-target form", () => {
    assert.equal(targetPath("/a/b?x=1#f"), "/a/b");
    assert.equal(targetPath("http://h.example:8080/a?b"), "/a");
    assert.equal(targetPath("https://h.example"), "/");
    assert.equal(targetPath("*"), "*");
    assert.equal(targetPath("h.example:443"), "h.example:443");
  });
});

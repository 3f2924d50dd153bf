import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Header } from "../../model/http.js";
import { DEFAULT_CLIENT_IP_HEADERS } from "./client-ip.js";
import { buildExchange, type ConnectionInfo, cleanHost } from "./exchange.js";
import { parseHead } from "./head.js";
import type { ParsedRequest } from "./request-parser.js";
import { TrustedNetworks } from "./trusted.js";

const trusted = new TrustedNetworks(["loopback"]);
const settings = {
  trusted,
  clientIpHeaders: DEFAULT_CLIENT_IP_HEADERS,
  secretHeader: "x-mirrorwatch-secret",
};
const local: ConnectionInfo = { peer: { ip: "127.0.0.1", family: 4, port: 5000 }, peerTrusted: true };
const remote: ConnectionInfo = { peer: { ip: "192.0.2.1", family: 4, port: 5001 }, peerTrusted: false };

function parsed(headLines: string[], body = "", bodyBytes = body.length): ParsedRequest {
  const head = parseHead(`${headLines.join("\r\n")}\r\n`, { maxHeaders: 100 });
  return {
    head,
    body: Buffer.from(body),
    bodyBytes,
    truncated: bodyBytes > body.length,
    anomalies: [...head.anomalies],
  };
}

const mirrored = [
  "POST /login HTTP/1.1",
  "Host: shop.example-shadow:8443",
  "X-Forwarded-For: 203.0.113.9",
  "X-Real-IP: 203.0.113.9",
  "X-Server-Addr: 10.0.0.5",
  "X-Server-Port: 8443",
  "X-Forwarded-Proto: HTTPS",
  "X-Request-ID: 7f3a",
  "X-Mirrorwatch-Secret: s3cret",
];

describe("cleanHost", () => {
  it("removes the -shadow suffix Envoy and Istio add, before any port", () => {
    assert.equal(cleanHost("api.example.com-shadow"), "api.example.com");
    assert.equal(cleanHost("host-shadow:8080"), "host:8080");
    assert.equal(cleanHost("[2001:db8::1]-shadow:80"), "[2001:db8::1]:80");
    assert.equal(cleanHost("Example.COM"), "example.com");
    assert.equal(cleanHost("my-shadow-api.example"), "my-shadow-api.example");
    assert.equal(cleanHost("-shadow"), "-shadow");
  });
});

describe("buildExchange", () => {
  it("fills the exchange from a trusted mirror's headers", () => {
    const e = buildExchange("id1", 1234, parsed(mirrored, "a=1"), local, settings);
    assert.equal(e.id, "id1");
    assert.equal(e.ts, 1234);
    assert.equal(e.source, "http-mirror");
    assert.deepEqual(e.client, { ip: "203.0.113.9" });
    assert.deepEqual(e.server, { ip: "10.0.0.5", port: 8443 });
    assert.equal(e.scheme, "https");
    assert.equal(e.host, "shop.example:8443");
    assert.equal(e.requestId, "7f3a");
    assert.equal(e.request.method, "POST");
    assert.equal(e.request.httpVersion, "HTTP/1.1");
    assert.equal(Buffer.from(e.request.body as Uint8Array).toString(), "a=1");
    // The secret never reaches analysis or the store; the rest stays, in order.
    assert.deepEqual(
      e.request.headers.map(([n]) => n),
      [
        "Host",
        "X-Forwarded-For",
        "X-Real-IP",
        "X-Server-Addr",
        "X-Server-Port",
        "X-Forwarded-Proto",
        "X-Request-ID",
      ],
    );
  });

  it("believes no forwarding information from an untrusted peer, but keeps the headers", () => {
    const e = buildExchange("id2", 1, parsed(mirrored), remote, settings);
    assert.deepEqual(e.client, { ip: "192.0.2.1", port: 5001 });
    assert.equal(e.server, undefined);
    assert.equal(e.scheme, undefined);
    assert.equal(e.host, "shop.example:8443");
    assert.ok(e.request.headers.some(([n]) => n === "X-Forwarded-For"));
  });

  it("uses the PROXY destination as the server when X-Server-Addr is absent", () => {
    const conn: ConnectionInfo = {
      ...local,
      proxySource: { ip: "203.0.113.1", family: 4, port: 999 },
      proxyDestination: { ip: "10.0.0.8", family: 4, port: 443 },
    };
    const e = buildExchange("id3", 1, parsed(["GET / HTTP/1.1", "Host: h"]), conn, settings);
    assert.deepEqual(e.client, { ip: "203.0.113.1", port: 999 });
    assert.deepEqual(e.server, { ip: "10.0.0.8", port: 443 });
  });

  it("says when the body was cut, and takes the host from an absolute-form target", () => {
    const e = buildExchange(
      "id4",
      1,
      parsed(["PUT http://user@files.example:81/x HTTP/1.1"], "abc", 10),
      local,
      settings,
    );
    assert.deepEqual(e.anomalies, [{ code: "body_truncated", detail: "kept 3 of 10 body bytes" }]);
    assert.equal(e.host, "files.example:81");
  });

  it("keeps a secret-named header when no secret is configured", () => {
    const headers: Header[] = [["X-Mirrorwatch-Secret", "x"]];
    const e = buildExchange("id5", 1, parsed(["GET / HTTP/1.1", "X-Mirrorwatch-Secret: x"]), local, {
      trusted,
      clientIpHeaders: DEFAULT_CLIENT_IP_HEADERS,
    });
    assert.deepEqual(e.request.headers, headers);
  });
});

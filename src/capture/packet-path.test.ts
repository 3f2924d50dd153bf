import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HttpExchange } from "../model/index.js";
import { tcpConversation } from "./packet/build.js";
import { LINKTYPE_ETHERNET } from "./packet/types.js";
import { PacketPath, type PacketPathOptions } from "./packet-path.js";

/** Runs one request/response conversation from `peer` through a packet path. */
function run(peer: string, headers: string, opts: Partial<PacketPathOptions> = {}): HttpExchange[] {
  const out: HttpExchange[] = [];
  const path = new PacketPath((ex) => out.push(ex), { source: "test", ...opts });
  const frames = tcpConversation({
    client: peer,
    server: "10.0.1.10",
    clientPort: 51000,
    exchanges: [
      [
        `GET /account?id=7 HTTP/1.1\r\nHost: app.example.test\r\n${headers}\r\n`,
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      ],
    ],
  });
  let t = 1_790_000_000_000;
  for (const f of frames) {
    t += 1;
    path.frame(LINKTYPE_ETHERNET, f, t);
  }
  path.flush();
  return out;
}

describe("PacketPath", () => {
  it("turns a captured conversation into an exchange with its response", () => {
    const [ex, ...rest] = run("10.0.0.5", "");
    assert.equal(rest.length, 0);
    assert.equal(ex?.request.target, "/account?id=7");
    assert.equal(ex?.response?.status, 200);
    assert.deepEqual(ex?.client, { ip: "10.0.0.5", port: 51000 });
    assert.deepEqual(ex?.server, { ip: "10.0.1.10", port: 80 });
  });

  it("takes the client from X-Forwarded-For only when the TCP peer is a trusted proxy", () => {
    const xff = "X-Forwarded-For: 198.51.100.9, 10.0.0.2\r\n";
    // No trusted proxies: the header is the client's word, not evidence.
    assert.equal(run("10.0.0.2", xff)[0]?.client?.ip, "10.0.0.2");
    // The load balancer's subnet is trusted: the rightmost untrusted hop is the client.
    assert.equal(run("10.0.0.2", xff, { trustedProxies: ["10.0.0.0/24"] })[0]?.client?.ip, "198.51.100.9");
    // A peer outside the trusted networks cannot name another client.
    assert.equal(run("203.0.113.4", xff, { trustedProxies: ["10.0.0.0/24"] })[0]?.client?.ip, "203.0.113.4");
  });

  it("drops ignored addresses after decapsulation", () => {
    const out = run("10.0.0.5", "", { ignore: [{ cidr: "10.0.0.0/24", direction: "source" }] });
    // The client's packets are dropped: the server's answers alone make no request.
    assert.equal(out.length, 0);
  });
});

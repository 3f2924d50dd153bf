import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HttpExchange } from "../model/index.js";
import { ethernet, ipv4, tcp } from "./packet/build.js";
import { LINKTYPE_ETHERNET, TCP_ACK, TCP_FIN, TCP_SYN } from "./packet/types.js";
import { PacketPath, type PacketPathOptions } from "./packet-path.js";

const PSH = 0x08;

/** Runs one request/response conversation from `peer` through a packet path. */
function run(peer: string, headers: string, opts: Partial<PacketPathOptions> = {}): HttpExchange[] {
  const out: HttpExchange[] = [];
  const path = new PacketPath((ex) => out.push(ex), { source: "test", ...opts });
  const req = `GET /account?id=7 HTTP/1.1\r\nHost: app.example.test\r\n${headers}\r\n`;
  const res = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  let t = 1_790_000_000_000;
  const send = (toServer: boolean, seq: number, ack: number, flags: number, payload = "") => {
    const seg = tcp({
      srcPort: toServer ? 51000 : 80,
      dstPort: toServer ? 80 : 51000,
      seq,
      ack,
      flags,
      payload: Buffer.from(payload),
    });
    const ip = ipv4({
      src: toServer ? peer : "10.0.1.10",
      dst: toServer ? "10.0.1.10" : peer,
      proto: 6,
      payload: seg,
    });
    t += 1;
    path.frame(LINKTYPE_ETHERNET, ethernet({ etherType: 0x0800, payload: ip }), t);
  };
  send(true, 100, 0, TCP_SYN);
  send(false, 500, 101, TCP_SYN | TCP_ACK);
  send(true, 101, 501, TCP_ACK | PSH, req);
  send(false, 501, 101 + req.length, TCP_ACK | PSH, res);
  send(true, 101 + req.length, 501 + res.length, TCP_ACK | TCP_FIN);
  send(false, 501 + res.length, 102 + req.length, TCP_ACK | TCP_FIN);
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

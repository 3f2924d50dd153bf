import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Header } from "../../model/http.js";
import { type ClientInput, type Hop, resolveClient } from "./client-ip.js";
import { TrustedNetworkError, TrustedNetworks } from "./trusted.js";

const trusted = new TrustedNetworks(["loopback", "10.0.0.0/8", "2001:db8:ffff::/48"]);
const proxyPeer: Hop = { ip: "10.0.0.2", family: 4, port: 40000 };
const outsider: Hop = { ip: "198.51.100.9", family: 4, port: 40001 };

function resolve(peer: Hop, headers: Header[], extra: Partial<ClientInput> = {}) {
  return resolveClient({ peer, headers, trusted, ...extra });
}

describe("TrustedNetworks", () => {
  it("reads CIDRs, addresses and aliases, and matches mapped IPv6 too", () => {
    const t = new TrustedNetworks(["192.0.2.0/24", "2001:db8::1", "private"]);
    assert.equal(t.has("192.0.2.200", 4), true);
    assert.equal(t.has("192.0.3.1", 4), false);
    assert.equal(t.has("2001:db8::1", 6), true);
    assert.equal(t.has("2001:db8::2", 6), false);
    assert.equal(t.has("172.20.1.1", 4), true);
    assert.equal(t.has("::ffff:192.0.2.1", 6), true);
    assert.equal(new TrustedNetworks([]).has("127.0.0.1", 4), false);
  });

  it("refuses entries it cannot read", () => {
    for (const bad of ["10.0.0.0/33", "::/129", "example.com", "10.0.0.0/", "10.0.0/8", "loopbacks"]) {
      assert.throws(() => new TrustedNetworks([bad]), TrustedNetworkError, bad);
    }
  });
});

describe("resolveClient", () => {
  it("an untrusted peer is the client, whatever it claims", () => {
    const r = resolve(outsider, [
      ["X-Forwarded-For", "1.1.1.1"],
      ["X-Real-IP", "2.2.2.2"],
      ["Forwarded", "for=3.3.3.3"],
    ]);
    assert.deepEqual(r.client, { ip: "198.51.100.9", port: 40001 });
    assert.equal(r.via, "peer");
    const p = resolve(outsider, [], { proxySource: { ip: "4.4.4.4", family: 4, port: 1 } });
    assert.equal(p.client.ip, "198.51.100.9");
  });

  it("X-Forwarded-For from a trusted peer: the rightmost untrusted hop", () => {
    const r = resolve(proxyPeer, [["X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.1.1.1, 127.0.0.1"]]);
    assert.deepEqual(r, { client: { ip: "203.0.113.7" }, via: "x-forwarded-for", anomalies: [] });
  });

  it("X-Real-IP from a trusted peer", () => {
    const r = resolve(proxyPeer, [["X-Real-IP", "203.0.113.8"]]);
    assert.deepEqual(r.client, { ip: "203.0.113.8" });
    assert.equal(r.via, "x-real-ip");
  });

  it("Forwarded from a trusted peer, with quoted IPv6 and port", () => {
    const r = resolve(proxyPeer, [["Forwarded", 'for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.9']]);
    assert.deepEqual(r.client, { ip: "2001:db8:cafe::17", port: 4711 });
    assert.equal(r.via, "forwarded");
  });

  it("follows the header order: X-Forwarded-For before X-Real-IP before Forwarded by default", () => {
    const headers: Header[] = [
      ["Forwarded", "for=3.3.3.3"],
      ["X-Real-IP", "2.2.2.2"],
      ["X-Forwarded-For", "1.1.1.1"],
    ];
    assert.equal(resolve(proxyPeer, headers).client.ip, "1.1.1.1");
    assert.equal(resolve(proxyPeer, headers.slice(0, 2)).client.ip, "2.2.2.2");
    assert.equal(resolve(proxyPeer, headers.slice(0, 1)).client.ip, "3.3.3.3");
    assert.equal(resolve(proxyPeer, headers, { headerOrder: ["forwarded"] }).client.ip, "3.3.3.3");
  });

  it("PROXY protocol source: the client when untrusted, else the walk goes on through headers", () => {
    const src: Hop = { ip: "203.0.113.50", family: 4, port: 5555 };
    const r = resolve(proxyPeer, [["X-Forwarded-For", "1.1.1.1"]], { proxySource: src });
    assert.deepEqual(r, { client: { ip: "203.0.113.50", port: 5555 }, via: "proxy-protocol", anomalies: [] });
    const lb: Hop = { ip: "10.9.9.9", family: 4, port: 5555 };
    const r2 = resolve(proxyPeer, [["X-Forwarded-For", "1.1.1.1, 10.9.9.9"]], { proxySource: lb });
    assert.equal(r2.client.ip, "1.1.1.1");
  });

  it("a hop that names no address stops the walk at the nearest trusted hop", () => {
    const r = resolve(proxyPeer, [["X-Forwarded-For", "1.1.1.1, junk, 10.0.0.7"]]);
    assert.equal(r.client.ip, "10.0.0.7");
    assert.equal(r.anomalies[0]?.code, "bad_header");
    const o = resolve(proxyPeer, [["Forwarded", "for=1.1.1.1, for=_hidden"]]);
    assert.equal(o.client.ip, "10.0.0.2");
    assert.deepEqual(o.anomalies, []);
  });

  it("when every hop is trusted, the leftmost is the client", () => {
    const r = resolve(proxyPeer, [["X-Forwarded-For", "10.5.5.5, 127.0.0.1"]]);
    assert.equal(r.client.ip, "10.5.5.5");
  });

  it("the client is always the peer, the PROXY source or a hop the headers name", () => {
    const ip = fc.oneof(
      fc.constantFrom(
        "10.0.0.1",
        "127.0.0.1",
        "203.0.113.1",
        "198.51.100.2",
        "2001:db8:ffff::1",
        "2001:db8::9",
      ),
      fc.ipV4(),
    );
    const value = fc.array(fc.oneof(ip, fc.constantFrom("unknown", "_x", "junk", "")), { maxLength: 6 });
    fc.assert(
      fc.property(value, value, ip, fc.option(ip), (xff, fwd, peerIp, proxyIp) => {
        const headers: Header[] = [
          ["X-Forwarded-For", xff.join(", ")],
          ["Forwarded", fwd.map((f) => `for="${f}"`).join(",")],
        ];
        const peer: Hop = { ip: peerIp, family: peerIp.includes(":") ? 6 : 4 };
        const extra =
          proxyIp === null
            ? {}
            : { proxySource: { ip: proxyIp, family: proxyIp.includes(":") ? 6 : 4 } as Hop };
        const r = resolve(peer, headers, extra);
        const candidates = new Set([peerIp, ...(proxyIp === null ? [] : [proxyIp]), ...xff]);
        assert.ok(candidates.has(r.client.ip), `${r.client.ip} not among ${[...candidates]}`);
        if (!trusted.has(peer.ip, peer.family)) assert.equal(r.client.ip, peerIp);
      }),
      { numRuns: 500 },
    );
  });
});

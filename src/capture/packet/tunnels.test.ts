import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as B from "./build.js";
import { CollectSink } from "./collect-sink.js";
import { PacketDecoder } from "./decoder.js";
import type { DecoderOptions } from "./options.js";
import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from "./types.js";

const enc = new TextEncoder();
const seg = (s = "GET /x HTTP/1.1\r\n\r\n") =>
  B.tcp({ srcPort: 50000, dstPort: 8080, seq: 1, ack: 2, flags: 0x18, payload: enc.encode(s) });
const inner4 = () => B.ipv4({ src: "172.16.0.5", dst: "172.16.0.9", proto: 6, payload: seg() });
const inner6 = () => B.ipv6({ src: "fd00::5", dst: "fd00::9", proto: 6, payload: seg() });
const innerEth = (vlans: number[] = []) => B.ethernet({ etherType: 0x0800, vlans, payload: inner4() });
/** Outer Ethernet / IPv4 / UDP to `port` carrying `payload`. */
const overUdp = (port: number, payload: Uint8Array) =>
  B.ethernet({
    etherType: 0x0800,
    payload: B.ipv4({
      src: "10.0.0.1",
      dst: "10.0.0.2",
      proto: 17,
      payload: B.udp({ srcPort: 61000, dstPort: port, payload }),
    }),
  });
const overGre = (payload: Uint8Array) =>
  B.ethernet({
    etherType: 0x0800,
    payload: B.ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: 47, payload }),
  });

function decoder(opts: Partial<DecoderOptions> = {}) {
  const sink = new CollectSink();
  return { sink, d: new PacketDecoder(sink, opts) };
}

describe("VXLAN", () => {
  it("in a captured frame on UDP 4789 and on its own socket", () => {
    const { sink, d } = decoder();
    d.frame(LINKTYPE_ETHERNET, overUdp(4789, B.vxlan(42, innerEth([10]))), 0);
    d.vxlan(B.vxlan(0xabcdef, innerEth()), 0);
    assert.deepEqual(
      sink.seen.map((p) => [p.tunnel, p.vni, p.vlan, p.src, p.payload]),
      [
        ["vxlan:42 vlan:10", 42, 10, "172.16.0.5", "GET /x HTTP/1.1\r\n\r\n"],
        [`vxlan:${0xabcdef}`, 0xabcdef, -1, "172.16.0.5", "GET /x HTTP/1.1\r\n\r\n"],
      ],
    );
    assert.equal(d.counters.vxlan, 2);
  });

  it("configurable ports; the default port is then plain UDP", () => {
    const { sink, d } = decoder({ vxlanPorts: [8472] });
    d.frame(LINKTYPE_ETHERNET, overUdp(8472, B.vxlan(1, innerEth())), 0);
    d.frame(LINKTYPE_ETHERNET, overUdp(4789, B.vxlan(1, innerEth())), 0);
    assert.equal(sink.seen.length, 1);
    assert.equal(d.counters.udp, 1);
  });

  it("refuses a header without the I flag", () => {
    const { sink, d } = decoder();
    const v = B.vxlan(5, innerEth());
    v[0] = 0;
    d.vxlan(v, 0);
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.malformed, 1);
  });

  it("filters by the innermost VNI", () => {
    const { sink, d } = decoder({ vnis: new Set([42]) });
    d.vxlan(B.vxlan(42, innerEth()), 0);
    d.vxlan(B.vxlan(43, innerEth()), 0);
    d.frame(LINKTYPE_ETHERNET, innerEth(), 0);
    d.geneve(
      B.geneve(
        99,
        0x0800,
        B.ipv4({
          src: "1.1.1.1",
          dst: "2.2.2.2",
          proto: 17,
          payload: B.udp({ srcPort: 1, dstPort: 4789, payload: B.vxlan(42, innerEth()) }),
        }),
      ),
      0,
    );
    assert.deepEqual(
      sink.seen.map((p) => p.tunnel),
      ["vxlan:42", "geneve:99 vxlan:42"],
    );
    assert.equal(d.counters.vniFiltered, 2);
  });

  it("interns tunnel strings: the same path gives the same string", () => {
    const { sink, d } = decoder();
    d.vxlan(B.vxlan(42, innerEth([10])), 0);
    d.vxlan(B.vxlan(42, innerEth([10])), 0);
    assert.equal(sink.seen[0]?.tunnel, "vxlan:42 vlan:10");
    assert.equal(sink.seen[0]?.tunnel, sink.seen[1]?.tunnel);
  });

  it("keeps working past the intern table's bound", () => {
    const { sink, d } = decoder({ maxInternedTunnels: 8 });
    for (let vni = 0; vni < 40; vni++) d.vxlan(B.vxlan(vni, innerEth([vni + 1])), 0);
    assert.equal(sink.seen.length, 40);
    assert.equal(sink.seen[39]?.tunnel, "vxlan:39 vlan:40");
    assert.ok(d.counters.internResets >= 4);
  });
});

describe("GENEVE", () => {
  it("carries Ethernet, IPv4 or IPv6, options skipped", () => {
    const { sink, d } = decoder();
    const opts = new Uint8Array([
      ...B.geneveOption(0x0108, 1, new Uint8Array(8)),
      ...B.geneveOption(0x0108, 2, new Uint8Array(4)),
    ]);
    d.geneve(B.geneve(7, 0x6558, innerEth([3]), opts), 0);
    d.geneve(B.geneve(7, 0x0800, inner4(), opts), 0);
    d.geneve(B.geneve(8, 0x86dd, inner6()), 0);
    d.frame(LINKTYPE_ETHERNET, overUdp(6081, B.geneve(9, 0x0800, inner4())), 0);
    assert.deepEqual(
      sink.seen.map((p) => [p.tunnel, p.vni, p.family]),
      [
        ["geneve:7 vlan:3", 7, 4],
        ["geneve:7", 7, 4],
        ["geneve:8", 8, 6],
        ["geneve:9", 9, 4],
      ],
    );
  });

  it("drops other versions, control packets, unknown protocol types and options past the end", () => {
    const { sink, d } = decoder();
    let g = B.geneve(7, 0x0800, inner4());
    g[0] = 0x40;
    d.geneve(g, 0);
    g = B.geneve(7, 0x0800, inner4());
    g[1] = 0x80;
    d.geneve(g, 0);
    d.geneve(B.geneve(7, 0x0806, new Uint8Array(28)), 0);
    g = B.geneve(7, 0x0800, new Uint8Array(4));
    g[0] = 0x3f;
    d.geneve(g, 0);
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.malformed, 1);
    assert.equal(d.counters.unsupportedTunnel, 2);
    assert.equal(d.counters.truncated, 1);
  });

  it("AWS GWLB + Traffic Mirroring: GENEVE → IPv4 → UDP 4789 → VXLAN → Ethernet → 802.1Q → IPv6 → TCP", () => {
    const { sink, d } = decoder();
    const mirrored = B.ethernet({ etherType: 0x86dd, vlans: [10], payload: inner6() });
    const vx = B.ipv4({
      src: "10.9.0.1",
      dst: "10.9.0.2",
      proto: 17,
      payload: B.udp({ srcPort: 33333, dstPort: 4789, payload: B.vxlan(42, mirrored) }),
    });
    d.geneve(B.geneve(7, 0x0800, vx, B.geneveOption(0x0108, 1, new Uint8Array(8))), 5);
    // And the same as captured on the appliance's interface.
    d.frame(LINKTYPE_ETHERNET, overUdp(6081, B.geneve(7, 0x0800, vx)), 6);
    assert.equal(sink.seen.length, 2);
    for (const p of sink.seen) {
      assert.equal(p.tunnel, "geneve:7 vxlan:42 vlan:10");
      assert.equal(p.vni, 42);
      assert.equal(p.vlan, 10);
      assert.equal(p.family, 6);
      assert.equal(p.src, "fd00:0:0:0:0:0:0:5");
      assert.equal(p.payload, "GET /x HTTP/1.1\r\n\r\n");
    }
  });

  it("bounds nested tunnels", () => {
    let pkt = inner4();
    for (let i = 0; i < 6; i++)
      pkt = B.ipv4({
        src: "1.1.1.1",
        dst: "2.2.2.2",
        proto: 17,
        payload: B.udp({ srcPort: 1, dstPort: 6081, payload: B.geneve(i, 0x0800, pkt) }),
      });
    const { sink, d } = decoder({ maxTunnelDepth: 4 });
    d.frame(LINKTYPE_RAW, pkt, 0);
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.tunnelDepthExceeded, 1);
    const deep = decoder({ maxTunnelDepth: 6 });
    deep.d.frame(LINKTYPE_RAW, pkt, 0);
    assert.equal(deep.sink.seen[0]?.tunnel, "geneve:5 geneve:4 geneve:3 geneve:2 geneve:1 geneve:0");
  });
});

describe("GRE and ERSPAN", () => {
  it("GRE with IPv4, IPv6 and Ethernet payloads, with and without checksum, key, sequence", () => {
    const { sink, d } = decoder();
    d.frame(LINKTYPE_ETHERNET, overGre(B.gre({ protocol: 0x0800, payload: inner4() })), 0);
    d.frame(LINKTYPE_ETHERNET, overGre(B.gre({ protocol: 0x86dd, payload: inner6(), key: 5 })), 0);
    d.frame(
      LINKTYPE_ETHERNET,
      overGre(B.gre({ protocol: 0x6558, payload: innerEth([20]), key: 0xfffffffe, seq: 9, checksum: true })),
      0,
    );
    d.frame(
      LINKTYPE_ETHERNET,
      overGre(B.gre({ protocol: 0x0800, payload: inner4(), seq: 1, checksum: true })),
      0,
    );
    assert.deepEqual(
      sink.seen.map((p) => [p.tunnel, p.family, p.vni, p.vlan]),
      [
        ["gre", 4, -1, -1],
        ["gre:key=5", 6, -1, -1],
        ["gre:key=4294967294 vlan:20", 4, -1, 20],
        ["gre", 4, -1, -1],
      ],
    );
    assert.equal(d.counters.gre, 4);
  });

  it("drops GRE versions and flags RFC 2784 tells receivers to discard", () => {
    const { sink, d } = decoder();
    for (const flags of [0x0001, 0x4000, 0x0800, 0x0400]) {
      const g = B.gre({ protocol: 0x0800, payload: inner4() });
      g[0] = flags >> 8;
      g[1] = flags & 0xff;
      d.frame(LINKTYPE_ETHERNET, overGre(g), 0);
    }
    d.frame(LINKTYPE_ETHERNET, overGre(B.gre({ protocol: 0x880b, payload: inner4() })), 0);
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.unsupportedTunnel, 5);
  });

  it("ERSPAN type I, II and III (with and without the platform subheader, frame type IP)", () => {
    const { sink, d } = decoder();
    d.frame(LINKTYPE_ETHERNET, overGre(B.gre({ protocol: 0x88be, payload: innerEth() })), 0);
    d.frame(
      LINKTYPE_ETHERNET,
      overGre(
        B.gre({
          protocol: 0x88be,
          seq: 1,
          payload: B.erspan2({ sessionId: 12, vlan: 5, frame: innerEth([30]) }),
        }),
      ),
      0,
    );
    d.frame(
      LINKTYPE_ETHERNET,
      overGre(
        B.gre({ protocol: 0x22eb, seq: 2, payload: B.erspan3({ sessionId: 1023, frame: innerEth() }) }),
      ),
      0,
    );
    d.frame(
      LINKTYPE_ETHERNET,
      overGre(
        B.gre({
          protocol: 0x22eb,
          seq: 3,
          payload: B.erspan3({ sessionId: 77, platform: new Uint8Array(8).fill(0xaa), frame: innerEth() }),
        }),
      ),
      0,
    );
    d.frame(
      LINKTYPE_ETHERNET,
      overGre(
        B.gre({ protocol: 0x22eb, payload: B.erspan3({ sessionId: 78, frameType: 2, frame: inner6() }) }),
      ),
      0,
    );
    assert.deepEqual(
      sink.seen.map((p) => [p.tunnel, p.family, p.payload.length > 0]),
      [
        ["erspan", 4, true],
        ["erspan:12 vlan:30", 4, true],
        ["erspan:1023", 4, true],
        ["erspan:77", 4, true],
        ["erspan:78", 6, true],
      ],
    );
    assert.equal(d.counters.erspan, 5);
  });

  it("drops ERSPAN with a wrong version or unknown frame type", () => {
    const { sink, d } = decoder();
    const e2 = B.erspan2({ sessionId: 1, frame: innerEth() });
    e2[0] = 0x20;
    d.frame(LINKTYPE_ETHERNET, overGre(B.gre({ protocol: 0x88be, seq: 1, payload: e2 })), 0);
    d.frame(
      LINKTYPE_ETHERNET,
      overGre(
        B.gre({ protocol: 0x22eb, payload: B.erspan3({ sessionId: 1, frameType: 5, frame: innerEth() }) }),
      ),
      0,
    );
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.malformed, 1);
    assert.equal(d.counters.unsupportedTunnel, 1);
  });

  it("VXLAN inside GRE inside GENEVE names every layer", () => {
    const { sink, d } = decoder();
    const vx = B.ipv4({
      src: "1.1.1.1",
      dst: "2.2.2.2",
      proto: 17,
      payload: B.udp({ srcPort: 1, dstPort: 4789, payload: B.vxlan(3, innerEth()) }),
    });
    const g = B.ipv6({
      src: "::1",
      dst: "::2",
      proto: 47,
      payload: B.gre({ protocol: 0x0800, key: 9, payload: vx }),
    });
    d.geneve(B.geneve(1, 0x86dd, g), 0);
    assert.equal(sink.seen[0]?.tunnel, "geneve:1 gre:key=9 vxlan:3");
    assert.equal(sink.seen[0]?.vni, 3);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as B from "./build.js";
import { CollectSink } from "./collect-sink.js";
import { PacketDecoder } from "./decoder.js";
import type { DecoderOptions } from "./options.js";
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
} from "./types.js";

const enc = new TextEncoder();
const HELLO = enc.encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n");

function seg(payload = HELLO, flags = 0x18): Uint8Array {
  return B.tcp({ srcPort: 40000, dstPort: 80, seq: 0xfffffff0, ack: 0x80000001, flags, payload });
}
const v4 = (payload: Uint8Array, proto = 6) => B.ipv4({ src: "10.1.2.3", dst: "192.0.2.80", proto, payload });
const v6 = (payload: Uint8Array, proto = 6, ext?: B.Ipv6Ext[]) =>
  B.ipv6({ src: "2001:db8::1", dst: "2001:db8::80", proto, payload, ...(ext ? { ext } : {}) });
const eth4 = (payload: Uint8Array) => B.ethernet({ etherType: 0x0800, payload });

function decoder(opts: Partial<DecoderOptions> = {}) {
  const sink = new CollectSink();
  return { sink, d: new PacketDecoder(sink, opts) };
}

describe("PacketDecoder: link layers", () => {
  it("Ethernet II / IPv4 / TCP gives back every field", () => {
    const { sink, d } = decoder();
    d.frame(LINKTYPE_ETHERNET, eth4(v4(seg())), 1234.5);
    assert.equal(sink.seen.length, 1);
    const p = sink.seen[0]!;
    assert.deepEqual(
      { ...p },
      {
        ts: 1234.5,
        tunnel: "",
        vni: -1,
        vlan: -1,
        family: 4,
        src: "10.1.2.3",
        dst: "192.0.2.80",
        srcPort: 40000,
        dstPort: 80,
        seq: 0xfffffff0,
        ack: 0x80000001,
        flags: 0x18,
        payload: "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      },
    );
    assert.equal(d.counters.tcp, 1);
    assert.equal(d.counters.frames, 1);
  });

  it("drops Ethernet padding by the IP length", () => {
    const { sink, d } = decoder();
    const frame = eth4(v4(seg(new Uint8Array(0), 0x10)));
    const padded = new Uint8Array(frame.length + 6);
    padded.set(frame);
    padded.fill(0xee, frame.length);
    d.frame(LINKTYPE_ETHERNET, padded, 0);
    assert.equal(sink.seen[0]?.payload, "");
  });

  it("802.1Q, QinQ (0x88a8, 0x9100) record the tags outermost first and the innermost VLAN", () => {
    for (const tpid of [0x88a8, 0x9100]) {
      const { sink, d } = decoder();
      d.frame(
        LINKTYPE_ETHERNET,
        B.ethernet({ etherType: 0x0800, vlans: [100, 10], tpids: [tpid, 0x8100], payload: v4(seg()) }),
        0,
      );
      assert.equal(sink.seen[0]?.tunnel, "vlan:100 vlan:10");
      assert.equal(sink.seen[0]?.vlan, 10);
    }
  });

  it("a priority-only tag (VLAN 0) names no VLAN", () => {
    const { sink, d } = decoder();
    d.frame(LINKTYPE_ETHERNET, B.ethernet({ etherType: 0x0800, vlans: [0], payload: v4(seg()) }), 0);
    assert.equal(sink.seen[0]?.tunnel, "");
    assert.equal(sink.seen[0]?.vlan, -1);
  });

  it("more than 4 stacked VLAN tags is malformed", () => {
    const { sink, d } = decoder();
    d.frame(
      LINKTYPE_ETHERNET,
      B.ethernet({ etherType: 0x0800, vlans: [1, 2, 3, 4, 5], payload: v4(seg()) }),
      0,
    );
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.malformed, 1);
  });

  it("Linux cooked v1 and v2, with a VLAN tag", () => {
    const { sink, d } = decoder();
    d.frame(LINKTYPE_LINUX_SLL, B.sll({ protocol: 0x0800, payload: v4(seg()) }), 0);
    d.frame(LINKTYPE_LINUX_SLL2, B.sll2({ protocol: 0x86dd, payload: v6(seg()) }), 0);
    d.frame(LINKTYPE_LINUX_SLL, B.sll({ protocol: 0x8100, payload: B.vlan(7, 0x0800, v4(seg())) }), 0);
    assert.deepEqual(
      sink.seen.map((p) => [p.family, p.src, p.tunnel]),
      [
        [4, "10.1.2.3", ""],
        [6, "2001:db8:0:0:0:0:0:1", ""],
        [4, "10.1.2.3", "vlan:7"],
      ],
    );
  });

  it("raw IP (101 by version nibble, 228, 229)", () => {
    const { sink, d } = decoder();
    d.frame(LINKTYPE_RAW, v4(seg()), 0);
    d.frame(LINKTYPE_RAW, v6(seg()), 0);
    d.frame(LINKTYPE_IPV4, v4(seg()), 0);
    d.frame(LINKTYPE_IPV6, v6(seg()), 0);
    d.frame(LINKTYPE_IPV4, v6(seg()), 0); // wrong version for the link type
    assert.deepEqual(
      sink.seen.map((p) => p.family),
      [4, 6, 4, 6],
    );
    assert.equal(d.counters.malformed, 1);
  });

  it("BSD NULL in either byte order and every AF_INET6 value; LOOP big-endian", () => {
    const { sink, d } = decoder();
    d.frame(LINKTYPE_NULL, B.loopback(2, v4(seg()), true), 0);
    d.frame(LINKTYPE_NULL, B.loopback(2, v4(seg()), false), 0);
    for (const af of [10, 24, 28, 30]) d.frame(LINKTYPE_NULL, B.loopback(af, v6(seg()), true), 0);
    d.frame(LINKTYPE_LOOP, B.loopback(2, v4(seg()), false), 0);
    d.frame(LINKTYPE_LOOP, B.loopback(30, v6(seg()), false), 0);
    d.frame(LINKTYPE_NULL, B.loopback(7, v4(seg()), true), 0);
    assert.deepEqual(
      sink.seen.map((p) => p.family),
      [4, 4, 6, 6, 6, 6, 4, 6],
    );
    assert.equal(d.counters.nonIp, 1);
  });

  it("counts unknown link types, non-IP EtherTypes and 802.3 length frames", () => {
    const { sink, d } = decoder();
    d.frame(147, v4(seg()), 0);
    d.frame(LINKTYPE_ETHERNET, B.ethernet({ etherType: 0x0806, payload: new Uint8Array(28) }), 0);
    d.frame(LINKTYPE_ETHERNET, B.ethernet({ etherType: 46, payload: new Uint8Array(46) }), 0);
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.unsupportedLink, 1);
    assert.equal(d.counters.nonIp, 2);
  });
});

describe("PacketDecoder: IP and transport", () => {
  it("skips IPv4 options and TCP options", () => {
    const { sink, d } = decoder();
    const t = B.tcp({
      srcPort: 1,
      dstPort: 2,
      options: Uint8Array.of(2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7),
      payload: enc.encode("xyz"),
    });
    const ip = B.ipv4({
      src: "1.1.1.1",
      dst: "2.2.2.2",
      proto: 6,
      payload: t,
      options: Uint8Array.of(1, 1, 1, 0),
    });
    d.frame(LINKTYPE_RAW, ip, 0);
    assert.equal(sink.seen[0]?.payload, "xyz");
    assert.equal(sink.seen[0]?.dstPort, 2);
  });

  it("walks IPv6 hop-by-hop, routing, destination options and AH", () => {
    const { sink, d } = decoder();
    const ext: B.Ipv6Ext[] = [
      { type: 0, data: new Uint8Array(6) },
      { type: 43, data: new Uint8Array(22) },
      { type: 60, data: new Uint8Array(14) },
      { type: 51, data: new Uint8Array(22) },
    ];
    d.frame(LINKTYPE_RAW, v6(seg(), 6, ext), 0);
    assert.equal(sink.seen[0]?.payload, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  });

  it("AH in IPv4", () => {
    const { sink, d } = decoder();
    const ah = new Uint8Array(16);
    ah[0] = 6;
    ah[1] = 16 / 4 - 2;
    const pkt = new Uint8Array(ah.length + seg().length);
    pkt.set(ah);
    pkt.set(seg(), ah.length);
    d.frame(LINKTYPE_RAW, B.ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: 51, payload: pkt }), 0);
    assert.equal(sink.seen.length, 1);
  });

  it("bounds the IPv6 extension header chain", () => {
    const { sink, d } = decoder();
    const ext = Array.from({ length: 9 }, () => ({ type: 60 }));
    d.frame(LINKTYPE_RAW, v6(seg(), 6, ext), 0);
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.ipv6ExtLimit, 1);
    d.frame(LINKTYPE_RAW, v6(seg(), 6, ext.slice(1)), 0);
    assert.equal(sink.seen.length, 1);
  });

  it("treats zero IP lengths (segmentation offload, jumbograms) as the captured length", () => {
    const { sink, d } = decoder();
    d.frame(
      LINKTYPE_RAW,
      B.ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: 6, payload: seg(), totalLength: 0 }),
      0,
    );
    d.frame(LINKTYPE_RAW, B.ipv6({ src: "::1", dst: "::2", proto: 6, payload: seg(), payloadLength: 0 }), 0);
    assert.equal(sink.seen.length, 2);
    assert.equal(sink.seen[1]?.payload.length, HELLO.length);
  });

  it("counts truncation at every layer", () => {
    const frame = eth4(v4(seg()));
    // Cut inside Ethernet, IPv4 header, TCP header, and the TCP payload (IP length says more).
    for (const cut of [10, 14 + 10, 14 + 20 + 10, frame.length - 1]) {
      const { sink, d } = decoder();
      d.frame(LINKTYPE_ETHERNET, frame.subarray(0, cut), 0);
      assert.equal(sink.seen.length, 0, `cut ${cut}`);
      assert.equal(d.counters.truncated, 1, `cut ${cut}`);
    }
  });

  it("counts malformed headers", () => {
    const bad: Uint8Array[] = [];
    const ip = v4(seg());
    let b: Uint8Array = ip.slice();
    b[0] = 0x44; // IHL 4 < 5
    bad.push(b);
    b = ip.slice();
    b[3] = 10; // total length below the header
    b[2] = 0;
    bad.push(b);
    b = ip.slice();
    b[20 + 12] = 0x40; // TCP data offset 4
    bad.push(b);
    b = v4(B.udp({ srcPort: 1, dstPort: 4789, payload: new Uint8Array(20) }), 17);
    b[20 + 5] = 4; // UDP length 4
    bad.push(b);
    for (const f of bad) {
      const { sink, d } = decoder();
      d.frame(LINKTYPE_IPV4, f, 0);
      assert.equal(sink.seen.length, 0);
      assert.equal(d.counters.malformed, 1);
    }
  });

  it("counts UDP that is not a tunnel and other IP protocols", () => {
    const { sink, d } = decoder();
    d.frame(LINKTYPE_RAW, v4(B.udp({ srcPort: 53, dstPort: 53, payload: new Uint8Array(12) }), 17), 0);
    d.frame(LINKTYPE_RAW, v4(new Uint8Array(8), 1), 0);
    d.frame(LINKTYPE_RAW, v6(new Uint8Array(8), 58), 0);
    d.frame(LINKTYPE_RAW, v6(new Uint8Array(0), 59), 0);
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.udp, 1);
    assert.equal(d.counters.otherIpProto, 3);
  });

  it("reuses one TcpPacket and never throws from a throwing sink", () => {
    const seen: object[] = [];
    let calls = 0;
    const d = new PacketDecoder({
      tcp(p) {
        seen.push(p);
        if (++calls === 2) throw new Error("sink bug");
      },
    });
    for (let i = 0; i < 3; i++) d.frame(LINKTYPE_ETHERNET, eth4(v4(seg())), i);
    assert.equal(seen.length, 3);
    assert.equal(seen[0], seen[2]);
    assert.equal(d.counters.errors, 1);
  });
});

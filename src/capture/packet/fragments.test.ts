import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import * as B from "./build.js";
import { CollectSink } from "./collect-sink.js";
import { PacketDecoder } from "./decoder.js";
import type { DecoderOptions } from "./options.js";
import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from "./types.js";

/** A TCP segment whose payload is `n` bytes of a recognisable pattern. */
function bigSegment(n: number, fill = 0): { seg: Uint8Array; text: string } {
  const payload = new Uint8Array(n);
  for (let i = 0; i < n; i++) payload[i] = 0x41 + ((i + fill) % 26);
  return {
    seg: B.tcp({ srcPort: 1000, dstPort: 80, seq: 7, flags: 0x18, payload }),
    text: new TextDecoder("latin1").decode(payload),
  };
}

const v4opts = (payload: Uint8Array, id = 77): B.Ipv4Options => ({
  src: "10.0.0.1",
  dst: "10.0.0.2",
  proto: 6,
  id,
  payload,
});
const v6opts = (payload: Uint8Array): B.Ipv6Options => ({
  src: "2001:db8::1",
  dst: "2001:db8::2",
  proto: 6,
  payload,
});

function decoder(opts: Partial<DecoderOptions> = {}) {
  const sink = new CollectSink();
  return { sink, d: new PacketDecoder(sink, opts) };
}

describe("IPv4 fragments", () => {
  it("reassemble in any order (property), once, and release their state", () => {
    const { seg, text } = bigSegment(3000);
    const frags = B.fragmentIpv4(v4opts(seg), 504);
    assert.equal(frags.length, 6);
    fc.assert(
      fc.property(fc.shuffledSubarray(frags, { minLength: frags.length }), (order) => {
        const { sink, d } = decoder();
        for (const f of order) d.frame(LINKTYPE_RAW, f, 0);
        assert.equal(sink.seen.length, 1);
        assert.equal(sink.seen[0]?.payload, text);
        assert.equal(sink.seen[0]?.src, "10.0.0.1");
        assert.equal(d.counters.fragments, 6);
        assert.equal(d.counters.fragmentsReassembled, 1);
        assert.deepEqual(d.fragmentsHeld, { datagrams: 0, bytes: 0 });
      }),
      { numRuns: 50 },
    );
  });

  it("keep datagrams with the same id apart by address, protocol and tunnel", () => {
    const a = bigSegment(100, 0);
    const b = bigSegment(100, 5);
    const fa = B.fragmentIpv4(v4opts(a.seg), 64);
    const fb = B.fragmentIpv4(v4opts(b.seg), 64);
    const { sink, d } = decoder();
    // Same addresses and id, but one arrives over VXLAN 1 and the other over VXLAN 2.
    d.vxlan(B.vxlan(1, B.ethernet({ etherType: 0x0800, payload: fa[0]! })), 0);
    d.vxlan(B.vxlan(2, B.ethernet({ etherType: 0x0800, payload: fb[0]! })), 0);
    d.vxlan(B.vxlan(2, B.ethernet({ etherType: 0x0800, payload: fb[1]! })), 0);
    d.vxlan(B.vxlan(1, B.ethernet({ etherType: 0x0800, payload: fa[1]! })), 0);
    assert.deepEqual(
      sink.seen.map((p) => [p.tunnel, p.payload]),
      [
        ["vxlan:2", b.text],
        ["vxlan:1", a.text],
      ],
    );
  });

  it("overlaps: the bytes that arrived first win, and the overlap is counted", () => {
    const { seg } = bigSegment(40);
    const whole = B.ipv4(v4opts(seg)).subarray(20); // TCP header + payload, 60 bytes
    const evil = whole.slice();
    evil.fill(0x5a, 20 + 8, 20 + 24); // what a later, overlapping fragment claims
    const frag = (data: Uint8Array, off: number, end: number, more: boolean) =>
      B.ipv4({ ...v4opts(data.slice(off, end)), fragOffset: off, flags: more ? 1 : 0, rawPayload: true });
    for (const order of ["first-good", "first-evil"]) {
      const { sink, d } = decoder();
      const good = frag(whole, 16, 40, true);
      const bad = frag(evil, 24, 48, true);
      for (const f of order === "first-good" ? [good, bad] : [bad, good]) d.frame(LINKTYPE_RAW, f, 0);
      d.frame(LINKTYPE_RAW, frag(whole, 0, 16, true), 0);
      d.frame(LINKTYPE_RAW, frag(whole, 48, 60, false), 0);
      const p = sink.seen[0]!;
      assert.equal(d.counters.fragmentOverlaps, 1);
      // Offsets in `whole` minus 20 (the TCP header) are offsets in the payload.
      const expected = new Uint8Array(whole.subarray(20));
      if (order === "first-evil") expected.set(evil.subarray(24, 48), 4);
      else expected.set(evil.subarray(40, 48), 20); // the part of the later fragment that was new
      assert.equal(p.payload, new TextDecoder("latin1").decode(expected), order);
    }
  });

  it("a full duplicate is dropped alone", () => {
    const { seg, text } = bigSegment(100);
    const frags = B.fragmentIpv4(v4opts(seg), 64);
    const { sink, d } = decoder();
    d.frame(LINKTYPE_RAW, frags[0]!, 0);
    d.frame(LINKTYPE_RAW, frags[0]!, 0);
    d.frame(LINKTYPE_RAW, frags[1]!, 0);
    assert.equal(sink.seen[0]?.payload, text);
    assert.equal(d.counters.fragmentsDropped, 1);
  });

  it("times out by tick() and when a late fragment arrives", () => {
    const { seg } = bigSegment(200);
    const frags = B.fragmentIpv4(v4opts(seg), 64);
    const { sink, d } = decoder({ fragmentTimeoutMs: 30_000 });
    d.frame(LINKTYPE_RAW, frags[0]!, 1000);
    d.frame(LINKTYPE_RAW, frags[1]!, 2000);
    d.tick(30_999);
    assert.equal(d.fragmentsHeld.datagrams, 1);
    d.tick(31_000);
    assert.deepEqual(d.fragmentsHeld, { datagrams: 0, bytes: 0 });
    assert.equal(d.counters.fragmentTimeouts, 1);
    assert.equal(d.counters.fragmentsDropped, 2);
    // Lazily: the rest arrives after the timeout without a tick in between.
    d.frame(LINKTYPE_RAW, frags[0]!, 100_000);
    d.frame(LINKTYPE_RAW, frags[1]!, 100_000);
    d.frame(LINKTYPE_RAW, frags[2]!, 200_000);
    d.frame(LINKTYPE_RAW, frags[3]!, 200_000);
    assert.equal(sink.seen.length, 0);
    assert.equal(d.counters.fragmentTimeouts, 2);
  });

  it("caps datagrams in flight (oldest evicted), bytes held, and pieces per datagram", () => {
    const { seg } = bigSegment(200);
    {
      const { sink, d } = decoder({ maxFragmentDatagrams: 3 });
      const sets = [1, 2, 3, 4].map((id) => B.fragmentIpv4(v4opts(seg, id), 64));
      for (const s of sets) d.frame(LINKTYPE_RAW, s[0]!, 0);
      assert.equal(d.fragmentsHeld.datagrams, 3);
      // id 1 was evicted by id 4; the others complete.
      for (const s of sets.slice(1)) for (const f of s.slice(1)) d.frame(LINKTYPE_RAW, f, 0);
      assert.equal(sink.seen.length, 3);
      assert.equal(d.counters.fragmentsDropped, 1);
    }
    {
      const { sink, d } = decoder({ maxFragmentBytes: 150 });
      const a = B.fragmentIpv4(v4opts(seg, 1), 64);
      const b = B.fragmentIpv4(v4opts(seg, 2), 64);
      d.frame(LINKTYPE_RAW, a[0]!, 0);
      d.frame(LINKTYPE_RAW, a[1]!, 0);
      d.frame(LINKTYPE_RAW, b[0]!, 0); // evicts a
      assert.ok(d.fragmentsHeld.bytes <= 150);
      for (const f of b.slice(1)) d.frame(LINKTYPE_RAW, f, 0); // b alone exceeds the cap
      assert.equal(sink.seen.length, 0);
      assert.ok(d.fragmentsHeld.bytes <= 150);
    }
    {
      const { sink, d } = decoder({ maxFragmentsPerDatagram: 4 });
      for (const f of B.fragmentIpv4(v4opts(seg), 32)) d.frame(LINKTYPE_RAW, f, 0);
      assert.equal(sink.seen.length, 0);
      assert.ok(d.counters.fragmentsDropped >= 5);
    }
  });

  it("drops inconsistent lengths: two different ends, data past the end, more than 64 KiB, odd sizes", () => {
    const { seg } = bigSegment(200);
    const whole = B.ipv4(v4opts(seg)).subarray(20);
    const frag = (off: number, end: number, more: boolean, id = 77) =>
      B.ipv4({
        ...v4opts(whole.slice(off, end), id),
        fragOffset: off,
        flags: more ? 1 : 0,
        rawPayload: true,
      });
    const { sink, d } = decoder();
    d.frame(LINKTYPE_RAW, frag(64, 128, false), 0);
    d.frame(LINKTYPE_RAW, frag(64, 120, false), 0); // another end: abandoned
    d.frame(LINKTYPE_RAW, frag(64, 100, false, 78), 0);
    d.frame(LINKTYPE_RAW, frag(96, 160, true, 78), 0); // beyond the known end: abandoned
    d.frame(LINKTYPE_RAW, frag(0, 64, true, 81), 0);
    d.frame(LINKTYPE_RAW, frag(128, 192, true, 81), 0);
    d.frame(LINKTYPE_RAW, frag(64, 100, false, 81), 0); // ends before data already held: abandoned
    d.frame(LINKTYPE_RAW, frag(0, 60, true, 79), 0); // not a multiple of 8
    d.frame(
      LINKTYPE_RAW,
      B.ipv4({ ...v4opts(new Uint8Array(64), 80), fragOffset: 65528, flags: 0, rawPayload: true }),
      0,
    );
    assert.equal(sink.seen.length, 0);
    assert.equal(d.fragmentsHeld.datagrams, 0);
    assert.equal(d.counters.fragmentsDropped, 9);
  });

  it("an outer fragmented VXLAN packet reassembles before decapsulation", () => {
    const { seg, text } = bigSegment(1400);
    const inner = B.ethernet({
      etherType: 0x0800,
      payload: B.ipv4({ src: "192.168.1.1", dst: "192.168.1.2", proto: 6, payload: seg }),
    });
    const udp = B.udp({ srcPort: 1, dstPort: 4789, payload: B.vxlan(9, inner) });
    const frags = B.fragmentIpv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: 17, id: 5, payload: udp }, 1000);
    const { sink, d } = decoder();
    for (const f of frags.reverse())
      d.frame(LINKTYPE_ETHERNET, B.ethernet({ etherType: 0x0800, payload: f }), 0);
    assert.equal(sink.seen[0]?.tunnel, "vxlan:9");
    assert.equal(sink.seen[0]?.src, "192.168.1.1");
    assert.equal(sink.seen[0]?.payload, text);
  });
});

describe("IPv6 fragments", () => {
  it("reassemble in any order (property), with extension headers before and after", () => {
    const { seg, text } = bigSegment(2000);
    const frags = B.fragmentIpv6({ ...v6opts(seg), ext: [{ type: 0 }] }, 600, 0xdeadbeef);
    assert.equal(frags.length, 4);
    fc.assert(
      fc.property(fc.shuffledSubarray(frags, { minLength: frags.length }), (order) => {
        const { sink, d } = decoder();
        for (const f of order) d.frame(LINKTYPE_RAW, f, 0);
        assert.equal(sink.seen.length, 1);
        assert.equal(sink.seen[0]?.payload, text);
        assert.equal(sink.seen[0]?.src, "2001:db8:0:0:0:0:0:1");
        assert.equal(sink.seen[0]?.family, 6);
      }),
      { numRuns: 30 },
    );
  });

  it("an atomic fragment (offset 0, M = 0) is a whole packet (RFC 6946)", () => {
    const { seg, text } = bigSegment(50);
    const { sink, d } = decoder();
    d.frame(LINKTYPE_RAW, B.ipv6({ ...v6opts(seg), fragment: { id: 1, offset: 0, more: false } }), 0);
    assert.equal(sink.seen[0]?.payload, text);
    assert.equal(d.counters.fragments, 0);
  });

  it("overlap abandons the datagram (RFC 5722); an exact duplicate is dropped alone", () => {
    const { seg } = bigSegment(200);
    const whole = seg;
    const frag = (off: number, end: number, more: boolean) =>
      B.ipv6({ ...v6opts(whole.slice(off, end)), fragment: { id: 9, offset: off, more }, rawPayload: true });
    {
      const { sink, d } = decoder();
      d.frame(LINKTYPE_RAW, frag(0, 128, true), 0);
      d.frame(LINKTYPE_RAW, frag(0, 128, true), 0);
      d.frame(LINKTYPE_RAW, frag(128, whole.length, false), 0);
      assert.equal(sink.seen.length, 1);
      assert.equal(d.counters.fragmentsDropped, 1);
    }
    {
      const { sink, d } = decoder();
      d.frame(LINKTYPE_RAW, frag(0, 128, true), 0);
      d.frame(LINKTYPE_RAW, frag(120, whole.length, false), 0);
      assert.equal(d.fragmentsHeld.datagrams, 0);
      d.frame(LINKTYPE_RAW, frag(128, whole.length, false), 0);
      assert.equal(sink.seen.length, 0);
      assert.equal(d.counters.fragmentsDropped, 2);
    }
  });

  it("fragments inside a tunnel carry the tunnel and VLAN of their path", () => {
    const { seg, text } = bigSegment(300);
    const frags = B.fragmentIpv6(v6opts(seg), 160, 3);
    const { sink, d } = decoder();
    for (const f of frags)
      d.geneve(B.geneve(11, 0x6558, B.ethernet({ etherType: 0x86dd, vlans: [4], payload: f })), 0);
    assert.equal(sink.seen[0]?.tunnel, "geneve:11 vlan:4");
    assert.equal(sink.seen[0]?.vlan, 4);
    assert.equal(sink.seen[0]?.payload, text);
  });
});

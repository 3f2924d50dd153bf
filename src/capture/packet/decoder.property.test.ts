import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import * as B from "./build.js";
import { PacketDecoder } from "./decoder.js";
import type { DecoderCounters } from "./options.js";
import type { TcpPacket } from "./types.js";
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

const LINK_TYPES = [
  LINKTYPE_NULL,
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
  LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL2,
  147,
];

/** Counters that end a frame: each call must move at least one (no silent drop). */
function outcomes(c: DecoderCounters): number {
  return (
    c.tcp +
    c.udp +
    c.otherIpProto +
    c.nonIp +
    c.unsupportedLink +
    c.truncated +
    c.malformed +
    c.unsupportedTunnel +
    c.tunnelDepthExceeded +
    c.vniFiltered +
    c.ipv6ExtLimit +
    c.fragments +
    c.errors
  );
}

/** A decoder whose sink checks every view against the input of the current call. */
function checked() {
  let input: Uint8Array = new Uint8Array(0);
  let emitted = 0;
  const inBounds = (v: Uint8Array) => {
    if (v.buffer !== input.buffer) return true; // a reassembled datagram: its own new buffer
    return v.byteOffset >= input.byteOffset && v.byteOffset + v.length <= input.byteOffset + input.length;
  };
  const d = new PacketDecoder(
    {
      tcp(p: TcpPacket) {
        emitted++;
        // src/dst may be the decoder's own reused arrays; the payload is always a view.
        assert.ok(inBounds(p.src) && inBounds(p.dst) && inBounds(p.payload), "view outside the input");
        assert.equal(p.src.length, p.family === 4 ? 4 : 16);
        assert.equal(p.dst.length, p.src.length);
        assert.ok(p.srcPort >= 0 && p.srcPort < 65536 && p.seq >= 0 && p.seq < 2 ** 32 && p.ack < 2 ** 32);
      },
    },
    { genevePorts: [6081, 0], vxlanPorts: [4789, 1] },
  );
  const run = (f: () => void, bytes: Uint8Array) => {
    input = bytes;
    const before = outcomes(d.counters);
    f();
    assert.ok(outcomes(d.counters) > before, "a frame left no counter behind");
  };
  return { d, run, emitted: () => emitted };
}

/** Random bytes placed inside a larger buffer, so that reading past the view would be visible. */
const framed = fc
  .tuple(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 8 }))
  .map(([pre, body, post]) => {
    const all = new Uint8Array(pre.length + body.length + post.length);
    all.set(pre);
    all.set(body, pre.length);
    all.set(post, pre.length + body.length);
    return all.subarray(pre.length, pre.length + body.length);
  });

const HELLO = new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n");
const tcpSeg = B.tcp({ srcPort: 1, dstPort: 80, payload: HELLO });
const inner = B.ethernet({
  etherType: 0x0800,
  vlans: [5],
  payload: B.ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: 6, payload: tcpSeg }),
});
const SEEDS: [number | "vxlan" | "geneve", Uint8Array][] = [
  [LINKTYPE_ETHERNET, inner],
  ["vxlan", B.vxlan(1, inner)],
  [
    "geneve",
    B.geneve(
      2,
      0x0800,
      B.ipv4({
        src: "3.3.3.3",
        dst: "4.4.4.4",
        proto: 17,
        payload: B.udp({ srcPort: 9, dstPort: 4789, payload: B.vxlan(3, inner) }),
      }),
      B.geneveOption(1, 1, new Uint8Array(4)),
    ),
  ],
  [
    LINKTYPE_RAW,
    B.ipv6({
      src: "::1",
      dst: "::2",
      proto: 47,
      ext: [{ type: 0 }, { type: 60 }],
      payload: B.gre({
        protocol: 0x22eb,
        seq: 1,
        payload: B.erspan3({ sessionId: 4, platform: new Uint8Array(8), frame: inner }),
      }),
    }),
  ],
  [
    LINKTYPE_LINUX_SLL2,
    B.sll2({
      protocol: 0x0800,
      payload: B.ipv4({
        src: "1.1.1.1",
        dst: "2.2.2.2",
        proto: 47,
        payload: B.gre({
          protocol: 0x88be,
          seq: 1,
          key: 3,
          checksum: true,
          payload: B.erspan2({ sessionId: 6, frame: inner }),
        }),
      }),
    }),
  ],
  ...B.fragmentIpv6(
    {
      src: "::1",
      dst: "::2",
      proto: 6,
      payload: B.tcp({ srcPort: 1, dstPort: 2, payload: new Uint8Array(100) }),
    },
    48,
    7,
  ).map((f): [number, Uint8Array] => [LINKTYPE_IPV6, f]),
  ...B.fragmentIpv4(
    {
      src: "1.1.1.1",
      dst: "2.2.2.2",
      proto: 6,
      payload: B.tcp({ srcPort: 1, dstPort: 2, payload: new Uint8Array(100) }),
    },
    48,
  ).map((f): [number, Uint8Array] => [LINKTYPE_IPV4, f]),
];

describe("PacketDecoder properties", () => {
  it("random bytes, on every link type and both tunnel entry points, never throw nor escape the input", () => {
    const { d, run } = checked();
    fc.assert(
      fc.property(fc.constantFrom(...LINK_TYPES, -1, -2), framed, (lt, bytes) => {
        if (lt === -1) run(() => d.vxlan(bytes, 0), bytes);
        else if (lt === -2) run(() => d.geneve(bytes, 0), bytes);
        else run(() => d.frame(lt, bytes, 0), bytes);
      }),
      { numRuns: 3000 },
    );
    assert.equal(d.counters.errors, 0);
  });

  it("mutated and truncated valid frames (every tunnel kind, fragments) never throw nor escape the input", () => {
    const { d, run, emitted } = checked();
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        fc.integer({ min: 0, max: 120_000 }),
        ([lt, seed], flips, cut, ts) => {
          const b = seed.slice();
          for (const [at, v] of flips) if (b.length > 0) b[at % b.length] = v;
          const bytes = b.subarray(0, b.length - (cut % 4 === 0 ? cut % b.length : 0));
          if (lt === "vxlan") run(() => d.vxlan(bytes, ts), bytes);
          else if (lt === "geneve") run(() => d.geneve(bytes, ts), bytes);
          else run(() => d.frame(lt, bytes, ts), bytes);
          d.tick(ts);
        },
      ),
      { numRuns: 3000 },
    );
    assert.equal(d.counters.errors, 0);
    assert.ok(emitted() > 0, "the mutations should leave many frames valid");
    assert.ok(d.fragmentsHeld.bytes <= d.options.maxFragmentBytes);
  });

  it("build then decode gives back the fields, whatever the encapsulation", () => {
    const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
    const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 });
    const wrap = fc.oneof(
      fc.constant({ kind: "none" as const, n: 0 }),
      fc.record({ kind: fc.constant("vxlan" as const), n: fc.integer({ min: 0, max: 0xffffff }) }),
      fc.record({ kind: fc.constant("geneve" as const), n: fc.integer({ min: 0, max: 0xffffff }) }),
      fc.record({ kind: fc.constant("gre" as const), n: fc.integer({ min: 0, max: 0xffffffff }) }),
      fc.record({ kind: fc.constant("erspan" as const), n: fc.integer({ min: 0, max: 1023 }) }),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.tuple(fc.constant(4 as const), v4, v4), fc.tuple(fc.constant(6 as const), v6, v6)),
        fc.record({
          srcPort: fc.integer({ min: 0, max: 65535 }),
          dstPort: fc.integer({ min: 0, max: 65535 }),
          seq: fc.integer({ min: 0, max: 0xffffffff }),
          ack: fc.integer({ min: 0, max: 0xffffffff }),
          flags: fc.integer({ min: 0, max: 255 }),
          payload: fc.uint8Array({ maxLength: 300 }),
        }),
        fc.array(fc.integer({ min: 1, max: 4095 }), { maxLength: 2 }),
        wrap,
        fc.constantFrom(LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW),
        fc.uint8Array({ maxLength: 8 }),
        ([family, src, dst], t, vlans, w, link, pad) => {
          const seg = B.tcp(t);
          const ip =
            family === 4
              ? B.ipv4({ src, dst, proto: 6, payload: seg })
              : B.ipv6({ src, dst, proto: 6, payload: seg });
          const et = family === 4 ? 0x0800 : 0x86dd;
          const frame = B.ethernet({ etherType: et, vlans, payload: ip });
          const outer = (proto: number, payload: Uint8Array) =>
            B.ethernet({
              etherType: 0x0800,
              payload: B.ipv4({ src: "9.9.9.9", dst: "8.8.8.8", proto, payload }),
            });
          let bytes: Uint8Array;
          let lt = LINKTYPE_ETHERNET;
          let tunnel = vlans.map((v) => `vlan:${v}`);
          switch (w.kind) {
            case "none":
              lt = link;
              if (link === LINKTYPE_ETHERNET) bytes = frame;
              else if (link === LINKTYPE_RAW) {
                bytes = ip;
                tunnel = [];
              } else {
                const tagged = vlans.reduceRight(
                  (p, v, i) => B.vlan(v, i === vlans.length - 1 ? et : 0x8100, p),
                  ip,
                );
                const protocol = vlans.length > 0 ? 0x8100 : et;
                bytes =
                  link === LINKTYPE_LINUX_SLL
                    ? B.sll({ protocol, payload: tagged })
                    : B.sll2({ protocol, payload: tagged });
              }
              break;
            case "vxlan":
              bytes = outer(17, B.udp({ srcPort: 7, dstPort: 4789, payload: B.vxlan(w.n, frame) }));
              tunnel = [`vxlan:${w.n}`, ...tunnel];
              break;
            case "geneve":
              bytes = outer(17, B.udp({ srcPort: 7, dstPort: 6081, payload: B.geneve(w.n, 0x6558, frame) }));
              tunnel = [`geneve:${w.n}`, ...tunnel];
              break;
            case "gre":
              bytes = outer(47, B.gre({ protocol: 0x6558, key: w.n, payload: frame }));
              tunnel = [`gre:key=${w.n}`, ...tunnel];
              break;
            case "erspan":
              bytes = outer(
                47,
                B.gre({ protocol: 0x88be, seq: 1, payload: B.erspan2({ sessionId: w.n, frame }) }),
              );
              tunnel = [`erspan:${w.n}`, ...tunnel];
              break;
          }
          const got: object[] = [];
          const d = new PacketDecoder({
            tcp: (p) =>
              got.push({
                ...p,
                src: [...p.src],
                dst: [...p.dst],
                payload: [...p.payload],
              }),
          });
          // Trailing bytes (Ethernet padding, a capture's slack) must not reach the payload.
          const padded = new Uint8Array(bytes.length + pad.length);
          padded.set(bytes);
          padded.set(pad, bytes.length);
          d.frame(lt, padded, 42);
          const vni = w.kind === "vxlan" || w.kind === "geneve" ? w.n : -1;
          const vlan = tunnel.length > 0 && vlans.length > 0 ? vlans[vlans.length - 1]! : -1;
          assert.deepEqual(got, [
            {
              ts: 42,
              tunnel: tunnel.join(" "),
              vni,
              vlan,
              family,
              src: [...src],
              dst: [...dst],
              ...t,
              payload: [...t.payload],
            },
          ]);
        },
      ),
      { numRuns: 500 },
    );
  });
});

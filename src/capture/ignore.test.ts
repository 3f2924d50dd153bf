import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compileCidr, type IgnoreDirection, IgnoreFilter, type IgnoreRule } from "./ignore.js";
import type { PacketSink, TcpPacket } from "./packet/types.js";

/** A sink that records which packets got through. */
class Seen implements PacketSink {
  readonly packets: TcpPacket[] = [];
  tcp(p: TcpPacket): void {
    this.packets.push(p);
  }
}

function packet(src: Uint8Array, dst: Uint8Array): TcpPacket {
  return {
    ts: 0,
    tunnel: "",
    vni: -1,
    vlan: -1,
    family: src.length === 4 ? 4 : 6,
    src,
    dst,
    srcPort: 40000,
    dstPort: 80,
    seq: 0,
    ack: 0,
    flags: 0x18,
    payload: new Uint8Array(0),
  };
}

const v4 = (s: string) => Uint8Array.from(s.split(".").map(Number));

function v6(s: string): Uint8Array {
  const [head = "", tail = ""] = s.split("::");
  const words = (t: string) => (t === "" ? [] : t.split(":").map((g) => Number.parseInt(g, 16)));
  const h = words(head);
  const t = words(tail);
  const all = s.includes("::") ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

const mapped = (s: string) => {
  const b = new Uint8Array(16);
  b[10] = 0xff;
  b[11] = 0xff;
  b.set(v4(s), 12);
  return b;
};

/** Does the filter let this packet through? */
function passes(rules: readonly IgnoreRule[], src: Uint8Array, dst: Uint8Array): boolean {
  const seen = new Seen();
  const f = new IgnoreFilter(rules, seen);
  f.tcp(packet(src, dst));
  assert.equal(f.ignored + seen.packets.length, 1);
  return seen.packets.length === 1;
}

describe("IgnoreFilter", () => {
  it("drops by source, destination or either, and counts what it drops", () => {
    const seen = new Seen();
    const f = new IgnoreFilter(
      [
        { cidr: "10.0.0.0/8", direction: "source" },
        { cidr: "192.0.2.1", direction: "destination" },
        { cidr: "2001:db8::/32", direction: "either" },
      ],
      seen,
    );
    const cases: [Uint8Array, Uint8Array, boolean][] = [
      [v4("10.1.2.3"), v4("198.51.100.1"), false],
      [v4("198.51.100.1"), v4("10.1.2.3"), true], // a source rule does not look at the destination
      [v4("198.51.100.1"), v4("192.0.2.1"), false],
      [v4("192.0.2.1"), v4("198.51.100.1"), true],
      [v4("198.51.100.1"), v4("192.0.2.2"), true],
      [v6("2001:db8::1"), v6("fd00::1"), false],
      [v6("fd00::1"), v6("2001:db8:ffff::9"), false],
      [v6("2001:db9::1"), v6("fd00::1"), true],
      [v4("11.0.0.1"), v4("9.255.255.255"), true],
    ];
    for (const [src, dst] of cases) f.tcp(packet(src, dst));
    assert.equal(f.ignored, cases.filter((c) => !c[2]).length);
    assert.equal(seen.packets.length, cases.filter((c) => c[2]).length);
    // The packet object passed on is the one received (no copy).
    assert.equal(seen.packets[0]?.src, cases[1]![0]);
    assert.deepEqual(f.ruleCounts, { source: 2, destination: 2 });
  });

  it("passes everything with no rules", () => {
    assert.equal(passes([], v4("10.0.0.1"), v4("10.0.0.2")), true);
  });

  it("reads IPv4 and IPv4-mapped IPv6 addresses as the same address", () => {
    const r4: IgnoreRule[] = [{ cidr: "10.0.0.0/8", direction: "either" }];
    assert.equal(passes(r4, mapped("10.9.9.9"), v6("fd00::1")), false);
    assert.equal(passes(r4, mapped("11.9.9.9"), v6("fd00::1")), true);
    const rMapped: IgnoreRule[] = [{ cidr: "::ffff:10.0.0.0/104", direction: "source" }];
    assert.equal(passes(rMapped, v4("10.200.0.1"), v4("1.1.1.1")), false);
    assert.equal(passes(rMapped, v4("11.0.0.1"), v4("1.1.1.1")), true);
    // ::/0 is every address, IPv4 included; ::/1 contains the mapped range too.
    assert.equal(passes([{ cidr: "::/0", direction: "destination" }], v4("1.1.1.1"), v4("8.8.8.8")), false);
    assert.equal(passes([{ cidr: "::/1", direction: "destination" }], v4("1.1.1.1"), v4("8.8.8.8")), false);
    // An IPv6 network outside the mapped range never matches IPv4.
    assert.equal(passes([{ cidr: "2000::/3", direction: "either" }], v4("1.1.1.1"), v4("8.8.8.8")), true);
    // 0.0.0.0/0 is every IPv4 address, and no native IPv6 one.
    assert.equal(passes([{ cidr: "0.0.0.0/0", direction: "either" }], v6("::1"), v6("2001:db8::1")), true);
    assert.equal(passes([{ cidr: "0.0.0.0/0", direction: "either" }], v4("1.2.3.4"), v6("::1")), false);
  });

  it("compiles IP and CIDR texts, clearing host bits, and refuses what is not one", () => {
    const a = compileCidr("10.1.2.3/8")!;
    assert.deepEqual([...a.net], [0, 0, 0xffff, 0x0a000000]);
    assert.equal(a.bits, 104);
    assert.equal(compileCidr("192.0.2.1")!.bits, 128);
    assert.equal(compileCidr("fe80::1%eth0/64")!.bits, 64);
    assert.deepEqual([...compileCidr("::ffff:1.2.3.4")!.net], [...compileCidr("1.2.3.4")!.net]);
    assert.equal(compileCidr(" 2001:db8::/32 ")!.bits, 32);
    for (const bad of ["", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0", "host", "1::2::3"]) {
      assert.equal(compileCidr(bad), undefined, bad);
    }
    assert.throws(() => new IgnoreFilter([{ cidr: "nope", direction: "either" }], new Seen()), /"nope"/);
  });

  it("passes packets with addresses of any other length through (never throws)", () => {
    const rules: IgnoreRule[] = [{ cidr: "::/0", direction: "either" }];
    assert.equal(passes(rules, new Uint8Array(0), new Uint8Array(5)), true);
  });
});

// ───────────────────────────── property: agrees with a reference ─────────────────────────────

/** The reference: addresses and networks as 128-bit integers in the mapped space. */
function toBig(addr: Uint8Array): bigint | undefined {
  if (addr.length !== 4 && addr.length !== 16) return undefined;
  const b = addr.length === 4 ? mappedBytes(addr) : addr;
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

function mappedBytes(a: Uint8Array): Uint8Array {
  const b = new Uint8Array(16);
  b[10] = 0xff;
  b[11] = 0xff;
  b.set(a, 12);
  return b;
}

interface RefRule {
  readonly base: Uint8Array;
  readonly prefix: number;
  readonly direction: IgnoreDirection;
}

function refIn(addr: Uint8Array, r: RefRule): boolean {
  const a = toBig(addr);
  if (a === undefined) return false;
  const bits = BigInt(r.prefix + (r.base.length === 4 ? 96 : 0));
  const shift = 128n - bits;
  return a >> shift === toBig(r.base)! >> shift;
}

function refPasses(rules: readonly RefRule[], src: Uint8Array, dst: Uint8Array): boolean {
  return !rules.some(
    (r) => (r.direction !== "destination" && refIn(src, r)) || (r.direction !== "source" && refIn(dst, r)),
  );
}

/** A rule written the ways an operator might: dotted quad, full or compressed IPv6, mapped. */
function cidrText(r: RefRule, spelling: number): string {
  const b = r.base;
  if (b.length === 4) {
    if (spelling % 2 === 0) return `${b.join(".")}/${r.prefix}`;
    return `::ffff:${b.join(".")}/${r.prefix + 96}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  if (spelling % 2 === 0) return `${groups.join(":")}/${r.prefix}`;
  // Compress the first run of zero groups, if any.
  const z = groups.indexOf("0");
  if (z === -1) return `${groups.join(":").toUpperCase()}/${r.prefix}`;
  let e = z;
  while (e < 8 && groups[e] === "0") e++;
  return `${groups.slice(0, z).join(":")}::${groups.slice(e).join(":")}/${r.prefix}`;
}

const bytesOf = (n: 4 | 16) => fc.uint8Array({ minLength: n, maxLength: n });
const direction = fc.constantFrom<IgnoreDirection>("source", "destination", "either");
const refRule = fc.oneof(
  fc.record({ base: bytesOf(4), prefix: fc.integer({ min: 0, max: 32 }), direction }),
  fc.record({ base: bytesOf(16), prefix: fc.integer({ min: 0, max: 128 }), direction }),
  // IPv6 bases in or near the mapped range, where the two families meet.
  fc.record({
    base: bytesOf(4).map(mappedBytes),
    prefix: fc.integer({ min: 0, max: 128 }),
    direction,
  }),
);

/** An address near a rule's base (some bits flipped) or anywhere, v4 or v6 or mapped. */
function addressNear(rules: readonly RefRule[]) {
  const free = fc.oneof(bytesOf(4), bytesOf(16), bytesOf(4).map(mappedBytes));
  if (rules.length === 0) return free;
  const near = fc
    .tuple(fc.integer({ min: 0, max: rules.length - 1 }), fc.array(fc.nat(), { maxLength: 3 }), fc.boolean())
    .map(([i, flips, asMapped]) => {
      const base = rules[i]!.base;
      const out = base.length === 4 && asMapped ? mappedBytes(base) : new Uint8Array(base);
      for (const f of flips) {
        const bit = f % (out.length * 8);
        out[bit >> 3]! ^= 0x80 >> (bit & 7);
      }
      return out;
    });
  return fc.oneof(near, free);
}

describe("IgnoreFilter (property)", () => {
  it("agrees with a 128-bit reference on random rules and addresses", () => {
    fc.assert(
      fc.property(
        fc
          .tuple(fc.array(refRule, { maxLength: 6 }), fc.nat())
          .chain(([rules, spelling]) =>
            fc.tuple(
              fc.constant(rules),
              fc.constant(spelling),
              fc.array(fc.tuple(addressNear(rules), addressNear(rules)), { minLength: 1, maxLength: 20 }),
            ),
          ),
        ([rules, spelling, pairs]) => {
          const seen = new Seen();
          const f = new IgnoreFilter(
            rules.map((r, i) => ({ cidr: cidrText(r, spelling + i), direction: r.direction })),
            seen,
          );
          let dropped = 0;
          for (const [src, dst] of pairs) {
            const before = seen.packets.length;
            f.tcp(packet(src, dst));
            const passed = seen.packets.length > before;
            if (!passed) dropped++;
            assert.equal(passed, refPasses(rules, src, dst));
          }
          assert.equal(f.ignored, dropped);
        },
      ),
      { numRuns: 500 },
    );
  });
});

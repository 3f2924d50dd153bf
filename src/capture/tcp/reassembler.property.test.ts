import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { TCP_ACK, TCP_FIN, TCP_SYN, type TcpPacket } from "../packet/types.js";
import { TcpReassembler } from "./reassembler.js";
import { feed, recorder, reverse, tcpPacket } from "./tcp-fixture.js";

const PSH = 0x08; // data packets carry no ACK: ACK evidence is exercised by the unit tests

/** One direction of a connection: its bytes, ISN, a cover of segments and retransmitted ranges. */
const direction = fc
  .record({
    bytes: fc.uint8Array({ maxLength: 1200 }),
    isn: fc.oneof(
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.integer({ min: 2 ** 32 - 1500, max: 2 ** 32 - 1 }),
    ),
    cuts: fc.array(fc.nat(1200), { maxLength: 30 }),
    dups: fc.array(fc.tuple(fc.nat(1200), fc.nat(400)), { maxLength: 8 }),
    drops: fc.array(fc.boolean(), { maxLength: 31 }),
    fin: fc.boolean(),
  })
  .map((d) => {
    const n = d.bytes.length;
    const points = [...new Set(d.cuts.filter((c) => c > 0 && c < n))].sort((a, b) => a - b);
    const bounds = [0, ...points, n];
    const segments: [number, number][] = [];
    for (let i = 0; i + 1 < bounds.length; i++)
      if (bounds[i]! < bounds[i + 1]!) segments.push([bounds[i]!, bounds[i + 1]!]);
    const dups: [number, number][] = d.dups
      .map(([a, len]): [number, number] => [Math.min(a, n), Math.min(a + len + 1, n)])
      .filter(([a, b]) => a < b);
    return { ...d, segments, dupRanges: dups };
  });

type Dir = typeof direction extends fc.Arbitrary<infer T> ? T : never;

interface Planned {
  dir: 0 | 1;
  from: number;
  to: number;
  fin: boolean;
}

function packetFor(d: Dir, p: Planned): TcpPacket {
  const fields = {
    seq: (d.isn + 1 + p.from) >>> 0,
    flags: p.fin ? TCP_FIN : PSH,
    payload: d.bytes.slice(p.from, p.to),
  };
  return p.dir === 0 ? tcpPacket(fields) : reverse(fields);
}

function plan(c: Dir, s: Dir, lossy: boolean): Planned[] {
  const out: Planned[] = [];
  for (const [dir, d] of [
    [0, c],
    [1, s],
  ] as const) {
    d.segments.forEach(([from, to], i) => {
      if (!(lossy && d.drops[i] === true)) out.push({ dir, from, to, fin: false });
    });
    for (const [from, to] of d.dupRanges) out.push({ dir, from, to, fin: false });
    if (d.fin || lossy) out.push({ dir, from: d.bytes.length, to: d.bytes.length, fin: true });
  }
  return out;
}

function run(c: Dir, s: Dir, order: Planned[]) {
  const rec = recorder();
  const r = new TcpReassembler(rec.factory);
  feed(r, tcpPacket({ seq: c.isn, flags: TCP_SYN }));
  feed(r, reverse({ seq: s.isn, ack: (c.isn + 1) >>> 0, flags: TCP_SYN | TCP_ACK }));
  for (const p of order) feed(r, packetFor(p.dir === 0 ? c : s, p));
  return { r, rec };
}

const scenario = (lossy: boolean) =>
  fc.tuple(direction, direction).chain(([c, s]) => {
    const planned = plan(c, s, lossy);
    return fc.tuple(
      fc.constant(c),
      fc.constant(s),
      fc.shuffledSubarray(planned, { minLength: planned.length, maxLength: planned.length }),
    );
  });

describe("TcpReassembler properties", () => {
  it("any permutation and duplication of the segments gives back each direction's bytes", () => {
    fc.assert(
      fc.property(scenario(false), ([c, s, order]) => {
        const { r, rec } = run(c, s, order);
        const f = rec.flows[0]!;
        if (c.fin && s.fin) assert.equal(f.closed, "fin");
        r.flush(0);
        assert.deepEqual(f.bytes[0], [...c.bytes]);
        assert.deepEqual(f.bytes[1], [...s.bytes]);
        assert.equal(r.counters.gaps, 0);
        assert.equal(r.counters.overlapConflicts, 0);
        assert.equal(r.bufferedBytes, 0);
        assert.equal(r.flows, 0);
        assert.equal(f.callsAfterClose, 0);
      }),
      { numRuns: 300 },
    );
  });

  it("with lost segments, data and gaps add up to the stream and data sits at its offsets", () => {
    fc.assert(
      fc.property(scenario(true), ([c, s, order]) => {
        const { r, rec } = run(c, s, order);
        r.flush(0);
        const f = rec.flows[0]!;
        let holes = 0;
        for (const [d, want] of [
          [0, c.bytes],
          [1, s.bytes],
        ] as const) {
          const got = f.bytes[d];
          assert.equal(got.length, want.length);
          got.forEach((b, i) => {
            if (b === -1) holes++;
            else assert.equal(b, want[i]);
          });
        }
        assert.equal(r.counters.gapBytes, holes);
        assert.equal(r.bufferedBytes, 0);
        assert.equal(f.callsAfterClose, 0);
      }),
      { numRuns: 300 },
    );
  });

  it("random packet fields never throw and keep the books balanced", () => {
    const addr = fc.oneof(
      fc.constantFrom(
        Uint8Array.of(10, 0, 0, 1),
        Uint8Array.of(10, 0, 0, 2),
        Uint8Array.of(0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        Uint8Array.of(0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2),
      ),
      fc.uint8Array({ maxLength: 17 }),
    );
    const num = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 2 ** 32 - 300, max: 2 ** 32 - 1 }),
      fc.integer(),
      fc.double(),
    );
    const packet = fc.record({
      ts: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.double()),
      tunnel: fc.constantFrom("", "vxlan:1"),
      vni: fc.integer(),
      vlan: fc.integer(),
      family: fc.constantFrom(4, 6, 5) as fc.Arbitrary<4 | 6>,
      src: addr,
      dst: addr,
      srcPort: fc.oneof(fc.constantFrom(80, 40000), fc.integer({ min: -2, max: 70_000 })),
      dstPort: fc.oneof(fc.constantFrom(80, 40000), fc.integer({ min: -2, max: 70_000 })),
      seq: num,
      ack: num,
      flags: fc.nat(255),
      payload: fc.uint8Array({ maxLength: 120 }),
    });
    const op = fc.oneof(
      { weight: 12, arbitrary: packet },
      {
        weight: 1,
        arbitrary: fc.record({ tick: fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.double()) }),
      },
    );
    const opts = {
      maxFlows: 4,
      maxFlowBufferBytes: 400,
      maxBufferedBytes: 900,
      gapTimeoutMs: 50,
      shortTimeoutMs: 1000,
      establishedTimeoutMs: 5000,
    };
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const rec = recorder();
        const r = new TcpReassembler(rec.factory, opts);
        for (const o of ops) {
          if ("tick" in o) r.tick(o.tick);
          else feed(r, o);
          const k = r.counters;
          assert.equal(r.flows, k.flowsOpened - k.flowsClosed);
          assert.ok(r.flows <= opts.maxFlows);
          assert.ok(r.bufferedBytes >= 0 && r.bufferedBytes <= opts.maxBufferedBytes);
        }
        r.flush(0);
        assert.equal(r.flows, 0);
        assert.equal(r.bufferedBytes, 0);
        for (const f of rec.flows) {
          assert.notEqual(f.closed, null);
          assert.equal(f.callsAfterClose, 0);
        }
        assert.equal(r.counters.errors, 0);
      }),
      { numRuns: 400 },
    );
  });
});

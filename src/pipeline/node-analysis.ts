/**
 * The node's analysis stage: a bounded queue of exchanges feeding a pool of worker
 * threads. `offer` never blocks and never grows memory past its bounds: when the queue is
 * full (by count or by bytes) the exchange is shed and counted, so that the listener keeps
 * answering mirror sources at once whatever the analysis speed (issue #3: "under overload
 * it sheds analysis work, never accepting connections late").
 *
 * It runs on the listener's thread, so per exchange it does little: an exchange is
 * flattened into the batch being built as soon as it is offered (node-wire.ts) and is not
 * kept; the queue holds sealed batches, a few objects each, which keeps young-generation
 * GC pauses (the listener's latency) short however deep the queue. Workers send back only
 * the exchanges that had hits.
 */
import { Engine } from "../analysis/index.js";
import type { AnalysisLimits, Hit, HttpExchange } from "../model/index.js";
import { analysisClock } from "./analysis-clock.js";
import type { NodeMetrics, ShedReason } from "./metrics.js";
import { analyseBatch, BatchBuilder, batchTransfer, type WireBatch, type WireReply } from "./node-wire.js";
import type { NodeWorkerData } from "./node-worker.js";
import { WorkerPool } from "./worker-pool.js";

export interface AnalyzerOptions {
  /** Worker threads; 0 analyses on the calling thread (small setups, tests). */
  readonly workers: number;
  readonly queueSize: number;
  readonly queueBytes: number;
  readonly batchSize: number;
  readonly limits?: AnalysisLimits;
  readonly timeBudgetMs?: number;
  readonly metrics: NodeMetrics;
  /**
   * Each analysed exchange that had hits (with the analysis's anomalies added), and its
   * hits. Exchanges without hits are counted, not handed back.
   */
  readonly onResult: (exchange: HttpExchange, hits: readonly Hit[]) => void;
  /** Problems worth a log line (a worker died, a request's analysis threw). */
  readonly onProblem?: (message: string, detail?: Record<string, unknown>) => void;
  /**
   * Longest a partial batch waits for more exchanges before it goes to a worker (default
   * 2 ms; 0: at once). Every batch costs a message each way, on the listener's thread too:
   * at a few thousand requests/s, batches of one or two would cost more than the requests.
   * A full batch goes at once; a draining analyzer does not wait.
   */
  readonly coalesceMs?: number;
  /** Batches outstanding per worker: 2 keeps a worker busy while the next one is posted. */
  readonly inFlightPerWorker?: number;
  /** Least time between two replacements of a failed pool (a crash loop must not spin). */
  readonly restartDelayMs?: number;
  /** Worker entry (tests); default `node-worker.js`. */
  readonly workerScript?: URL;
  /** Niceness of the analysis threads (Linux; default 10): the listener's thread goes first. */
  readonly workerNice?: number;
}

export interface AnalyzerStats {
  /** Exchanges offered (received from the listener), shed ones included. */
  readonly received: number;
  readonly queued: number;
  readonly queuedBytes: number;
  readonly inFlight: number;
  readonly analysed: number;
  readonly shed: Readonly<Record<ShedReason, number>>;
  readonly poolRestarts: number;
}

/** A sealed batch waiting for a worker, or in one. */
interface Queued {
  readonly batch: WireBatch;
  /** performance.now() when each exchange was offered. */
  readonly at: Float64Array;
  /** Sum of exchangeBytes over its exchanges. */
  readonly bytes: number;
}

/** Fixed-capacity FIFO (a ring): O(1) at both ends, no array shifting under load. */
class Ring<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(v: T): boolean {
    if (this.count === this.capacity) return false;
    this.slots[(this.head + this.count) % this.capacity] = v;
    this.count++;
    return true;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const v = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return v;
  }
}

/** Rough memory held by a queued exchange: what it carries that is proportional to input. */
export function exchangeBytes(ex: HttpExchange): number {
  const r = ex.request;
  let n = 256 + r.target.length + (typeof r.body === "string" ? r.body.length * 2 : r.body.byteLength);
  for (const [k, v] of r.headers) n += k.length + v.length + 32;
  return n;
}

export class ExchangeAnalyzer {
  /** Sealed batches, oldest first (each holds at least one exchange). */
  private readonly queue: Ring<Queued>;
  /** The batch being filled: exchanges offered since the last seal. */
  private readonly builder = new BatchBuilder();
  private builderAt: number[] = [];
  private builderBytes = 0;
  /** Exchanges waiting (sealed or in the builder) and their bytes. */
  private queued = 0;
  private queuedBytes = 0;
  private inFlight = 0;
  private inFlightItems = 0;
  private analysed = 0;
  private received = 0;
  private readonly shedCounts: Record<ShedReason, number> = {
    queue_full: 0,
    queue_bytes: 0,
    shutdown: 0,
    analysis_failed: 0,
  };
  private pool: WorkerPool<WireBatch, WireReply> | undefined;
  private readonly engine: Engine | undefined;
  private readonly maxInFlight: number;
  private readonly capacity: number;
  private readonly batchSize: number;
  private scheduled = false;
  private accepting = true;
  /** Set when shutdown gave up waiting: late results are ignored (already counted as shed). */
  private abandoned = false;
  private poolRestarts = 0;
  private lastRestart = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private coalesceTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: AnalyzerOptions) {
    this.capacity = Math.max(1, opts.queueSize);
    this.batchSize = Math.max(1, opts.batchSize);
    this.queue = new Ring(this.capacity);
    if (opts.workers > 0) {
      this.pool = this.newPool();
      this.maxInFlight = opts.workers * (opts.inFlightPerWorker ?? 2);
    } else {
      this.engine = new Engine({
        ...(opts.limits !== undefined ? { limits: opts.limits } : {}),
        ...(opts.timeBudgetMs !== undefined ? { timeBudgetMs: opts.timeBudgetMs } : {}),
        clock: analysisClock(),
      });
      this.maxInFlight = 1;
    }
    opts.metrics.setPipelineSource(() => ({
      received: this.received,
      analysed: this.analysed,
      queued: this.queued + this.inFlightItems,
      queuedBytes: this.queuedBytes,
      shed: this.shedCounts,
    }));
  }

  /**
   * Whether an exchange offered now could be queued, as far as its count goes. When it
   * could not, the refusal is counted (received and shed) here, so that the caller need
   * not build the exchange at all; when it could, nothing is counted: `offer` follows.
   */
  admit(): boolean {
    if (this.accepting && this.queued < this.capacity) return true;
    this.received++;
    this.shed(this.accepting ? "queue_full" : "shutdown", 1);
    return false;
  }

  /** Queues an exchange for analysis; false when it was shed (counted). Never blocks. */
  offer(ex: HttpExchange): boolean {
    this.received++;
    if (!this.accepting) return this.shed("shutdown", 1);
    if (this.queued >= this.capacity) return this.shed("queue_full", 1);
    const bytes = exchangeBytes(ex);
    // One exchange larger than the whole byte budget still gets in when the queue is empty:
    // the listener already bounds a body, and refusing it for ever would blind the node.
    if (this.queuedBytes + bytes > this.opts.queueBytes && this.queued > 0) {
      return this.shed("queue_bytes", 1);
    }
    this.builder.add(ex);
    this.builderAt.push(performance.now());
    this.builderBytes += bytes;
    this.queued++;
    this.queuedBytes += bytes;
    if (this.builder.length >= this.batchSize) this.seal();
    // A partial batch already waiting on its timer needs no dispatch now.
    if (this.coalesceTimer === undefined || this.queue.length > 0) this.schedule();
    return true;
  }

  stats(): AnalyzerStats {
    return {
      received: this.received,
      queued: this.queued,
      queuedBytes: this.queuedBytes,
      inFlight: this.inFlightItems,
      analysed: this.analysed,
      shed: { ...this.shedCounts },
      poolRestarts: this.poolRestarts,
    };
  }

  /**
   * Stops accepting, then waits until everything queued is analysed and handed to
   * `onResult`, or until the deadline; what is left then is counted as shed (`shutdown`).
   */
  async drain(timeoutMs: number): Promise<{ dropped: number }> {
    this.accepting = false;
    this.schedule();
    if (!this.idle()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    let dropped = 0;
    if (!this.idle()) {
      this.abandoned = true;
      dropped = this.queued + this.inFlightItems;
      while (this.queue.shift() !== undefined) {}
      if (this.builder.length > 0) this.builder.seal();
      this.builderAt = [];
      this.builderBytes = 0;
      this.queued = 0;
      this.queuedBytes = 0;
      this.shed("shutdown", dropped);
    }
    return { dropped };
  }

  /** Stops the workers (call after `drain`). */
  async close(): Promise<void> {
    this.accepting = false;
    this.abandoned = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.coalesceTimer);
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  private idle(): boolean {
    return this.queued === 0 && this.inFlight === 0;
  }

  private shed(reason: ShedReason, n: number): false {
    this.shedCounts[reason] += n;
    return false;
  }

  /** How long (ms) the partial batch may still wait for company; 0: it goes now. */
  private coalesceWait(): number {
    const oldest = this.builderAt[0];
    if (oldest === undefined) return 0;
    return Math.ceil(oldest + (this.opts.coalesceMs ?? 2) - performance.now());
  }

  /** Moves the exchanges of the builder into a sealed batch at the end of the queue. */
  private seal(): void {
    const batch = this.builder.seal();
    this.queue.push({ batch, at: new Float64Array(this.builderAt), bytes: this.builderBytes });
    this.builderAt = [];
    this.builderBytes = 0;
  }

  private newPool(): WorkerPool<WireBatch, WireReply> {
    const data: NodeWorkerData = {
      nice: this.opts.workerNice ?? 10,
      ...(this.opts.limits !== undefined ? { limits: this.opts.limits } : {}),
      ...(this.opts.timeBudgetMs !== undefined ? { timeBudgetMs: this.opts.timeBudgetMs } : {}),
    };
    return new WorkerPool(
      this.opts.workers,
      this.opts.workerScript ?? new URL("./node-worker.js", import.meta.url),
      data,
    );
  }

  /** One dispatch per turn of the event loop: exchanges that arrive together go together. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.abandoned) return;
    if (this.pool?.failed === true) this.replacePool();
    while (this.inFlight < this.maxInFlight && this.queued > 0) {
      if (this.engine === undefined && this.pool === undefined) return; // waiting for a restart
      if (this.queue.length === 0) {
        // Only a partial batch: let it fill a little, unless it has waited enough.
        const wait = this.engine === undefined && this.accepting ? this.coalesceWait() : 0;
        if (wait > 0) {
          this.coalesceTimer ??= setTimeout(() => {
            this.coalesceTimer = undefined;
            this.pump();
          }, wait);
          return;
        }
        this.seal();
      }
      const q = this.queue.shift()!;
      const n = q.batch.n;
      this.queued -= n;
      this.queuedBytes -= q.bytes;
      this.inFlight++;
      this.inFlightItems += n;
      if (this.engine !== undefined) {
        // Inline: one batch per turn, so that the listener's I/O runs in between.
        let reply: WireReply | undefined;
        let error: unknown;
        try {
          reply = analyseBatch(this.engine, q.batch);
        } catch (e) {
          error = e;
        }
        this.settle(q, reply, error);
        if (this.queued > 0) this.schedule();
        return;
      }
      this.pool!.run(q.batch, batchTransfer(q.batch)).then(
        (reply) => this.settle(q, reply, undefined),
        (e: unknown) => this.settle(q, undefined, e),
      );
    }
  }

  private settle(q: Queued, reply: WireReply | undefined, error: unknown): void {
    const n = q.at.length;
    this.inFlight--;
    this.inFlightItems -= n;
    if (this.abandoned) return;
    if (reply === undefined) {
      this.shed("analysis_failed", n);
      this.opts.onProblem?.("analysis batch failed", {
        error: error instanceof Error ? error.message : String(error),
        exchanges: n,
      });
    } else {
      const now = performance.now();
      const m = this.opts.metrics;
      const failed = reply.failed.length > 0 ? new Set(reply.failed.map((f) => f.i)) : undefined;
      for (const f of reply.failed) {
        this.shed("analysis_failed", 1);
        this.opts.onProblem?.("analysis of an exchange failed", { error: f.error, exchange: f.id });
      }
      for (let i = 0; i < n; i++) {
        if (failed?.has(i) === true) continue;
        this.analysed++;
        m.analysisSeconds.observe((reply.ms[i] ?? 0) / 1000);
        m.delaySeconds.observe((now - q.at[i]!) / 1000);
      }
      for (const f of reply.found) {
        for (const h of f.hits) m.hits.inc({ type: h.type });
        this.deliver(f.exchange, f.hits);
      }
    }
    if (this.queued > 0) this.schedule();
    else if (this.inFlight === 0) this.wakeIdle();
  }

  private deliver(exchange: HttpExchange, hits: readonly Hit[]): void {
    try {
      this.opts.onResult(exchange, hits);
    } catch (e) {
      this.opts.onProblem?.("recording an exchange failed", {
        error: e instanceof Error ? e.message : String(e),
        exchange: exchange.id,
      });
    }
  }

  private wakeIdle(): void {
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }

  /** A worker died: every later job on that pool would fail, so start a fresh one. */
  private replacePool(): void {
    const old = this.pool;
    this.pool = undefined;
    old?.close().catch(() => {});
    const wait = this.lastRestart + (this.opts.restartDelayMs ?? 1000) - Date.now();
    const start = () => {
      this.restartTimer = undefined;
      if (this.abandoned) return;
      this.lastRestart = Date.now();
      this.poolRestarts++;
      this.opts.onProblem?.("analysis worker died; starting a new pool", { restarts: this.poolRestarts });
      this.pool = this.newPool();
      this.schedule();
    };
    if (wait <= 0) start();
    else this.restartTimer ??= setTimeout(start, wait);
  }
}

/**
 * The node's analysis stage: a bounded queue of exchanges feeding a pool of worker
 * threads. `offer` never blocks and never grows memory past its bounds: when the queue is
 * full (by count or by bytes) the exchange is shed and counted, so that the listener keeps
 * answering mirror sources at once whatever the analysis speed (issue #3: "under overload
 * it sheds analysis work, never accepting connections late").
 */
import { Engine } from "../analysis/index.js";
import type { AnalysisLimits, Anomaly, Hit, HttpExchange } from "../model/index.js";
import { analysisClock } from "./analysis-clock.js";
import type { NodeMetrics, ShedReason } from "./metrics.js";
import { analyseBatch, encodeBatch, type WireBatch, type WireReply, type WireResult } from "./node-wire.js";
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
  /** Each analysed exchange (with the analysis's anomalies added) and its hits. */
  readonly onResult: (exchange: HttpExchange, hits: readonly Hit[]) => void;
  /** Problems worth a log line (a worker died, a request's analysis threw). */
  readonly onProblem?: (message: string, detail?: Record<string, unknown>) => void;
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

interface Item {
  readonly ex: HttpExchange;
  readonly bytes: number;
  /** performance.now() when offered. */
  readonly at: number;
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
  private readonly queue: Ring<Item>;
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
  private scheduled = false;
  private accepting = true;
  /** Set when shutdown gave up waiting: late results are ignored (already counted as shed). */
  private abandoned = false;
  private poolRestarts = 0;
  private lastRestart = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: AnalyzerOptions) {
    this.queue = new Ring(Math.max(1, opts.queueSize));
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
      queued: this.queue.length + this.inFlightItems,
      queuedBytes: this.queuedBytes,
      shed: this.shedCounts,
    }));
  }

  /** Queues an exchange for analysis; false when it was shed (counted). Never blocks. */
  offer(ex: HttpExchange): boolean {
    this.received++;
    if (!this.accepting) return this.shed("shutdown", 1);
    if (this.queue.length >= this.queue.capacity) return this.shed("queue_full", 1);
    const bytes = exchangeBytes(ex);
    // One exchange larger than the whole byte budget still gets in when the queue is empty:
    // the listener already bounds a body, and refusing it for ever would blind the node.
    if (this.queuedBytes + bytes > this.opts.queueBytes && this.queue.length > 0) {
      return this.shed("queue_bytes", 1);
    }
    this.queue.push({ ex, bytes, at: performance.now() });
    this.queuedBytes += bytes;
    this.schedule();
    return true;
  }

  stats(): AnalyzerStats {
    return {
      received: this.received,
      queued: this.queue.length,
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
      dropped = this.queue.length + this.inFlightItems;
      while (this.queue.shift() !== undefined) {}
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
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  private shed(reason: ShedReason, n: number): false {
    this.shedCounts[reason] += n;
    return false;
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
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      if (this.engine === undefined && this.pool === undefined) return; // waiting for a restart
      const items: Item[] = [];
      while (items.length < this.opts.batchSize) {
        const it = this.queue.shift();
        if (it === undefined) break;
        this.queuedBytes -= it.bytes;
        items.push(it);
      }
      this.inFlight++;
      this.inFlightItems += items.length;
      const batch = encodeBatch(items.map((i) => i.ex.request));
      if (this.engine !== undefined) {
        // Inline: one batch per turn, so that the listener's I/O runs in between.
        let reply: WireReply | undefined;
        let error: unknown;
        try {
          reply = analyseBatch(this.engine, batch);
        } catch (e) {
          error = e;
        }
        this.settle(items, reply, error);
        if (this.queue.length > 0) this.schedule();
        return;
      }
      this.pool!.run(batch, [batch.body]).then(
        (reply) => this.settle(items, reply, undefined),
        (e: unknown) => this.settle(items, undefined, e),
      );
    }
  }

  private settle(items: readonly Item[], reply: WireReply | undefined, error: unknown): void {
    this.inFlight--;
    this.inFlightItems -= items.length;
    if (this.abandoned) return;
    if (reply === undefined) {
      this.shed("analysis_failed", items.length);
      this.opts.onProblem?.("analysis batch failed", {
        error: error instanceof Error ? error.message : String(error),
        exchanges: items.length,
      });
    } else {
      const now = performance.now();
      const m = this.opts.metrics;
      for (let i = 0; i < items.length; i++) {
        const it = items[i]!;
        const r = reply.results[i];
        if (r === undefined || r.error !== undefined) {
          this.shed("analysis_failed", 1);
          this.opts.onProblem?.("analysis of an exchange failed", {
            error: r?.error ?? "no result",
            exchange: it.ex.id,
          });
          continue;
        }
        this.analysed++;
        m.analysisSeconds.observe(r.ms / 1000);
        m.delaySeconds.observe((now - it.at) / 1000);
        for (const h of r.hits) m.hits.inc({ type: h.type });
        this.deliver(it.ex, r);
      }
    }
    if (this.queue.length > 0) this.schedule();
    else if (this.inFlight === 0) this.wakeIdle();
  }

  private deliver(ex: HttpExchange, r: WireResult): void {
    const exchange = r.anomalies.length > 0 ? withAnomalies(ex, r.anomalies) : ex;
    try {
      this.opts.onResult(exchange, r.hits);
    } catch (e) {
      this.opts.onProblem?.("recording an exchange failed", {
        error: e instanceof Error ? e.message : String(e),
        exchange: ex.id,
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

function withAnomalies(ex: HttpExchange, extra: readonly Anomaly[]): HttpExchange {
  return { ...ex, anomalies: [...(ex.anomalies ?? []), ...extra] };
}

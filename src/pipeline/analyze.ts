import { availableParallelism } from "node:os";
import { Engine } from "../analysis/index.js";
import type { AnalysisLimits } from "../model/index.js";
import { analysisClock } from "./analysis-clock.js";
import type { AnalysisWorkerData } from "./analysis-worker.js";
import { type Batch, type BatchResult, type BatchWarning, runBatch } from "./batch.js";
import { type InputInfo, probeInput, readBatches } from "./inputs.js";
import { WorkerPool } from "./worker-pool.js";

/**
 * Below this much (estimated, uncompressed) input, worker threads cost more than they
 * save. Each worker starts cold: its first ~15,000 requests run at two to three times the
 * steady cost while the JIT optimises the detectors (measured on blazehttp: ~400 µs of CPU
 * per request in the first pass over the file, ~120 from the fourth), and the main thread
 * still reads, batches and writes. On 2 cores (`mirrorwatch analyze` of
 * blazehttp-benign-a, 35 MB, 16,468 requests): inline 5.2 s, two workers 6.6 s; the same
 * file four times (141 MB): inline 14.0 s, two workers 13.0 s. So on 2 cores threads pay
 * off from about 128 MiB. With more cores each worker adds a whole core of analysis and
 * 16 MiB (about 8,000 browser requests) is kept there (not measured on this project's
 * 2-core machines).
 */
export const AUTO_WORKERS_MIN_BYTES = 16 * 1024 * 1024;
/** `AUTO_WORKERS_MIN_BYTES` on machines with 2 cores or fewer (see above). */
export const AUTO_WORKERS_MIN_BYTES_2_CORES = 128 * 1024 * 1024;
/** Batches each worker may have waiting (the one it analyses included). */
const WORKER_QUEUE = 2;
/** Rough gzip ratio of request logs, to estimate work from a compressed file's size. */
const GZIP_RATIO = 5;
/** Batch sizes: large enough to amortise messaging, small enough to keep every core busy. */
export const DEFAULT_BATCH_BYTES = 128 * 1024;
export const DEFAULT_BATCH_EXCHANGES = 128;

export interface AnalyzeOptions {
  /** `"auto"`: every core for large inputs, this thread otherwise; `0`: this thread; `N`: N worker threads. */
  readonly workers: number | "auto";
  /** Receives verdict lines in input order; may return a promise to apply backpressure. */
  readonly write: (text: string) => void | Promise<void>;
  readonly onWarning?: (w: BatchWarning) => void;
  readonly onProgress?: (p: Progress) => void;
  /** Stops reading and analysing (e.g. the output was closed); what is done is kept. */
  readonly signal?: AbortSignal;
  readonly limits?: AnalysisLimits;
  readonly batchBytes?: number;
  readonly batchExchanges?: number;
  /**
   * With worker threads, the calling thread analyses too: a batch goes to a worker when one
   * has fewer than WORKER_QUEUE batches waiting, else it is analysed here.
   */
  readonly mainAnalyses?: boolean;
  /** Batches submitted but not yet written; bounds memory whatever the speed of each side. */
  readonly maxInFlight?: number;
}

export interface Progress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly requests: number;
  readonly elapsedMs: number;
}

export interface InputStats {
  readonly file: string;
  requests: number;
  warnings: number;
}

export interface AnalyzeStats {
  requests: number;
  withHits: number;
  readonly hitsByType: Map<string, number>;
  warnings: number;
  failures: number;
  /** Worker threads used (0: analysed on the calling thread). */
  workers: number;
  /** With worker threads: whether the calling thread analysed as well. */
  mainAnalysed: boolean;
  elapsedMs: number;
  readonly inputs: InputStats[];
  /** True when stopped early by the signal. */
  stopped: boolean;
}

/** Checks every input (readable, known format) before any output is written. */
export async function probeInputs(files: readonly string[]): Promise<InputInfo[]> {
  const infos: InputInfo[] = [];
  for (const f of files) {
    infos.push(await probeInput(f));
  }
  return infos;
}

/**
 * How many worker threads `auto` picks for these inputs: one per core but one, the
 * calling thread analysing as well (it also reads and writes, and is the warmest engine:
 * on 2 cores, blazehttp four times over (141 MB), inline 13.0 s, two workers 12.2 s, one
 * worker and this thread 10.5–11.5 s); none for small inputs.
 */
export function autoWorkers(infos: readonly InputInfo[], cores = availableParallelism()): number {
  const estimate = infos.reduce((n, i) => n + i.bytes * (i.gzip ? GZIP_RATIO : 1), 0);
  const min = cores <= 2 ? AUTO_WORKERS_MIN_BYTES_2_CORES : AUTO_WORKERS_MIN_BYTES;
  return estimate >= min && cores > 1 ? cores - 1 : 0;
}

/** Analyses files (probed with `probeInputs`) in order. Throws `InputError` for an unreadable one. */
export async function analyzeFiles(
  infos: readonly InputInfo[],
  options: AnalyzeOptions,
): Promise<AnalyzeStats> {
  let opts = options;
  const auto = opts.workers === "auto";
  const workers = auto ? autoWorkers(infos) : (opts.workers as number);
  // `auto` with threads: this thread analyses too (see autoWorkers).
  if (auto && workers > 0 && opts.mainAnalyses === undefined) opts = { ...opts, mainAnalyses: true };
  const bytesTotal = infos.reduce((n, i) => n + i.bytes, 0);
  let bytesDone = 0;
  const stats = newStats(infos.map((i) => i.file));
  const batchOpts = {
    batchBytes: opts.batchBytes ?? DEFAULT_BATCH_BYTES,
    batchExchanges: opts.batchExchanges ?? DEFAULT_BATCH_EXCHANGES,
    onBytes: (n: number) => {
      bytesDone += n;
    },
    onLineWarning: (file: string, line: number, message: string) => {
      const idx = infos.findIndex((i) => i.file === file);
      if (idx !== -1) stats.inputs[idx]!.warnings++;
      stats.warnings++;
      opts.onWarning?.({ file, line, message });
    },
  };
  async function* all(): AsyncGenerator<Batch> {
    for (let i = 0; i < infos.length; i++) yield* readBatches(infos[i]!, i, batchOpts);
  }
  return runBatches(all(), workers, opts, stats, () => ({ bytesDone, bytesTotal }));
}

/** Analyses batches from any source (used by `analyzeFiles` and the benchmark). */
export async function analyzeBatches(
  source: AsyncIterable<Batch>,
  workers: number,
  opts: AnalyzeOptions,
  inputs: readonly string[] = [],
): Promise<AnalyzeStats> {
  return runBatches(source, workers, opts, newStats(inputs), () => ({ bytesDone: 0, bytesTotal: 0 }));
}

function newStats(files: readonly string[]): AnalyzeStats {
  return {
    requests: 0,
    withHits: 0,
    hitsByType: new Map(),
    warnings: 0,
    failures: 0,
    workers: 0,
    mainAnalysed: false,
    elapsedMs: 0,
    inputs: files.map((file) => ({ file, requests: 0, warnings: 0 })),
    stopped: false,
  };
}

async function runBatches(
  source: AsyncIterable<Batch>,
  workers: number,
  opts: AnalyzeOptions,
  stats: AnalyzeStats,
  bytes: () => { bytesDone: number; bytesTotal: number },
): Promise<AnalyzeStats> {
  const t0 = performance.now();
  stats.workers = workers;
  stats.mainAnalysed = workers > 0 && opts.mainAnalyses === true;
  const data: AnalysisWorkerData = opts.limits !== undefined ? { limits: opts.limits } : {};
  const pool =
    workers > 0
      ? new WorkerPool<Batch, BatchResult>(workers, new URL("./analysis-worker.js", import.meta.url), data)
      : undefined;
  const engine =
    pool === undefined || opts.mainAnalyses === true
      ? new Engine({
          ...(opts.limits !== undefined ? { limits: opts.limits } : {}),
          clock: analysisClock(),
        })
      : undefined;
  const maxInFlight = Math.max(
    1,
    opts.maxInFlight ?? (pool === undefined ? 1 : workers * WORKER_QUEUE + (engine === undefined ? 1 : 2)),
  );
  // Results are consumed in submission order, whatever order workers finish in: this
  // FIFO is both the reorder buffer and the backpressure bound.
  const queue: Promise<BatchResult>[] = [];
  const stopped = () => opts.signal?.aborted === true;

  const consume = async (): Promise<void> => {
    const r = await queue.shift()!;
    stats.requests += r.requests;
    stats.withHits += r.withHits;
    stats.failures += r.failures;
    stats.warnings += r.warnings.length;
    for (const [t, n] of r.hitsByType) stats.hitsByType.set(t, (stats.hitsByType.get(t) ?? 0) + n);
    const inp = stats.inputs[r.input];
    if (inp !== undefined) {
      inp.requests += r.requests;
      inp.warnings += r.warnings.length;
    }
    if (opts.onWarning !== undefined) for (const w of r.warnings) opts.onWarning(w);
    if (r.out.length > 0 && !stopped()) await opts.write(r.out);
    opts.onProgress?.({ ...bytes(), requests: stats.requests, elapsedMs: performance.now() - t0 });
  };

  try {
    let readFailed = false;
    let readError: unknown;
    try {
      for await (const batch of source) {
        if (stopped()) break;
        const p =
          pool !== undefined && (engine === undefined || pool.minPending() < WORKER_QUEUE)
            ? pool.run(batch)
            : Promise.resolve(runBatch(engine!, batch));
        p.catch(() => {}); // awaited in order by `consume`; this only avoids an "unhandled" report meanwhile
        queue.push(p);
        while (queue.length >= maxInFlight && !stopped()) await consume();
        if (stopped()) break;
      }
    } catch (e) {
      readFailed = true;
      readError = e;
    }
    // Whatever was read before a failing input is still written, in order.
    while (queue.length > 0 && !stopped()) await consume();
    if (readFailed) throw readError;
  } finally {
    await pool?.close();
  }
  stats.stopped = stopped();
  stats.elapsedMs = performance.now() - t0;
  return stats;
}

import { Worker } from "node:worker_threads";

/**
 * A fixed set of worker threads running one module that answers `{id, job}` with
 * `{id, ok, value | error}`. Each job goes to the worker with the fewest jobs
 * outstanding. The pool does not bound or reorder: its caller does (see `analyze.ts`),
 * which keeps this class small and reusable for other kinds of jobs.
 */
export class WorkerPool<J, R> {
  private readonly workers: PoolWorker<R>[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private closed = false;

  constructor(size: number, script: URL, workerData?: unknown) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(script, { workerData });
      const pw: PoolWorker<R> = { worker: w, pending: new Map() };
      w.on("message", (m: Reply<R>) => {
        const p = pw.pending.get(m.id);
        if (p === undefined) return;
        pw.pending.delete(m.id);
        if (m.ok) p.resolve(m.value as R);
        else p.reject(new Error(m.error ?? "worker job failed"));
      });
      w.on("error", (e) => this.fail(pw, e));
      w.on("exit", (code) => {
        if (!this.closed) this.fail(pw, new Error(`analysis worker exited unexpectedly (code ${code})`));
      });
      this.workers.push(pw);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Jobs outstanding on the least busy worker. */
  minPending(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const w of this.workers) if (w.pending.size < min) min = w.pending.size;
    return min;
  }

  /** True once a worker has died: every later `run` rejects (a long-running caller replaces the pool). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  run(job: J, transfer?: readonly ArrayBuffer[]): Promise<R> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error("worker pool is closed"));
    let best = this.workers[0]!;
    for (const w of this.workers) if (w.pending.size < best.pending.size) best = w;
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      best.pending.set(id, { resolve, reject });
      best.worker.postMessage({ id, job }, transfer as ArrayBuffer[] | undefined);
    });
  }

  /** Stops every worker; outstanding jobs are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new Error("worker pool is closed");
    for (const w of this.workers) {
      for (const p of w.pending.values()) p.reject(err);
      w.pending.clear();
    }
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private fail(pw: PoolWorker<R>, e: Error): void {
    this.failure ??= e;
    for (const p of pw.pending.values()) p.reject(e);
    pw.pending.clear();
  }
}

interface PoolWorker<R> {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (v: R) => void; reject: (e: Error) => void }>;
}

/** Wire format of a worker's answer. */
export interface Reply<R> {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: R;
  readonly error?: string;
}

import { Worker } from "node:worker_threads";
import type { AttackRecord, AttackType, HitRecord, StoredRequest, TokenRecord } from "../../model/index.js";
import { StoreError, type StoreErrorCode, type StoreUnavailableReason, unavailable } from "../errors.js";
import type { HitFilter, Page, PageRequest, Stats, StatsQuery, Store, WriteBatch } from "../types.js";
import type { SqliteStoreOptions } from "./store.js";
import type { WorkerCall, WorkerReply } from "./worker-entry.js";

const ENTRY = new URL("./worker-entry.js", import.meta.url);

/**
 * A SqliteStore run in worker threads, so that SQLite's work never blocks the event loop
 * that serves the mirror listener: a 500-hit batch costs tens of milliseconds of CPU, a
 * stats query over months far more. One thread owns the writing connection (writes,
 * prune, tokens, findOpenAttack); for a file, a second thread owns a reading connection
 * (pages, stats, lookups), so a long stats query does not hold up writes — WAL lets them
 * run side by side. `:memory:` uses the writing thread for everything (a memory database
 * belongs to one connection).
 *
 * The price is a structured clone of every batch and result across threads, which is far
 * cheaper than the inserts themselves. Errors keep their StoreError code.
 */
export class SqliteWorkerStore implements Store {
  private writer: Channel | undefined;
  private reader: Channel | undefined;

  constructor(private readonly options: SqliteStoreOptions) {}

  async open(): Promise<void> {
    if (this.writer !== undefined) return;
    const writer = new Channel(this.options);
    try {
      await writer.call("open", []);
      let reader = writer;
      if (this.options.dir !== undefined || this.options.file !== ":memory:") {
        reader = new Channel(this.options);
        await reader.call("open", []);
      }
      this.writer = writer;
      this.reader = reader;
    } catch (e) {
      await writer.terminate();
      throw e;
    }
  }

  async close(): Promise<void> {
    const { writer, reader } = this;
    this.writer = undefined;
    this.reader = undefined;
    for (const ch of new Set([reader, writer])) {
      if (ch === undefined) continue;
      try {
        // A thread that already died has nothing left to close.
        if (ch.alive) await ch.call("close", []);
      } finally {
        await ch.terminate();
      }
    }
  }

  write(batch: WriteBatch): Promise<void> {
    return this.w("write", [batch]);
  }
  findOpenAttack(key: {
    readonly type: AttackType;
    readonly point: string;
    readonly host: string;
    readonly pathTemplate: string;
    readonly since: number;
  }): Promise<AttackRecord | undefined> {
    return this.w("findOpenAttack", [key]);
  }
  hits(filter: HitFilter, page?: PageRequest): Promise<Page<HitRecord>> {
    return this.r("hits", [filter, page]);
  }
  attacks(filter: HitFilter, page?: PageRequest): Promise<Page<AttackRecord>> {
    return this.r("attacks", [filter, page]);
  }
  attack(id: string): Promise<AttackRecord | undefined> {
    return this.r("attack", [id]);
  }
  request(id: string): Promise<StoredRequest | undefined> {
    return this.r("request", [id]);
  }
  stats(query: StatsQuery): Promise<Stats> {
    return this.r("stats", [query]);
  }
  prune(before: number): Promise<number> {
    return this.w("prune", [before]);
  }
  createToken(token: TokenRecord): Promise<void> {
    return this.w("createToken", [token]);
  }
  tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    return this.r("tokenByHash", [hash]);
  }
  tokens(): Promise<readonly TokenRecord[]> {
    return this.r("tokens", []);
  }
  revokeToken(id: string, at: number): Promise<boolean> {
    return this.w("revokeToken", [id, at]);
  }
  touchToken(id: string, at: number): Promise<void> {
    return this.w("touchToken", [id, at]);
  }
  async ping(): Promise<boolean> {
    const { writer, reader } = this;
    if (writer === undefined || reader === undefined) return false;
    try {
      const [a, b] = await Promise.all([writer.call("ping", []), reader.call("ping", [])]);
      return a === true && b === true;
    } catch {
      return false;
    }
  }
  /** See SqliteStore.integrityCheck. */
  integrityCheck(): Promise<string[]> {
    return this.w("integrityCheck", []);
  }

  private w<T>(op: string, args: unknown[]): Promise<T> {
    return this.send(this.writer, op, args);
  }
  private r<T>(op: string, args: unknown[]): Promise<T> {
    return this.send(this.reader, op, args);
  }
  private async send<T>(ch: Channel | undefined, op: string, args: unknown[]): Promise<T> {
    if (ch === undefined) throw unavailable("not_open", `${op}: the store is not open`);
    // `undefined` arguments are dropped so the worker applies its defaults.
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    return (await ch.call(op, args)) as T;
  }
}

/** One worker and its outstanding calls. */
class Channel {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private dead: StoreError | undefined;

  constructor(options: SqliteStoreOptions) {
    this.worker = new Worker(ENTRY, { workerData: { ...options, now: undefined } });
    this.worker.on("message", (m: WorkerReply) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else
        p.reject(
          new StoreError((m.error?.code ?? "internal") as StoreErrorCode, m.error?.message ?? "store error", {
            ...(m.error?.reason === undefined ? {} : { reason: m.error.reason as StoreUnavailableReason }),
          }),
        );
    });
    this.worker.on("error", (e) => this.fail(unavailable("thread", `store thread failed: ${e.message}`, e)));
    this.worker.on("exit", (code) => this.fail(unavailable("thread", `store thread exited (code ${code})`)));
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  call(op: string, args: readonly unknown[]): Promise<unknown> {
    if (this.dead !== undefined) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ id, op, args } satisfies WorkerCall);
      } catch (e) {
        // A value that cannot be cloned (a function in a record): the caller's mistake.
        this.pending.delete(id);
        reject(
          new StoreError("invalid_record", `${op}: ${e instanceof Error ? e.message : String(e)}`, {
            cause: e,
          }),
        );
      }
    });
  }

  async terminate(): Promise<void> {
    this.fail(unavailable("not_open", "the store is closed"));
    await this.worker.terminate();
  }

  private fail(e: StoreError): void {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

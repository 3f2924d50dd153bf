import { performance } from "node:perf_hooks";
import type { Hit, HitCountRecord, HitRecord, HttpExchange, StoredRequest } from "../model/index.js";
import { HIT_COUNT_BUCKET_MS, headerValue } from "../model/index.js";
import type { Store, WriteBatch } from "../store/types.js";
import type { Exclusions } from "./exclusions.js";
import { AttackGrouper, type AttackState, type GroupingOptions } from "./grouping.js";
import { createMasker, type Masker, type MaskingOptions } from "./mask/index.js";
import { pathTemplate } from "./path-template.js";
import { DEFAULT_MAX_BODY, type ExchangeFacts, exchangeFacts, storedRequest, targetPath } from "./request.js";
import { Sampler, type SamplingOptions } from "./sampling.js";
import { ulid } from "./ulid.js";

/** How the recorder is built; every field but `store` has a default. */
export interface RecorderOptions {
  /** Where batches go (and where open attacks are looked up after a restart). */
  readonly store: Pick<Store, "write" | "findOpenAttack">;
  /**
   * Flush at least this often (default 50 ms; 0 disables the timer: call `flush()`).
   * Short so that a crash loses little, and so that hits and stored requests are written
   * and released before the listener thread's young-generation GCs (~100 ms apart under
   * load) promote them. Batches stay small transactions (20 a second at most from the
   * timer). The listener's p99 in bench:mirror did not move measurably against 250 ms
   * (5.6–6.9 ms against 6.1–7.8 ms over three alternated runs each: within this VM's noise).
   */
  readonly flushIntervalMs?: number;
  /** Hits per batch; a full batch is flushed at once (default 500). */
  readonly batchSize?: number;
  /**
   * Most hits waiting for the store, in batches being written included (default 20,000).
   * Past it, new hits are dropped and counted: a slow disk must never grow memory.
   */
  readonly maxPendingHits?: number;
  /** Most bytes (estimated) of waiting records (default 64 MiB); past it, drop and count. */
  readonly maxPendingBytes?: number;
  /** Body characters stored per request (default 64 KiB); longer bodies are cut, `bodyTruncated`. */
  readonly maxBodyBytes?: number;
  /** Attack grouping: window (default 1 h) and open attacks kept in memory (default 10,000). */
  readonly grouping?: GroupingOptions;
  /** Identical-hit sampling: 5 per key and hour by default. */
  readonly sampling?: SamplingOptions;
  /** Masking of stored requests (on by default). */
  readonly masking?: MaskingOptions;
  /** Hits an operator ruled out as false positives (exclusions.ts); none by default. */
  readonly exclusions?: Exclusions;
  /** Clock for exchanges without a timestamp (default Date.now). */
  readonly now?: () => number;
  /** Called after every store write, for metrics (e.g. a prom-client histogram of `ms`). */
  readonly onWrite?: (o: WriteObservation) => void;
  /** Called with errors the recorder survives (a failed write, a failed lookup). */
  readonly onError?: (e: unknown) => void;
}

export interface WriteObservation {
  /** Wall time of `store.write`, in milliseconds. */
  readonly ms: number;
  readonly ok: boolean;
  readonly hits: number;
  readonly requests: number;
  readonly attacks: number;
}

/** Running totals since the recorder was made (counters only grow; `pending*` are gauges). */
export interface RecorderCounters {
  /** Hits handed to `record`. */
  hitsReceived: number;
  /** Hits written to the store in full. */
  hitsStored: number;
  /** Hits not stored in full, only counted (sampling): on their attack and in the hit counts. */
  hitsSampled: number;
  /** Hits an exclusion rule ruled out (not grouped, not stored, not counted on attacks). */
  hitsExcluded: number;
  /** The same by rule: `[name, hits]` in the rules' order (empty without rules). */
  readonly excludedByRule: [string, number][];
  /** Hits lost: buffer full, write failed, or recorded after close. */
  hitsDropped: number;
  droppedOverflow: number;
  droppedWriteFailed: number;
  droppedClosed: number;
  requestsStored: number;
  batches: number;
  writeErrors: number;
  /** Hits waiting or being written now. */
  pendingHits: number;
  /** Estimated bytes waiting or being written now. */
  pendingBytes: number;
}

interface PendingHit {
  readonly hit: Hit;
  readonly stored: boolean;
}

interface Pending {
  readonly ts: number;
  readonly clientIp: string;
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly pathTemplate: string;
  /** Response status, size and time, VNI and VLAN: copied onto every stored hit. */
  readonly facts: ExchangeFacts;
  readonly request: StoredRequest | undefined;
  readonly hits: readonly PendingHit[];
  readonly bytes: number;
}

const MAX_HOST = 255;
const MAX_METHOD = 32;

/**
 * Turns analysed exchanges into store batches: groups hits into attacks, samples
 * identical hits, masks and bounds the stored request, and writes in batches — every
 * `flushIntervalMs` or every `batchSize` hits, one write at a time. `record` never waits
 * and never throws: when the store falls behind, the buffer fills to its bounds and then
 * new hits are dropped and counted.
 *
 * Wiring in the node (store and metrics are the node's):
 * ```ts
 * const store = await openSqliteStore({ dir, worker: true });
 * const writeSeconds = new Histogram({ name: "mirrorwatch_store_write_seconds", help: "…" });
 * const recorder = new EventRecorder({
 *   store,
 *   onWrite: (o) => writeSeconds.observe(o.ms / 1000),
 *   onError: (e) => log.warn({ err: e }, "event store"),
 * });
 * new Gauge({ name: "mirrorwatch_events_dropped", help: "…", collect() { this.set(recorder.counters.hitsDropped); } });
 * // per analysed exchange:   recorder.record(exchange, hits);
 * // at shutdown:             await recorder.close(); await store.close();
 * ```
 */
export class EventRecorder {
  readonly counters: RecorderCounters = {
    hitsReceived: 0,
    hitsStored: 0,
    hitsSampled: 0,
    hitsExcluded: 0,
    excludedByRule: [],
    hitsDropped: 0,
    droppedOverflow: 0,
    droppedWriteFailed: 0,
    droppedClosed: 0,
    requestsStored: 0,
    batches: 0,
    writeErrors: 0,
    pendingHits: 0,
    pendingBytes: 0,
  };
  private readonly store: Pick<Store, "write" | "findOpenAttack">;
  private readonly queue: Pending[] = [];
  private readonly grouper: AttackGrouper;
  private readonly sampler: Sampler;
  private readonly masker: Masker;
  private readonly exclusions: Exclusions | undefined;
  private readonly batchSize: number;
  private readonly maxPendingHits: number;
  private readonly maxPendingBytes: number;
  private readonly maxBody: number;
  private readonly now: () => number;
  private readonly onWrite: (o: WriteObservation) => void;
  private readonly onError: (e: unknown) => void;
  private readonly timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(options: RecorderOptions) {
    this.store = options.store;
    this.batchSize = options.batchSize ?? 500;
    this.maxPendingHits = options.maxPendingHits ?? 20_000;
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024 * 1024;
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    for (const [n, v] of [
      ["batchSize", this.batchSize],
      ["maxPendingHits", this.maxPendingHits],
      ["maxPendingBytes", this.maxPendingBytes],
      ["maxBodyBytes", this.maxBody],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${n} must be a positive integer`);
    }
    const maxOpen = options.grouping?.maxOpen ?? 10_000;
    // A batch's attacks must all stay in memory until it is written.
    if (maxOpen < this.batchSize) throw new RangeError("grouping.maxOpen must be at least batchSize");
    this.now = options.now ?? Date.now;
    this.onWrite = options.onWrite ?? (() => {});
    this.onError = options.onError ?? (() => {});
    this.grouper = new AttackGrouper(
      (k) => this.store.findOpenAttack(k),
      ulid,
      options.grouping,
      this.onError,
    );
    this.sampler = new Sampler(options.sampling);
    this.masker = createMasker(options.masking);
    this.exclusions =
      options.exclusions !== undefined && options.exclusions.size > 0 ? options.exclusions : undefined;
    if (this.exclusions !== undefined)
      for (const n of this.exclusions.names) this.counters.excludedByRule.push([n, 0]);
    const every = options.flushIntervalMs ?? 50;
    if (every > 0) {
      this.timer = setInterval(() => void this.kick(), every);
      this.timer.unref();
    }
  }

  /**
   * Queues the hits of one exchange. Returns false when they were dropped (buffer full or
   * recorder closed); the drop is counted either way. Never throws, never waits.
   */
  record(exchange: HttpExchange, allHits: readonly Hit[]): boolean {
    const c = this.counters;
    if (allHits.length === 0) return true;
    c.hitsReceived += allHits.length;
    let hits = allHits;
    try {
      const req = exchange.request;
      const clientIp = (exchange.client?.ip ?? "").slice(0, 64);
      const host = (exchange.host ?? headerValue(req.headers, "host") ?? "").slice(0, MAX_HOST).toLowerCase();
      const method = req.method.slice(0, MAX_METHOD);
      const path = targetPath(req.target);
      const exclusions = this.exclusions;
      if (exclusions !== undefined) {
        const facts = { host, path, method, clientIp };
        hits = allHits.filter((h) => {
          const rule = exclusions.ruleFor(h, facts);
          if (rule === -1) return true;
          c.hitsExcluded++;
          c.excludedByRule[rule]![1]++;
          return false;
        });
        if (hits.length === 0) return true;
      }
      if (this.closed) {
        this.drop(hits.length, "droppedClosed");
        return false;
      }
      const bodyLen = Math.min(
        typeof req.body === "string" ? req.body.length : req.body.byteLength,
        this.maxBody,
      );
      let headerLen = 0;
      for (const [n, v] of req.headers) headerLen += n.length + v.length;
      // UTF-16 strings: two bytes per character, plus object overhead per record.
      let bytes = 512 + 2 * (bodyLen + req.target.length + headerLen);
      for (const h of hits) bytes += 256 + 2 * (h.payload.length + h.point.length + h.signature.length);
      if (
        c.pendingHits + hits.length > this.maxPendingHits ||
        c.pendingBytes + bytes > this.maxPendingBytes
      ) {
        this.drop(hits.length, "droppedOverflow");
        return false;
      }
      // Whole milliseconds: packet sources stamp µs or ns fractions, the store keeps integers.
      const ts = Math.floor(exchange.ts ?? this.now());
      const template = pathTemplate(path);
      const pending: PendingHit[] = [];
      let anyStored = false;
      for (const h of hits) {
        const stored = this.sampler.admit({ type: h.type, point: h.point, host, path, method, clientIp }, ts);
        if (stored) anyStored = true;
        else c.hitsSampled++;
        pending.push({ hit: stored ? { ...h, payload: this.masker.payload(h.payload) } : h, stored });
      }
      const request = anyStored
        ? storedRequest(
            exchange,
            { id: ulid(ts), ts, clientIp, host, method },
            hits.map((h) => h.point),
            this.masker,
            this.maxBody,
          )
        : undefined;
      this.queue.push({
        ts,
        clientIp,
        host,
        method,
        path,
        pathTemplate: template,
        facts: exchangeFacts(exchange),
        request,
        hits: pending,
        bytes,
      });
      c.pendingHits += hits.length;
      c.pendingBytes += bytes;
      if (c.pendingHits >= this.batchSize && this.draining === undefined) void this.kick();
      return true;
    } catch (e) {
      // A bug in masking or templating must not take the listener down: lose this one, loudly.
      this.onError(e);
      this.drop(hits.length, "droppedOverflow");
      return false;
    }
  }

  /** Writes everything queued so far (and whatever arrives meanwhile) before resolving. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.draining !== undefined) await this.kick();
  }

  /** Stops taking hits, flushes the rest. Does not close the store (its owner does). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.flush();
  }

  /** Open attacks held in memory and sampling keys, for metrics. */
  get openAttacks(): number {
    return this.grouper.size;
  }

  get samplingKeys(): number {
    return this.sampler.size;
  }

  private drop(n: number, why: "droppedOverflow" | "droppedWriteFailed" | "droppedClosed"): void {
    this.counters.hitsDropped += n;
    this.counters[why] += n;
  }

  private kick(): Promise<void> {
    if (this.draining === undefined) {
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
      });
    }
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      let n = 0;
      let take = 0;
      while (
        take < this.queue.length &&
        (take === 0 || n + this.queue[take]!.hits.length <= this.batchSize)
      ) {
        n += this.queue[take]!.hits.length;
        take++;
      }
      const items = this.queue.splice(0, take);
      try {
        await this.writeItems(items);
      } catch (e) {
        // writeItems handles store errors itself; this is a bug guard so the loop survives.
        this.onError(e);
      } finally {
        for (const it of items) {
          this.counters.pendingHits -= it.hits.length;
          this.counters.pendingBytes -= it.bytes;
        }
      }
    }
  }

  private async writeItems(items: readonly Pending[]): Promise<void> {
    const touched = new Map<string, AttackState>();
    const hits: HitRecord[] = [];
    const requests: StoredRequest[] = [];
    const counts = new Map<string, { rec: Omit<HitCountRecord, "count">; count: number }>();
    for (const it of items) {
      for (const { hit, stored } of it.hits) {
        const st = await this.grouper.assign({
          type: hit.type,
          point: hit.point,
          host: it.host,
          pathTemplate: it.pathTemplate,
          ts: it.ts,
          signature: hit.signature,
          clientIp: it.clientIp,
          stored,
        });
        touched.set(st.id, st);
        if (!stored) {
          this.countSampled(counts, st.id, hit, it);
          continue;
        }
        if (it.request === undefined) continue;
        const rec: HitRecord = {
          id: ulid(it.ts),
          attackId: st.id,
          requestId: it.request.id,
          ts: it.ts,
          type: hit.type,
          point: hit.point,
          payload: hit.payload,
          signature: hit.signature,
          clientIp: it.clientIp,
          host: it.host,
          method: it.method,
          path: it.path,
          pathTemplate: it.pathTemplate,
          ...it.facts,
        };
        hits.push(rec);
      }
      if (it.request !== undefined) requests.push(it.request);
    }
    const batch: WriteBatch = {
      requests,
      attacks: [...touched.values()].map((s) => s.record()),
      hits,
      counts: [...counts.values()].map((c) => ({ ...c.rec, count: c.count })),
    };
    const t0 = performance.now();
    try {
      await this.store.write(batch);
      const ms = performance.now() - t0;
      const c = this.counters;
      c.hitsStored += hits.length;
      c.requestsStored += requests.length;
      c.batches++;
      this.observe({
        ms,
        ok: true,
        hits: hits.length,
        requests: requests.length,
        attacks: batch.attacks.length,
      });
    } catch (e) {
      const ms = performance.now() - t0;
      this.counters.writeErrors++;
      this.drop(hits.length, "droppedWriteFailed");
      // These hits were counted as stored on their attacks: take that back. The batch's
      // counts of sampled-out hits are lost with it: like the dropped hits, those stay in
      // their attack's hitCount but are missing from stats.
      for (const h of hits) {
        const st = touched.get(h.attackId);
        if (st !== undefined) st.storedHits--;
      }
      this.onError(e);
      this.observe({
        ms,
        ok: false,
        hits: hits.length,
        requests: requests.length,
        attacks: batch.attacks.length,
      });
    }
  }

  /**
   * Adds a sampled-out hit to the batch's counts: one per minute and kind (its attack and
   * every field a hit filter selects on), so that stats stay exact under a flood. At most
   * one entry per hit of the batch, so the map is bounded by batchSize.
   */
  private countSampled(
    counts: Map<string, { rec: Omit<HitCountRecord, "count">; count: number }>,
    attackId: string,
    hit: Hit,
    it: Pending,
  ): void {
    const ts = Math.floor(it.ts / HIT_COUNT_BUCKET_MS) * HIT_COUNT_BUCKET_MS;
    const { status, vni } = it.facts;
    // JSON keeps the parts apart whatever characters they hold.
    const key = JSON.stringify([
      ts,
      attackId,
      hit.type,
      hit.point,
      it.clientIp,
      it.host,
      it.method,
      it.path,
      status ?? null,
      vni ?? null,
    ]);
    const c = counts.get(key);
    if (c !== undefined) {
      c.count++;
      return;
    }
    counts.set(key, {
      rec: {
        attackId,
        ts,
        type: hit.type,
        point: hit.point,
        clientIp: it.clientIp,
        host: it.host,
        method: it.method,
        path: it.path,
        pathTemplate: it.pathTemplate,
        ...(status === undefined ? {} : { status }),
        ...(vni === undefined ? {} : { vni }),
      },
      count: 1,
    });
  }

  private observe(o: WriteObservation): void {
    try {
      this.onWrite(o);
    } catch (e) {
      this.onError(e);
    }
  }
}

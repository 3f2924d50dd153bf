/**
 * `startNode`: the one place that wires the running node together (ARCHITECTURE.md:
 * pipeline/ wires sources → analysis → events → store, with bounded queues and workers).
 *
 *   mirror listener ─┐
 *   packet sources ──┴offer→ bounded queue ─batches→ worker threads ─hits→ event recorder ─→ store
 *                                                                                  REST API ─┘
 * Start order: store, recorder, analysis, mirror listener, then the API, so that when the
 * API answers `/healthz` everything behind it is up. Stop order is the reverse of the
 * data flow: stop accepting, drain the queue (with a deadline), flush the recorder, close
 * the store; what could not be analysed or written is counted and logged.
 */
import { mkdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { NodeConfig } from "../config/index.js";
import type { Store } from "../store/types.js";
import { createNodeMetrics, type NodeMetrics, type ShedReason } from "./metrics.js";
import { type AnalyzerStats, ExchangeAnalyzer } from "./node-analysis.js";
import { LogLimiter } from "./node-logger.js";
import {
  type MirrorListenerPart,
  NODE_PARTS,
  type NodeParts,
  type RecorderPart,
  type RetentionPart,
} from "./node-parts.js";
import type { PacketSources } from "./packet-sources.js";

export interface StartNodeOptions {
  readonly logger: Logger;
  /** The package version (shown by the API). */
  readonly version?: string;
  /** Replacements for the real parts (tests). */
  readonly parts?: Partial<NodeParts>;
  /** Process metrics in the registry (default true; tests running many nodes turn it off). */
  readonly defaultMetrics?: boolean;
}

export interface NodeStats {
  readonly received: number;
  readonly analysis: AnalyzerStats;
  readonly hits: {
    readonly recorded: number;
    readonly stored: number;
    readonly sampled: number;
    /** Ruled out by an exclusion rule. */
    readonly excluded: number;
    readonly dropped: number;
  };
}

export interface ShutdownReport extends NodeStats {
  /** Exchanges still queued or in analysis when the drain deadline passed. */
  readonly droppedAtShutdown: number;
  /** True when the recorder could not flush before the deadline. */
  readonly flushTimedOut: boolean;
}

export interface RunningNode {
  readonly mirrorAddress: { readonly host: string; readonly port: number };
  readonly apiAddress: { readonly host: string; readonly port: number };
  readonly metrics: NodeMetrics;
  readonly workers: number;
  stats(): NodeStats;
  /** Graceful stop (idempotent: later calls get the same report). */
  close(): Promise<ShutdownReport>;
}

/** Starts the node; rejects (after closing whatever it had opened) when a part cannot start. */
export async function startNode(config: NodeConfig, opts: StartNodeOptions): Promise<RunningNode> {
  const parts: NodeParts = { ...NODE_PARTS, ...opts.parts };
  const log = opts.logger;
  const cleanups: (() => Promise<unknown>)[] = [];
  const unwind = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };

  try {
    const metrics = createNodeMetrics({ defaultMetrics: opts.defaultMetrics !== false });
    const store = await openNodeStore(config, log, parts, { worker: true });
    cleanups.push(() => store.close());

    const limiter = new LogLimiter();
    const problem = (message: string, detail?: Record<string, unknown>) => {
      const { ok, suppressed } = limiter.allow(message);
      if (ok) log.error({ ...detail, ...(suppressed > 0 ? { suppressed } : {}) }, message);
    };

    const recorder: RecorderPart = parts.createRecorder({
      store,
      maxBodyBytes: Math.max(1, config.events.storedBodyMax),
      grouping: { windowMs: config.events.groupWindowMs },
      sampling: { limit: config.events.sampleLimitPerHour },
      masking: { enabled: config.events.masking.enabled, extraNames: config.events.masking.fields },
      exclusions: config.events.exclusions,
      onWrite: (o) => {
        metrics.storeWriteSeconds.observe(o.ms / 1000);
        if (!o.ok) metrics.storeWriteErrors.inc();
      },
      onError: (e) => problem("event recorder error", { error: errorText(e) }),
    });
    cleanups.push(() => recorder.close());
    metrics.setRecorderSource(recorder.counters);

    const retention: RetentionPart | undefined =
      config.retention.days > 0
        ? parts.startRetention({
            store,
            maxAgeDays: config.retention.days,
            intervalMs: config.retention.intervalMs,
            onPrune: (deleted, before) => {
              if (deleted > 0)
                log.info({ deleted, before: new Date(before).toISOString() }, "pruned old hits");
            },
            onError: (e) => problem("retention prune failed", { error: errorText(e) }),
          })
        : undefined;
    if (retention !== undefined) cleanups.push(() => retention.stop());

    const workers = analysisWorkers(config.analysis.workers);
    const analyzer = new ExchangeAnalyzer({
      workers,
      queueSize: config.analysis.queueSize,
      queueBytes: config.analysis.queueBytes,
      batchSize: config.analysis.batchSize,
      limits: config.analysis.limits,
      timeBudgetMs: config.analysis.timeBudgetMs,
      metrics,
      onResult: (ex, hits) => {
        if (hits.length > 0) recorder.record(ex, hits);
      },
      onProblem: problem,
    });
    cleanups.push(() => analyzer.close());

    const listener: MirrorListenerPart = await parts.startMirrorListener({
      host: config.listeners.mirror.host,
      port: config.listeners.mirror.port,
      maxBodyBytes: config.mirror.maxBodyBytes,
      trustedProxies: config.mirror.trustedProxies,
      ...(config.mirror.secret !== undefined ? { secret: config.mirror.secret } : {}),
      secretHeader: config.mirror.secretHeader,
      proxyProtocol: config.mirror.proxyProtocol,
      maxConnections: config.mirror.maxConnections,
      // A request the queue has no room for is answered and counted as shed, but not
      // turned into an exchange: under overload that work would be thrown away.
      admit: () => analyzer.admit(),
      // Called synchronously by the listener for every request: enqueue and return.
      onExchange: (ex) => {
        analyzer.offer(ex);
      },
    });
    cleanups.push(() => listener.close());
    metrics.setListenerSource(listener.stats);

    // Packet sources (VXLAN/GENEVE listeners, live capture): their exchanges, now with
    // responses, go to the same bounded queue as the mirror's.
    const packets: PacketSources = await parts.startPacketSources(config.packet, {
      offer: (ex) => {
        analyzer.offer(ex);
      },
      log,
      problem,
    });
    cleanups.push(() => packets.close());
    metrics.setPacketSource(packets);

    const app: FastifyInstance = parts.buildApp({
      store,
      registry: metrics.registry,
      logger: log,
      version: opts.version ?? "unknown",
    });
    cleanups.push(() => app.close());
    await app.listen({ host: config.listeners.api.host, port: config.listeners.api.port });
    const apiAddress = serverAddress(app, config.listeners.api.host);
    const mirrorAddress = listener.address();

    log.info(
      {
        mirror: mirrorAddress,
        api: apiAddress,
        workers,
        queueSize: config.analysis.queueSize,
        dataDir: config.dataDir,
        secretRequired: config.mirror.secret !== undefined,
        trustedProxies: config.mirror.trustedProxies,
        packetSources: packets.started,
      },
      "mirrorwatch node started",
    );

    const stats = (): NodeStats => {
      const c = recorder.counters;
      const analysis = analyzer.stats();
      return {
        received: analysis.received,
        analysis,
        hits: {
          recorded: c.hitsReceived,
          stored: c.hitsStored,
          sampled: c.hitsSampled,
          excluded: c.hitsExcluded,
          dropped: c.hitsDropped,
        },
      };
    };

    let closing: Promise<ShutdownReport> | undefined;
    const close = (): Promise<ShutdownReport> => {
      closing ??= (async () => {
        log.info("mirrorwatch node stopping: no new mirrored requests");
        await listener
          .close()
          .catch((e: unknown) => problem("closing the mirror listener failed", { error: errorText(e) }));
        // Stopping the packet sources flushes their paths: requests still waiting for a
        // response are analysed without one rather than lost.
        await packets
          .close()
          .catch((e: unknown) => problem("closing the packet sources failed", { error: errorText(e) }));
        const { dropped } = await analyzer.drain(config.analysis.drainTimeoutMs);
        await analyzer.close();
        await retention?.stop();
        const flushed = await withTimeout(recorder.close(), Math.max(1000, config.analysis.drainTimeoutMs));
        await app.close().catch(() => {});
        await store
          .close()
          .catch((e: unknown) => problem("closing the store failed", { error: errorText(e) }));
        const s = stats();
        const report: ShutdownReport = { ...s, droppedAtShutdown: dropped, flushTimedOut: !flushed };
        const shed = Object.entries(s.analysis.shed).filter(([, n]) => n > 0) as [ShedReason, number][];
        log.info(
          {
            received: s.received,
            analysed: s.analysis.analysed,
            shed: Object.fromEntries(shed),
            droppedAtShutdown: dropped,
            hits: s.hits,
            flushTimedOut: !flushed,
          },
          "mirrorwatch node stopped",
        );
        return report;
      })();
      return closing;
    };

    return { mirrorAddress, apiAddress, metrics, workers, stats, close };
  } catch (e) {
    await unwind();
    throw e;
  }
}

/**
 * Analysis threads for a `workers` setting. `auto` is one thread per core, the main thread
 * (the mirror listener, the hand-off to the workers, and the kernel's socket work it does)
 * counted: one analysis worker per core but one, and at least one.
 * - The workers run niced (node-worker.ts): they take only the CPU the main thread leaves,
 *   so the listener answers at once whatever the analysis load. Niced at 0 instead, they
 *   took the listener's CPU and the answers slowed down to the analysis rate (bench:mirror
 *   on 2 cores: 9-12k answered/s, against 18-28k/s niced): what a mirror must not do.
 * - A worker per core as well would share a core with the main thread: measured on 2 cores
 *   (bench:mirror open loop at 5,000 and 8,000 requests/s, six alternations), two workers
 *   spent 68-93 µs of CPU per analysed exchange against 57-77 µs for one (two isolates,
 *   threads preempting each other), and the listener's p99 was higher in five of six
 *   (8.0-16.9 ms against 6.0-11.5 ms). Two analysed more only on a machine busy with other
 *   work, where two niced threads win a bigger share of it.
 * - The main thread needs some 20-25 µs per request at high rates (user and kernel), so a core for it holds
 *   up to some 40,000 requests/s; each worker analyses some 13-17,000 per second of CPU
 *   with the current detectors and request mix.
 * On one core there is still one worker: analysis then runs only in the listener's idle time.
 */
export function analysisWorkers(setting: number | "auto"): number {
  return setting === "auto" ? Math.max(1, availableParallelism() - 1) : setting;
}

/**
 * Opens the configured store, creating the data directory (0700) first. Used by the node
 * and by commands that work on the store directly (`mirrorwatch token …`).
 */
export async function openNodeStore(
  config: NodeConfig,
  log: Pick<Logger, "warn">,
  parts: Pick<NodeParts, "openStore"> = NODE_PARTS,
  options: { readonly worker: boolean } = { worker: false },
): Promise<Store> {
  prepareDataDir(config, log);
  return parts.openStore(config.store.path, options);
}

/** The data directory exists and only its owner can read it (stored requests are sensitive). */
function prepareDataDir(config: NodeConfig, log: Pick<Logger, "warn">): void {
  for (const dir of new Set([config.dataDir, dirname(config.store.path)])) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const mode = statSync(dir).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      log.warn(
        { dir, mode: mode.toString(8) },
        "the data directory is readable by other users; stored requests may hold personal data (chmod 700 it)",
      );
    }
  }
}

function serverAddress(app: FastifyInstance, host: string): { host: string; port: number } {
  const a = app.server.address();
  if (a !== null && typeof a === "object") return { host: a.address, port: a.port };
  return { host, port: 0 };
}

async function withTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return done;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

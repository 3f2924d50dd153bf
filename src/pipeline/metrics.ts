/**
 * The node's Prometheus metrics, in one registry that the API serves on `/metrics`.
 * Counters the pipeline owns are incremented where things happen; counters that other
 * parts keep (the mirror listener's, the event recorder's) are read when scraped, so that
 * those parts need not know about Prometheus.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Why an exchange was not analysed. */
export type ShedReason = "queue_full" | "queue_bytes" | "shutdown" | "analysis_failed";
export const SHED_REASONS: readonly ShedReason[] = [
  "queue_full",
  "queue_bytes",
  "shutdown",
  "analysis_failed",
];

/** What the event recorder counts (read at scrape time). */
export interface RecorderCounts {
  /** Hits stored in full. */
  readonly stored: number;
  /** Hits counted but not stored in full (beyond the hourly sample limit). */
  readonly sampled: number;
  /** Hits lost (a failed store write, or still buffered when the node stopped). */
  readonly dropped: number;
}

export interface NodeMetrics {
  readonly registry: Registry;
  readonly received: Counter;
  readonly analysed: Counter;
  readonly shed: Counter<"reason">;
  readonly queueDepth: Gauge;
  readonly queueBytes: Gauge;
  readonly hits: Counter<"type">;
  /** Analysis time of one exchange in a worker. */
  readonly analysisSeconds: Histogram;
  /** From receipt by the listener to the end of its analysis (queueing included). */
  readonly delaySeconds: Histogram;
  readonly storeWriteSeconds: Histogram;
  readonly storeWriteErrors: Counter;
  /** Reads the recorder's counters at scrape time. */
  setRecorderSource(read: () => RecorderCounts): void;
  /** Reads the listener's counters (name → value) at scrape time. */
  setListenerSource(read: () => Readonly<Record<string, number>>): void;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC); on by default. */
  readonly defaultMetrics?: boolean;
}

export function createNodeMetrics(opts: MetricsOptions = {}): NodeMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  let recorder: (() => RecorderCounts) | undefined;
  let listener: (() => Readonly<Record<string, number>>) | undefined;

  const shed = new Counter({
    name: "mirrorwatch_exchanges_shed_total",
    help: "Exchanges received but not analysed, by reason",
    labelNames: ["reason"] as const,
    registers,
  });
  // Every reason shows from the start (at 0), so that alerts on rate() work at once.
  for (const r of SHED_REASONS) shed.inc({ reason: r }, 0);

  /** A counter whose value another part keeps: set from the source when scraped. */
  const mirrored = (name: string, help: string, read: () => number | undefined) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const v = read();
        this.reset();
        if (v !== undefined && Number.isFinite(v) && v > 0) this.inc(v);
      },
    });

  mirrored("mirrorwatch_hits_stored_total", "Hits stored in full", () => recorder?.().stored);
  mirrored(
    "mirrorwatch_hits_sampled_total",
    "Hits counted on their attack but not stored in full (hourly sample limit)",
    () => recorder?.().sampled,
  );
  mirrored(
    "mirrorwatch_hits_dropped_total",
    "Hits lost before reaching the store",
    () => recorder?.().dropped,
  );

  new Counter({
    name: "mirrorwatch_listener_events_total",
    help: "Mirror listener counters (connections, requests, rejected, truncated bodies, errors…), by event",
    labelNames: ["event"] as const,
    registers,
    collect() {
      this.reset();
      if (listener === undefined) return;
      for (const [event, v] of Object.entries(listener())) {
        if (typeof v === "number" && Number.isFinite(v) && v > 0) this.inc({ event }, v);
      }
    },
  });

  return {
    registry,
    received: new Counter({
      name: "mirrorwatch_exchanges_received_total",
      help: "Exchanges received from mirror sources",
      registers,
    }),
    analysed: new Counter({
      name: "mirrorwatch_exchanges_analysed_total",
      help: "Exchanges analysed",
      registers,
    }),
    shed,
    queueDepth: new Gauge({
      name: "mirrorwatch_queue_depth",
      help: "Exchanges waiting for analysis (queued or being sent to a worker)",
      registers,
    }),
    queueBytes: new Gauge({
      name: "mirrorwatch_queue_bytes",
      help: "Approximate bytes of the exchanges waiting for analysis",
      registers,
    }),
    hits: new Counter({
      name: "mirrorwatch_hits_total",
      help: "Hits found by the analysis, by attack type",
      labelNames: ["type"] as const,
      registers,
    }),
    analysisSeconds: new Histogram({
      name: "mirrorwatch_analysis_duration_seconds",
      help: "Analysis time of one exchange in a worker thread",
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    delaySeconds: new Histogram({
      name: "mirrorwatch_analysis_delay_seconds",
      help: "Time from receipt of an exchange to the end of its analysis (queueing included)",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    storeWriteSeconds: new Histogram({
      name: "mirrorwatch_store_write_duration_seconds",
      help: "Time to write one batch of findings to the store",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    storeWriteErrors: new Counter({
      name: "mirrorwatch_store_write_errors_total",
      help: "Store writes that failed",
      registers,
    }),
    setRecorderSource(read) {
      recorder = read;
    },
    setListenerSource(read) {
      listener = read;
    },
  };
}

/**
 * The node's Prometheus metrics, in one registry that the API serves on `/metrics`.
 * Counters the pipeline owns are incremented where things happen; counters that other
 * parts keep (the mirror listener's, the event recorder's) are read when scraped, so that
 * those parts need not know about Prometheus.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { MirrorListenerStats } from "../capture/http-mirror/index.js";
import type { PacketSourceSnapshot } from "./packet-sources.js";

/** Why an exchange was not analysed. */
export type ShedReason = "queue_full" | "queue_bytes" | "shutdown" | "analysis_failed";
export const SHED_REASONS: readonly ShedReason[] = [
  "queue_full",
  "queue_bytes",
  "shutdown",
  "analysis_failed",
];

/** What the event recorder counts (read at scrape time; the shape of events' RecorderCounters). */
export interface RecorderCounts {
  readonly hitsReceived: number;
  /** Hits stored in full. */
  readonly hitsStored: number;
  /** Hits counted on their attack but not stored in full (hourly sample limit). */
  readonly hitsSampled: number;
  /** Hits an exclusion rule ruled out as false positives. */
  readonly hitsExcluded: number;
  /** The same by rule, `[name, hits]`. */
  readonly excludedByRule: readonly (readonly [string, number])[];
  /** Hits lost: buffer full, write failed, or recorded after close. */
  readonly hitsDropped: number;
  readonly droppedOverflow: number;
  readonly droppedWriteFailed: number;
  readonly droppedClosed: number;
  readonly requestsStored: number;
  readonly writeErrors: number;
  /** Hits waiting for the store now (gauge). */
  readonly pendingHits: number;
}

/** The mirror listener's counters, read at scrape time. */
export type ListenerCounts = MirrorListenerStats;

/** What the analysis stage counts (read at scrape time, so the hot path pays no library call). */
export interface PipelineCounts {
  /** Exchanges handed over by the listener. */
  readonly received: number;
  readonly analysed: number;
  /** Waiting for analysis, queued or in a worker (gauge). */
  readonly queued: number;
  /** Approximate bytes waiting (gauge). */
  readonly queuedBytes: number;
  readonly shed: Readonly<Record<ShedReason, number>>;
}

export interface NodeMetrics {
  readonly registry: Registry;
  readonly hits: Counter<"type">;
  /** Analysis time of one exchange in a worker. */
  readonly analysisSeconds: Histogram;
  /** From receipt by the listener to the end of its analysis (queueing included). */
  readonly delaySeconds: Histogram;
  readonly storeWriteSeconds: Histogram;
  readonly storeWriteErrors: Counter;
  /** The analysis stage's counters, read at scrape time. */
  setPipelineSource(read: () => PipelineCounts): void;
  /** The recorder's counters, read at scrape time. */
  setRecorderSource(counts: RecorderCounts): void;
  /** The listener's counters, read at scrape time. */
  setListenerSource(counts: ListenerCounts): void;
  /** The packet sources' counters (every stage, every drop), read at scrape time. */
  setPacketSource(source: PacketCounts): void;
}

export interface PacketCounts {
  snapshots(): PacketSourceSnapshot[];
  kernelDrops(): Promise<Record<string, number>>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC); on by default. */
  readonly defaultMetrics?: boolean;
}

export function createNodeMetrics(opts: MetricsOptions = {}): NodeMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  let pipeline: (() => PipelineCounts) | undefined;
  let recorder: RecorderCounts | undefined;
  let listener: ListenerCounts | undefined;
  let packets: PacketCounts | undefined;

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
  const mirroredGauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read() ?? 0);
      },
    });

  const pipe =
    <T>(f: (p: PipelineCounts) => T) =>
    () => {
      const p = pipeline?.();
      return p === undefined ? undefined : f(p);
    };
  mirrored(
    "mirrorwatch_exchanges_received_total",
    "Exchanges received from mirror sources",
    pipe((p) => p.received),
  );
  mirrored(
    "mirrorwatch_exchanges_analysed_total",
    "Exchanges analysed",
    pipe((p) => p.analysed),
  );
  new Counter({
    name: "mirrorwatch_exchanges_shed_total",
    help: "Exchanges received but not analysed, by reason",
    labelNames: ["reason"] as const,
    registers,
    collect() {
      this.reset();
      const p = pipeline?.();
      // Every reason shows, at 0 too, so that alerts on rate() work from the start.
      for (const r of SHED_REASONS) this.inc({ reason: r }, p?.shed[r] ?? 0);
    },
  });
  mirroredGauge(
    "mirrorwatch_queue_depth",
    "Exchanges waiting for analysis (queued or in a worker)",
    pipe((p) => p.queued),
  );
  mirroredGauge(
    "mirrorwatch_queue_bytes",
    "Approximate bytes of the exchanges waiting for analysis",
    pipe((p) => p.queuedBytes),
  );

  const rec = (k: Exclude<keyof RecorderCounts, "excludedByRule">) => () => recorder?.[k];
  mirrored("mirrorwatch_hits_recorded_total", "Hits handed to the event recorder", rec("hitsReceived"));
  mirrored("mirrorwatch_hits_stored_total", "Hits stored in full", rec("hitsStored"));
  mirrored(
    "mirrorwatch_hits_sampled_total",
    "Hits counted on their attack but not stored in full (hourly sample limit)",
    rec("hitsSampled"),
  );
  new Counter({
    name: "mirrorwatch_hits_excluded_total",
    help: "Hits ruled out by an exclusion rule (events.exclusions), by rule name: not grouped, not stored",
    labelNames: ["rule"] as const,
    registers,
    collect() {
      this.reset();
      if (recorder === undefined) return;
      for (const [rule, n] of recorder.excludedByRule) this.inc({ rule }, n);
    },
  });
  new Counter({
    name: "mirrorwatch_hits_dropped_total",
    help: "Hits lost before reaching the store, by reason (overflow: buffer full; write_failed; closed)",
    labelNames: ["reason"] as const,
    registers,
    collect() {
      this.reset();
      if (recorder === undefined) return;
      this.inc({ reason: "overflow" }, recorder.droppedOverflow);
      this.inc({ reason: "write_failed" }, recorder.droppedWriteFailed);
      this.inc({ reason: "closed" }, recorder.droppedClosed);
    },
  });
  mirrored(
    "mirrorwatch_requests_stored_total",
    "Requests stored (masked) with their hits",
    rec("requestsStored"),
  );
  mirroredGauge("mirrorwatch_hits_pending", "Hits waiting for the store", rec("pendingHits"));

  const lis = (k: keyof ListenerCounts) => () => listener?.[k];
  const L = "mirrorwatch_listener_";
  mirrored(`${L}requests_total`, "Requests read by the mirror listener", lis("received"));
  mirrored(`${L}bytes_total`, "Bytes read from mirror connections", lis("bytes"));
  mirrored(
    `${L}body_truncated_total`,
    "Mirrored requests whose body went past the limit",
    lis("bodyTruncated"),
  );
  mirrored(`${L}rejected_total`, "Mirrored requests refused for a missing or wrong secret", lis("rejected"));
  mirrored(`${L}parse_errors_total`, "Malformed or cut-short mirrored requests", lis("parseErrors"));
  mirrored(`${L}timeouts_total`, "Mirrored requests cut short by a timeout", lis("timeouts"));
  mirrored(
    `${L}proxy_untrusted_total`,
    "PROXY headers from untrusted peers (ignored)",
    lis("proxyUntrusted"),
  );
  mirrored(
    `${L}callback_errors_total`,
    "Exchanges lost because handing them over threw",
    lis("callbackErrors"),
  );
  mirroredGauge(`${L}connections_open`, "Mirror connections open now", lis("connectionsOpen"));
  mirrored(`${L}connections_total`, "Mirror connections accepted", lis("connectionsTotal"));
  mirrored(
    `${L}connections_dropped_total`,
    "Mirror connections refused (too many open)",
    lis("connectionsDropped"),
  );

  // The packet path: one series per source, stage and counter, so that every drop (gaps,
  // caps, timeouts, malformed frames, filtered VNIs…) is visible without a metric each.
  new Counter({
    name: "mirrorwatch_packet_events_total",
    help: "Packet path counters by source and stage (input, decoder, ignore, tcp, http): frames, segments, exchanges and every drop",
    labelNames: ["source", "stage", "event"] as const,
    registers,
    collect() {
      this.reset();
      for (const s of packets?.snapshots() ?? []) {
        const stages: [string, object][] = [
          ["input", s.input],
          ["decoder", s.path.decoder],
          ["tcp", s.path.tcp],
          ["http", s.path.http],
        ];
        for (const [stage, counts] of stages)
          for (const [event, v] of Object.entries(counts))
            if (typeof v === "number" && v > 0) this.inc({ source: s.source, stage, event }, v);
        if (s.path.ignored > 0)
          this.inc({ source: s.source, stage: "ignore", event: "ignored" }, s.path.ignored);
      }
    },
  });
  new Gauge({
    name: "mirrorwatch_packet_flows",
    help: "TCP flows tracked now, by packet source",
    labelNames: ["source"] as const,
    registers,
    collect() {
      this.reset();
      for (const s of packets?.snapshots() ?? []) this.set({ source: s.source }, s.path.flows);
    },
  });
  new Gauge({
    name: "mirrorwatch_packet_buffered_bytes",
    help: "Out-of-order TCP bytes held now, by packet source",
    labelNames: ["source"] as const,
    registers,
    collect() {
      this.reset();
      for (const s of packets?.snapshots() ?? []) this.set({ source: s.source }, s.path.bufferedBytes);
    },
  });
  new Gauge({
    name: "mirrorwatch_packet_http_held_bytes",
    help: "Bytes the HTTP/1.x layer holds now (unfinished heads, bodies, requests awaiting responses), by packet source",
    labelNames: ["source"] as const,
    registers,
    collect() {
      this.reset();
      for (const s of packets?.snapshots() ?? []) this.set({ source: s.source }, s.path.httpHeldBytes);
    },
  });
  new Counter({
    name: "mirrorwatch_packet_kernel_dropped_total",
    help: "Packets the kernel dropped before the node read them (socket buffer or capture ring full), where it tells",
    labelNames: ["source"] as const,
    registers,
    async collect() {
      this.reset();
      if (packets === undefined) return;
      for (const [source, n] of Object.entries(await packets.kernelDrops())) this.inc({ source }, n);
    },
  });

  return {
    registry,
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
    setPipelineSource(read) {
      pipeline = read;
    },
    setRecorderSource(counts) {
      recorder = counts;
    },
    setListenerSource(counts) {
      listener = counts;
    },
    setPacketSource(source) {
      packets = source;
    },
  };
}

/**
 * The node's packet sources: UDP listeners for VXLAN and GENEVE mirrors and live capture
 * from interfaces, each feeding its own packet path (decoders → TCP reassembly → HTTP/1.x)
 * whose exchanges join the HTTP mirror's in the analysis queue.
 *
 * One packet path per source: a flow seen both on a SPAN port and in a VXLAN mirror must
 * not be reassembled from two copies interleaved. Paths run on the main thread, which reads
 * the sockets anyway; their work is bounded by their caps and they hand exchanges to the
 * bounded analysis queue, which sheds and counts under overload like for the HTTP mirror.
 *
 * A tunnel listener that cannot bind stops the node from starting (the operator asked for
 * it, and a mirror sending into the void is the worst failure). Live capture that cannot
 * start (no libpcap binding or tcpdump, no permission, no such interface) is logged as an
 * error with what to install, and the other sources keep running: the contract.
 */
import type { Logger } from "pino";
import { type LiveCapture, type LiveStats, openLiveCapture } from "../capture/live/index.js";
import { PacketPath, type PacketPathCounters } from "../capture/packet-path.js";
import { startTunnelListener, type TunnelKind, type TunnelListener } from "../capture/udp/index.js";
import type { PacketConfig } from "../config/index.js";
import type { HttpExchange } from "../model/index.js";

/** One source's counters, read by the metrics at scrape time. */
export interface PacketSourceSnapshot {
  /** `vxlan`, `geneve`, or `capture:<interface>`. */
  readonly source: string;
  readonly path: PacketPathCounters;
  /** Datagrams/bytes read (tunnels) or frames/bytes captured (live), by name. */
  readonly input: Readonly<Record<string, number>>;
}

export interface PacketSources {
  /** What started, for the start-up log. */
  readonly started: readonly Record<string, unknown>[];
  snapshots(): PacketSourceSnapshot[];
  /** Kernel-side drops per source (socket buffer, capture ring), where the kernel tells. */
  kernelDrops(): Promise<Record<string, number>>;
  /** Stops every source, then flushes the paths: requests still waiting come out. */
  close(): Promise<void>;
}

export interface PacketSourceDeps {
  readonly offer: (exchange: HttpExchange) => void;
  readonly log: Pick<Logger, "info" | "error" | "warn">;
  readonly problem: (message: string, detail?: Record<string, unknown>) => void;
}

/** How often live sources expire what waits (responses, idle flows) on a quiet link. */
const TICK_MS = 1000;

interface Running {
  readonly source: string;
  readonly path: PacketPath;
  readonly input: () => Record<string, number>;
  readonly drops: () => Promise<number | undefined>;
  readonly close: () => Promise<void>;
}

export async function startPacketSources(cfg: PacketConfig, deps: PacketSourceDeps): Promise<PacketSources> {
  const running: Running[] = [];
  const started: Record<string, unknown>[] = [];
  const newPath = (source: string, vnis: readonly number[]) =>
    new PacketPath(deps.offer, {
      source,
      decoder: vnis.length > 0 ? { vnis: new Set(vnis) } : {},
      tcp: {
        maxFlows: cfg.tcp.maxFlows,
        maxFlowBufferBytes: cfg.tcp.flowBufferBytes,
        maxBufferedBytes: cfg.tcp.totalBufferBytes,
        establishedTimeoutMs: cfg.tcp.idleTimeoutMs,
        shortTimeoutMs: Math.min(30_000, cfg.tcp.idleTimeoutMs),
      },
      http: {
        responseTimeoutMs: cfg.http.responseTimeoutMs,
        maxBodyBytes: cfg.http.maxBodyBytes,
        maxDecodedBytes: cfg.http.maxDecodedBytes,
        maxHeldBytes: cfg.http.totalBufferBytes,
      },
      ignore: cfg.ignore,
      trustedProxies: cfg.trustedProxies,
    });

  const closeAll = async () => {
    for (const r of running.splice(0).reverse()) {
      await r
        .close()
        .catch((e: unknown) =>
          deps.problem("closing a packet source failed", { source: r.source, error: String(e) }),
        );
      r.path.flush();
    }
  };

  try {
    for (const kind of ["vxlan", "geneve"] as const satisfies readonly TunnelKind[]) {
      const t = cfg[kind];
      if (!t.enabled) continue;
      const path = newPath(kind, t.vnis);
      const listener: TunnelListener = await startTunnelListener({
        kind,
        host: t.listen.host,
        port: t.listen.port,
        onDatagram:
          kind === "vxlan" ? (d) => path.vxlan(d.payload, d.ts) : (d) => path.geneve(d.payload, d.ts),
        onError: (e) => deps.problem(`${kind} listener error`, { error: e.message }),
      });
      if (listener.recvBufferWarning !== undefined)
        deps.log.warn({ source: kind, warning: listener.recvBufferWarning }, "tunnel receive buffer");
      running.push({
        source: kind,
        path,
        input: () => ({ datagrams: listener.counters.datagrams, bytes: listener.counters.bytes }),
        drops: () => listener.kernelDrops(),
        close: () => listener.close(),
      });
      started.push({
        source: kind,
        address: listener.address,
        vnis: t.vnis.length > 0 ? t.vnis : "all",
        recvBufferBytes: listener.recvBufferBytes,
      });
    }

    if (cfg.capture.enabled) {
      for (const iface of cfg.capture.interfaces) {
        const source = `capture:${iface}`;
        const path = newPath(source, []);
        let capture: LiveCapture;
        try {
          capture = await openLiveCapture({
            interface: iface,
            filter: cfg.capture.filter,
            snaplen: cfg.capture.snaplen,
            bufferBytes: cfg.capture.bufferSize,
            backend: cfg.capture.backend,
            onFrame: (f) => path.frame(f.linkType, f.data, f.ts),
            onError: (e) => deps.problem("live capture error", { source, error: e.message }),
          });
        } catch (e) {
          // The other sources go on: say clearly what is missing and how to get it.
          deps.log.error(
            { source, error: e instanceof Error ? e.message : String(e) },
            "live capture did not start",
          );
          continue;
        }
        let last: LiveStats | undefined;
        const stats = async () => {
          last = await capture.stats().catch(() => last);
          return last;
        };
        running.push({
          source,
          path,
          input: () => ({
            frames: last?.frames ?? 0,
            bytes: last?.bytes ?? 0,
            truncated: last?.truncated ?? 0,
          }),
          drops: async () => {
            const s = await stats();
            return s?.dropped === undefined ? undefined : s.dropped + (s.ifDropped ?? 0);
          },
          close: () => capture.close(),
        });
        for (const w of capture.warnings) deps.log.warn({ source, warning: w }, "live capture");
        started.push({ source, backend: capture.backend, filter: cfg.capture.filter });
      }
    }
  } catch (e) {
    await closeAll();
    throw e;
  }

  // Live traffic has gaps: time must move even when no packet comes.
  const timer =
    running.length > 0
      ? setInterval(() => {
          const now = Date.now();
          for (const r of running) r.path.tick(now);
        }, TICK_MS)
      : undefined;
  timer?.unref();

  return {
    started,
    snapshots: () => running.map((r) => ({ source: r.source, path: r.path.counters(), input: r.input() })),
    kernelDrops: async () => {
      const out: Record<string, number> = {};
      for (const r of running) {
        const d = await r.drops().catch(() => undefined);
        if (d !== undefined) out[r.source] = d;
      }
      return out;
    },
    close: async () => {
      if (timer !== undefined) clearInterval(timer);
      await closeAll();
    },
  };
}

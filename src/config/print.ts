/**
 * Showing a configuration: as a file (`config print`, secrets masked, so that the output
 * can be pasted into an issue) and as a short summary (`config check`, start-up log).
 */
import { stringify } from "yaml";
import type { NodeConfig } from "./schema.js";
import { formatListen } from "./units.js";

export const MASK = "********";

/** The configuration in the shape of the file, with every default filled in. */
export function toFileShape(c: NodeConfig): Record<string, unknown> {
  return {
    listeners: { mirror: formatListen(c.listeners.mirror), api: formatListen(c.listeners.api) },
    dataDir: c.dataDir,
    store: { type: c.store.type, path: c.store.path },
    analysis: {
      workers: c.analysis.workers,
      queueSize: c.analysis.queueSize,
      queueBytes: sizeText(c.analysis.queueBytes),
      batchSize: c.analysis.batchSize,
      timeBudgetMs: c.analysis.timeBudgetMs,
      drainTimeout: durationText(c.analysis.drainTimeoutMs),
      limits: { ...c.analysis.limits },
    },
    mirror: {
      maxBodyBytes: sizeText(c.mirror.maxBodyBytes),
      trustedProxies: [...c.mirror.trustedProxies],
      // Never the secret itself: only that one is set, and where it is read from.
      ...(c.mirror.secretSource === "file" && c.mirror.secretFile !== undefined
        ? { secretFile: c.mirror.secretFile }
        : c.mirror.secret !== undefined
          ? { secret: MASK }
          : {}),
      secretHeader: c.mirror.secretHeader,
      proxyProtocol: c.mirror.proxyProtocol,
      maxConnections: c.mirror.maxConnections,
    },
    events: {
      groupWindow: durationText(c.events.groupWindowMs),
      sampleLimitPerHour: c.events.sampleLimitPerHour,
      masking: { enabled: c.events.masking.enabled, fields: [...c.events.masking.fields] },
      storedBodyMax: sizeText(c.events.storedBodyMax),
      exclusions: c.events.exclusions.map((r) => ({ ...r })),
    },
    retention: { days: c.retention.days, interval: durationText(c.retention.intervalMs) },
    logging: { level: c.logging.level },
    packet: packetShape(c.packet),
  };
}

function packetShape(p: NodeConfig["packet"]): Record<string, unknown> {
  const tunnel = (t: NodeConfig["packet"]["vxlan"]) => ({
    enabled: t.enabled,
    listen: formatListen(t.listen),
    vnis: [...t.vnis],
  });
  const ifs = p.capture.interfaces;
  return {
    vxlan: tunnel(p.vxlan),
    geneve: tunnel(p.geneve),
    capture: {
      enabled: p.capture.enabled,
      interface: ifs.length === 1 ? ifs[0] : [...ifs],
      filter: p.capture.filter,
      snaplen: p.capture.snaplen,
      bufferSize: sizeText(p.capture.bufferSize),
      backend: p.capture.backend,
    },
    ignore: p.ignore.map((r) => ({ cidr: r.cidr, direction: r.direction })),
    trustedProxies: [...p.trustedProxies],
    tcp: {
      maxFlows: p.tcp.maxFlows,
      flowBufferBytes: sizeText(p.tcp.flowBufferBytes),
      totalBufferBytes: sizeText(p.tcp.totalBufferBytes),
      idleTimeout: durationText(p.tcp.idleTimeoutMs),
    },
    http: {
      responseTimeout: durationText(p.http.responseTimeoutMs),
      maxBodyBytes: sizeText(p.http.maxBodyBytes),
      maxDecodedBytes: sizeText(p.http.maxDecodedBytes),
      totalBufferBytes: sizeText(p.http.totalBufferBytes),
    },
  };
}

export function printConfig(c: NodeConfig): string {
  return stringify(toFileShape(c), { lineWidth: 0 });
}

/** A few lines an operator reads to see that the node will do what they meant. */
export function summarizeConfig(c: NodeConfig): string[] {
  const a = c.analysis;
  return [
    `mirror listener  ${formatListen(c.listeners.mirror)} (bodies up to ${bytes(c.mirror.maxBodyBytes)}${c.mirror.proxyProtocol !== "off" ? `, PROXY protocol ${c.mirror.proxyProtocol}` : ""})`,
    `API listener     ${formatListen(c.listeners.api)}`,
    `data directory   ${c.dataDir}`,
    `store            ${c.store.type} at ${c.store.path}`,
    `analysis         ${a.workers === "auto" ? "one worker per core but one (the listener's)" : `${a.workers} worker${a.workers === 1 ? "" : "s"}`}, queue ${a.queueSize} exchanges / ${bytes(a.queueBytes)}, ${a.timeBudgetMs} ms budget per request`,
    `mirror secret    ${c.mirror.secret === undefined ? "none (any source may send traffic)" : `${c.mirror.secretSource === "file" ? `from ${c.mirror.secretFile}` : "set"}, in ${c.mirror.secretHeader}`}`,
    `trusted proxies  ${c.mirror.trustedProxies.length === 0 ? "none (the connection's address is the client)" : c.mirror.trustedProxies.join(", ")}`,
    `masking          ${c.events.masking.enabled ? `on${c.events.masking.fields.length > 0 ? ` (+ ${c.events.masking.fields.join(", ")})` : ""}` : "OFF (stored requests keep passwords and tokens)"}`,
    `exclusions       ${c.events.exclusions.length === 0 ? "none" : c.events.exclusions.map((r, i) => r.name ?? `rule ${i + 1}`).join(", ")}`,
    `packet sources   ${packetSummary(c.packet)}`,
    `retention        ${c.retention.days === 0 ? "keep for ever" : `${c.retention.days} days`}`,
    `log level        ${c.logging.level}`,
  ];
}

function packetSummary(p: NodeConfig["packet"]): string {
  const vnis = (v: readonly number[]) => (v.length === 0 ? "every VNI" : `VNI ${v.join(", ")}`);
  const out: string[] = [];
  if (p.vxlan.enabled) out.push(`VXLAN on udp ${formatListen(p.vxlan.listen)} (${vnis(p.vxlan.vnis)})`);
  if (p.geneve.enabled) out.push(`GENEVE on udp ${formatListen(p.geneve.listen)} (${vnis(p.geneve.vnis)})`);
  if (p.capture.enabled) {
    const filter = p.capture.filter === "" ? "no filter" : `filter "${p.capture.filter}"`;
    out.push(`capture on ${p.capture.interfaces.join(", ")} (${filter}, ${p.capture.backend})`);
  }
  if (out.length === 0) return "none";
  if (p.ignore.length > 0) out.push(`${p.ignore.length} ignore rule${p.ignore.length === 1 ? "" : "s"}`);
  if (p.trustedProxies.length > 0)
    out.push(`client from forwarding headers of ${p.trustedProxies.join(", ")}`);
  return out.join("; ");
}

function bytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** A size as the file would write it (`64MiB`), in a form `parseSize` reads back. */
export function sizeText(n: number): string | number {
  for (const [unit, f] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (n >= f && n % f === 0) return `${n / f}${unit}`;
  }
  return n;
}

/** A duration as the file would write it (`1h`, `10s`), in a form `parseDuration` reads back. */
export function durationText(ms: number): string {
  for (const [unit, f] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= f && ms % f === 0) return `${ms / f}${unit}`;
  }
  return `${ms}ms`;
}

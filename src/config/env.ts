/**
 * Every setting can come from an environment variable (env > file > defaults). This
 * table is the one mapping: the loader reads it, `mirrorwatch config --help` and the
 * README print it, and a test checks that it covers every setting of the schema.
 */
import { DEFAULT_LIMITS } from "../model/index.js";

/** How a variable's text becomes a raw config value before validation. */
export type EnvKind = "string" | "int" | "bool" | "list" | "ints" | "size" | "duration" | "workers" | "json";

export interface EnvVar {
  readonly name: string;
  /** Path of the setting in the config file. */
  readonly path: readonly string[];
  readonly kind: EnvKind;
  readonly help: string;
}

/** The config file to read when `--config` is not given. */
export const CONFIG_FILE_ENV = "MIRRORWATCH_CONFIG";

/** Variables with this prefix that are not settings (so that no warning is given for them). */
export const OTHER_ENV = new Set([
  CONFIG_FILE_ENV,
  "MIRRORWATCH_REQUIRE_NGINX",
  "MIRRORWATCH_REQUIRE_CAPTURE",
]);

const v = (name: string, path: string, kind: EnvKind, help: string): EnvVar => ({
  name: `MIRRORWATCH_${name}`,
  path: path.split("."),
  kind,
  help,
});

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

export const ENV_VARS: readonly EnvVar[] = [
  v("MIRROR_LISTEN", "listeners.mirror", "string", "mirror listener host:port (127.0.0.1:8445)"),
  v("API_LISTEN", "listeners.api", "string", "API listener host:port (127.0.0.1:8446)"),
  v("DATA_DIR", "dataDir", "string", "data directory (./mirrorwatch-data)"),
  v("STORE_TYPE", "store.type", "string", "store engine (sqlite)"),
  v("STORE_PATH", "store.path", "string", "SQLite file (<data dir>/mirrorwatch.db)"),
  v(
    "WORKERS",
    "analysis.workers",
    "workers",
    "analysis worker threads: auto (one per core but one, at least one) or N",
  ),
  v("QUEUE_SIZE", "analysis.queueSize", "int", "exchanges waiting for analysis before shedding (10000)"),
  v("QUEUE_BYTES", "analysis.queueBytes", "size", "bytes waiting for analysis before shedding (64MiB)"),
  v("BATCH_SIZE", "analysis.batchSize", "int", "most exchanges per message to a worker (64)"),
  v("TIME_BUDGET_MS", "analysis.timeBudgetMs", "int", "analysis time budget per request, ms (250)"),
  v("DRAIN_TIMEOUT", "analysis.drainTimeout", "duration", "how long shutdown drains the queue (10s)"),
  ...Object.keys(DEFAULT_LIMITS).map((k) =>
    v(`LIMIT_${snake(k)}`, `analysis.limits.${k}`, "int", `analysis limit ${k} (see RATIONALE.md)`),
  ),
  v("MIRROR_MAX_BODY", "mirror.maxBodyBytes", "size", "largest mirrored body kept; past it truncated (1MiB)"),
  v(
    "TRUSTED_PROXIES",
    "mirror.trustedProxies",
    "list",
    "comma list of IPs/CIDRs whose forwarding headers count",
  ),
  v("MIRROR_SECRET", "mirror.secret", "string", "shared secret that mirror sources must present"),
  v("MIRROR_SECRET_FILE", "mirror.secretFile", "string", "file holding the shared secret"),
  v(
    "MIRROR_SECRET_HEADER",
    "mirror.secretHeader",
    "string",
    "header carrying the secret (X-Mirrorwatch-Secret)",
  ),
  v(
    "PROXY_PROTOCOL",
    "mirror.proxyProtocol",
    "string",
    "PROXY protocol v1/v2 on mirror connections: off, auto, required",
  ),
  v("MIRROR_MAX_CONNECTIONS", "mirror.maxConnections", "int", "mirror connections open at once (4096)"),
  v("GROUP_WINDOW", "events.groupWindow", "duration", "gap after which a hit starts a new attack (1h)"),
  v(
    "SAMPLE_LIMIT_PER_HOUR",
    "events.sampleLimitPerHour",
    "int",
    "identical hits stored in full per hour (5)",
  ),
  v("MASKING", "events.masking.enabled", "bool", "mask sensitive values in stored requests (true)"),
  v("MASKING_FIELDS", "events.masking.fields", "list", "comma list of extra field/header names to mask"),
  v("STORED_BODY_MAX", "events.storedBodyMax", "size", "largest stored request body (64KiB)"),
  v(
    "EXCLUSIONS",
    "events.exclusions",
    "json",
    'JSON list of exclusion rules, e.g. [{"types":"xss","paths":"/api/posts/*","points":"body > json > content"}] (none)',
  ),
  v("RETENTION_DAYS", "retention.days", "int", "days hits are kept; 0 keeps them for ever (90)"),
  v("RETENTION_INTERVAL", "retention.interval", "duration", "how often old hits are pruned (1h)"),
  v("LOG_LEVEL", "logging.level", "string", "fatal, error, warn, info, debug, trace or silent (info)"),
  v("VXLAN", "packet.vxlan.enabled", "bool", "receive VXLAN-mirrored packets over UDP (false)"),
  v("VXLAN_LISTEN", "packet.vxlan.listen", "string", "VXLAN UDP listener host:port (0.0.0.0:4789)"),
  v("VXLAN_VNIS", "packet.vxlan.vnis", "ints", "comma list of VXLAN VNIs to decode; empty: all"),
  v("GENEVE", "packet.geneve.enabled", "bool", "receive GENEVE-mirrored packets over UDP (false)"),
  v("GENEVE_LISTEN", "packet.geneve.listen", "string", "GENEVE UDP listener host:port (0.0.0.0:6081)"),
  v("GENEVE_VNIS", "packet.geneve.vnis", "ints", "comma list of GENEVE VNIs to decode; empty: all"),
  v("CAPTURE", "packet.capture.enabled", "bool", "capture packets live from interfaces (false)"),
  v("CAPTURE_INTERFACE", "packet.capture.interface", "list", "interface name, or a comma list (any)"),
  v("CAPTURE_FILTER", "packet.capture.filter", "string", "BPF filter of live capture (tcp)"),
  v("CAPTURE_SNAPLEN", "packet.capture.snaplen", "size", "bytes captured per packet (262144)"),
  v("CAPTURE_BUFFER_SIZE", "packet.capture.bufferSize", "size", "kernel capture buffer (32MiB)"),
  v("CAPTURE_BACKEND", "packet.capture.backend", "string", "auto, libpcap or tcpdump (auto)"),
  v(
    "PACKET_IGNORE",
    "packet.ignore",
    "list",
    'comma list of "[source|destination|either] CIDR" whose packets are dropped',
  ),
  v(
    "PACKET_TRUSTED_PROXIES",
    "packet.trustedProxies",
    "list",
    "comma list of load balancer IPs/CIDRs whose forwarding headers name the client (none)",
  ),
  v("PACKET_TCP_MAX_FLOWS", "packet.tcp.maxFlows", "int", "TCP flows tracked at once (200000)"),
  v(
    "PACKET_TCP_FLOW_BUFFER",
    "packet.tcp.flowBufferBytes",
    "size",
    "bytes buffered per flow direction (256KiB)",
  ),
  v("PACKET_TCP_TOTAL_BUFFER", "packet.tcp.totalBufferBytes", "size", "bytes buffered by all flows (256MiB)"),
  v(
    "PACKET_TCP_IDLE_TIMEOUT",
    "packet.tcp.idleTimeout",
    "duration",
    "idle time after which a flow is dropped (60s)",
  ),
  v(
    "PACKET_HTTP_RESPONSE_TIMEOUT",
    "packet.http.responseTimeout",
    "duration",
    "wait for a response before analysing the request alone (5s)",
  ),
  v("PACKET_HTTP_MAX_BODY", "packet.http.maxBodyBytes", "size", "body bytes kept per message (1MiB)"),
  v(
    "PACKET_HTTP_MAX_DECODED",
    "packet.http.maxDecodedBytes",
    "size",
    "body bytes kept after gzip/deflate/br decoding (4MiB)",
  ),
  v(
    "PACKET_HTTP_TOTAL_BUFFER",
    "packet.http.totalBufferBytes",
    "size",
    "bytes held by HTTP/1.x for all connections: heads, bodies, requests awaiting responses (256MiB)",
  ),
];

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/**
 * The raw value for one variable. Text that does not fit the kind is passed on as text,
 * so that validation reports it with the setting's path and the variable's name.
 */
export function envValue(kind: EnvKind, text: string): unknown {
  const t = text.trim();
  switch (kind) {
    case "string":
      return t;
    case "int":
      return /^\d{1,15}$/.test(t) ? Number(t) : t;
    case "size":
    case "duration":
      return /^\d{1,15}$/.test(t) ? Number(t) : t;
    case "workers":
      return /^\d{1,15}$/.test(t) ? Number(t) : t;
    case "bool": {
      const l = t.toLowerCase();
      return TRUE.has(l) ? true : FALSE.has(l) ? false : t;
    }
    case "list":
      return t
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    case "json":
      // Text that is not JSON is passed on, so that validation names the variable.
      try {
        return JSON.parse(t) as unknown;
      } catch {
        return t;
      }
    case "ints":
      return t
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
        .map((s) => (/^\d{1,15}$/.test(s) ? Number(s) : s));
  }
}

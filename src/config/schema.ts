/**
 * The node's configuration: defaults, the validating schema (zod) and the resolved type.
 * The file and the environment both produce a "raw" tree in the shape of `DEFAULTS`;
 * layers are merged (env > file > defaults) and the merged tree is validated once, so
 * every error names the setting's path whichever layer it came from.
 */
import { z } from "zod";
import type { ExclusionRule } from "../events/exclusions.js";
import { type AnalysisLimits, ATTACK_TYPES, type AttackType, DEFAULT_LIMITS } from "../model/index.js";
import { type ListenAddress, parseDuration, parseListen, parseNetwork, parseSize } from "./units.js";

export const PROXY_PROTOCOL = ["off", "auto", "required"] as const;
export type ProxyProtocol = (typeof PROXY_PROTOCOL)[number];
/** Names for common trusted networks (as the mirror listener reads them). */
export const NETWORK_ALIASES = ["loopback", "private", "linklocal"] as const;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Shortest accepted mirror secret: long enough not to be guessed over the network. */
export const MIN_SECRET_LENGTH = 16;
/** Largest queue the node accepts (exchanges); memory is bounded by `queueBytes` too. */
export const MAX_QUEUE_SIZE = 1_000_000;
export const MAX_WORKERS = 256;

/** How live capture reads an interface: libpcap bindings, a `tcpdump` child, or whichever works. */
export const CAPTURE_BACKENDS = ["auto", "libpcap", "tcpdump"] as const;
export type CaptureBackend = (typeof CAPTURE_BACKENDS)[number];
/** Which address of a packet an ignore rule looks at. */
export const IGNORE_DIRECTIONS = ["source", "destination", "either"] as const;
export type IgnoreDirection = (typeof IGNORE_DIRECTIONS)[number];
/** VXLAN and GENEVE network identifiers are 24 bits (RFC 7348 §5, RFC 8926 §3.4). */
export const MAX_VNI = 0xff_ffff;
/** Ignore rules are checked one by one on every packet: a short list is the intended use. */
export const MAX_IGNORE_RULES = 1024;
export const MAX_CAPTURE_INTERFACES = 64;

/** Drop packets whose source/destination address is in `cidr` (after decapsulation). */
export interface IgnoreRuleConfig {
  /** An IP or CIDR block, v4 or v6, as written (e.g. `10.0.0.0/8`, `fd00::/8`). */
  readonly cidr: string;
  readonly direction: IgnoreDirection;
}

/** A UDP listener for a tunnel that carries mirrored frames (VXLAN or GENEVE). */
export interface TunnelListenerConfig {
  readonly enabled: boolean;
  readonly listen: ListenAddress;
  /** Only these VNIs are decoded; empty: every VNI. */
  readonly vnis: readonly number[];
}

/** The packet path: tunnel listeners, live capture, and the bounds of reassembly and parsing. */
export interface PacketConfig {
  readonly vxlan: TunnelListenerConfig;
  readonly geneve: TunnelListenerConfig;
  readonly capture: {
    readonly enabled: boolean;
    /** Interface names (`any`: every interface, Linux). */
    readonly interfaces: readonly string[];
    /** BPF filter expression (pcap-filter(7)); "" for none. */
    readonly filter: string;
    /** Bytes captured per packet. */
    readonly snaplen: number;
    /** Kernel capture buffer, bytes. */
    readonly bufferSize: number;
    readonly backend: CaptureBackend;
  };
  readonly ignore: readonly IgnoreRuleConfig[];
  /**
   * IPs, CIDRs or aliases of the load balancers and proxies in front of the captured
   * servers: only from these TCP peers are X-Forwarded-For, X-Real-IP and Forwarded read to
   * find the client (as for the HTTP mirror). Empty: the TCP peer is the client.
   */
  readonly trustedProxies: readonly string[];
  readonly tcp: {
    /** Flows tracked at once; past it the oldest idle flows are evicted. */
    readonly maxFlows: number;
    /** Out-of-order and unparsed bytes held per flow direction. */
    readonly flowBufferBytes: number;
    /** Bytes held by all flows together. */
    readonly totalBufferBytes: number;
    readonly idleTimeoutMs: number;
  };
  readonly http: {
    /** How long a request waits for its response before it is analysed without one. */
    readonly responseTimeoutMs: number;
    /** Body bytes kept per message (as on the wire); past it truncated. */
    readonly maxBodyBytes: number;
    /** Body bytes kept after Content-Encoding is undone; past it truncated (bombs). */
    readonly maxDecodedBytes: number;
    /**
     * Bytes held by all connections together (unfinished heads, bodies being read, requests
     * waiting for responses); past it the biggest holders are cut and their requests analysed.
     */
    readonly totalBufferBytes: number;
  };
}

/** The resolved configuration `startNode` runs with. Paths are absolute. */
export interface NodeConfig {
  readonly listeners: { readonly mirror: ListenAddress; readonly api: ListenAddress };
  readonly dataDir: string;
  readonly store: { readonly type: "sqlite"; readonly path: string };
  readonly analysis: {
    /** `auto`: one worker per core but one (the listener's), at least one; see analysisWorkers. */
    readonly workers: number | "auto";
    /** Exchanges waiting for analysis; past it new ones are shed. */
    readonly queueSize: number;
    /** Bytes of bodies waiting for analysis; past it new ones are shed. */
    readonly queueBytes: number;
    /** Most exchanges sent to a worker in one message. */
    readonly batchSize: number;
    readonly timeBudgetMs: number;
    /** How long shutdown waits for queued exchanges to be analysed and recorded. */
    readonly drainTimeoutMs: number;
    readonly limits: AnalysisLimits;
  };
  readonly mirror: {
    readonly maxBodyBytes: number;
    /** IPs, CIDRs or the aliases `loopback`, `private`, `linklocal`. */
    readonly trustedProxies: readonly string[];
    /** Resolved from `secret` or `secretFile`; absent: no secret required. */
    readonly secret?: string;
    /** Where the secret came from (for summaries; never the secret itself). */
    readonly secretSource?: "inline" | "file";
    readonly secretFile?: string;
    /** The header mirror sources carry the secret in. */
    readonly secretHeader: string;
    readonly proxyProtocol: ProxyProtocol;
    readonly maxConnections: number;
  };
  readonly events: {
    readonly groupWindowMs: number;
    readonly sampleLimitPerHour: number;
    readonly masking: { readonly enabled: boolean; readonly fields: readonly string[] };
    readonly storedBodyMax: number;
    /** Hits ruled out as false positives before they are grouped and stored. */
    readonly exclusions: readonly ExclusionRule[];
  };
  readonly retention: { readonly days: number; readonly intervalMs: number };
  readonly logging: { readonly level: LogLevel };
  readonly packet: PacketConfig;
}

/**
 * Defaults, in the shape a config file is written in (the file format's reference).
 * `mirrorwatch config print` shows them merged with the file and the environment.
 */
export const DEFAULTS = {
  listeners: { mirror: "127.0.0.1:8445", api: "127.0.0.1:8446" },
  dataDir: "./mirrorwatch-data",
  store: { type: "sqlite", path: "" },
  analysis: {
    workers: "auto",
    queueSize: 10_000,
    queueBytes: "64MiB",
    batchSize: 64,
    timeBudgetMs: 250,
    drainTimeout: "10s",
    limits: { ...DEFAULT_LIMITS },
  },
  mirror: {
    maxBodyBytes: "1MiB",
    // A proxy on the same host (the usual NGINX set-up) may name the client.
    trustedProxies: ["loopback"] as string[],
    secret: "",
    secretFile: "",
    secretHeader: "X-Mirrorwatch-Secret",
    proxyProtocol: "off",
    maxConnections: 4096,
  },
  events: {
    groupWindow: "1h",
    sampleLimitPerHour: 5,
    masking: { enabled: true, fields: [] as string[] },
    storedBodyMax: "64KiB",
    exclusions: [] as ExclusionRule[],
  },
  retention: { days: 90, interval: "1h" },
  logging: { level: "info" },
  packet: {
    vxlan: { enabled: false, listen: "0.0.0.0:4789", vnis: [] as number[] },
    geneve: { enabled: false, listen: "0.0.0.0:6081", vnis: [] as number[] },
    capture: {
      enabled: false,
      // A name or a list of names.
      interface: "any" as string | string[],
      filter: "tcp",
      snaplen: 262_144,
      bufferSize: "32MiB",
      backend: "auto",
    },
    // Each entry: `{ cidr, direction }` or the short form "[source|destination|either] CIDR".
    ignore: [] as (string | { cidr: string; direction?: string })[],
    // Behind a load balancer, its subnets: then the client comes from X-Forwarded-For.
    trustedProxies: [] as string[],
    tcp: { maxFlows: 200_000, flowBufferBytes: "256KiB", totalBufferBytes: "256MiB", idleTimeout: "60s" },
    http: {
      responseTimeout: "5s",
      maxBodyBytes: "1MiB",
      maxDecodedBytes: "4MiB",
      totalBufferBytes: "256MiB",
    },
  },
};

// ───────────────────────────── value schemas ─────────────────────────────

function custom<T>(parse: (v: unknown) => T | { error: string }) {
  return z.unknown().transform((v, ctx): T => {
    const r = parse(v);
    if (r !== null && typeof r === "object" && "error" in (r as object)) {
      ctx.addIssue({ code: "custom", message: (r as { error: string }).error });
      return z.NEVER;
    }
    return r as T;
  });
}

const errorOf = <T>(r: T | string) => (typeof r === "string" ? { error: r } : r);

const listen = custom<ListenAddress>((v) => errorOf(parseListen(v)));

function size(min: number, max: number) {
  return custom<number>((v) => {
    const n = parseSize(v);
    if (typeof n === "string") return { error: n };
    if (n < min || n > max) return { error: `must be between ${min} and ${max} bytes, not ${n}` };
    return n;
  });
}

function duration(min: number, max: number) {
  return custom<number>((v) => {
    const n = parseDuration(v);
    if (typeof n === "string") return { error: n };
    if (n < min || n > max) return { error: `must be between ${min} ms and ${max} ms, not ${n} ms` };
    return n;
  });
}

function int(min: number, max: number) {
  return custom<number>((v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
      ? v
      : { error: `expected a whole number from ${min} to ${max}, got ${show(v)}` },
  );
}

const bool = custom<boolean>((v) =>
  typeof v === "boolean" ? v : { error: `expected true or false, got ${show(v)}` },
);

function str(what: string) {
  return custom<string>((v) => (typeof v === "string" ? v : { error: `expected ${what}, got ${show(v)}` }));
}

function list<T>(item: (v: unknown) => T | { error: string }, what: string) {
  return custom<T[]>((v) => {
    if (!Array.isArray(v)) return { error: `expected a list of ${what}, got ${show(v)}` };
    if (v.length > 10_000) return { error: "too many entries (most 10000)" };
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = item(v[i]);
      if (r !== null && typeof r === "object" && "error" in (r as object)) {
        return { error: `entry ${i + 1}: ${(r as { error: string }).error}` };
      }
      out.push(r as T);
    }
    return out;
  });
}

const network = (v: unknown) =>
  typeof v === "string" && (NETWORK_ALIASES as readonly string[]).includes(v) ? v : parseNetwork(v);

const workers = custom<number | "auto">((v) => {
  if (v === "auto") return "auto";
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_WORKERS) return v;
  return { error: `expected "auto" or a whole number from 0 to ${MAX_WORKERS}, got ${show(v)}` };
});

const logLevel = custom<LogLevel>((v) =>
  typeof v === "string" && (LOG_LEVELS as readonly string[]).includes(v)
    ? (v as LogLevel)
    : { error: `expected one of ${LOG_LEVELS.join(", ")}, got ${show(v)}` },
);

const storeType = custom<"sqlite">((v) =>
  v === "sqlite" ? v : { error: `only "sqlite" is available, got ${show(v)}` },
);

/** Header or field names to mask on top of the built-in list (case-insensitive names). */
const fieldName = (v: unknown) =>
  typeof v === "string" && v.length > 0 && v.length <= 256 && !/[\s\0]/.test(v)
    ? v.toLowerCase()
    : { error: `expected a field or header name, got ${show(v)}` };

const vni = (v: unknown) =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_VNI
    ? v
    : { error: `expected a VNI from 0 to ${MAX_VNI}, got ${show(v)}` };

/** Interface names are passed to libpcap or as one tcpdump argument: no spaces, no commas. */
const ifaceName = (v: unknown) =>
  typeof v === "string" && v.length > 0 && v.length <= 256 && /^[\x21-\x2b\x2d-\x7e]+$/.test(v)
    ? v
    : { error: `expected an interface name, got ${show(v)}` };

const interfaces = custom<string[]>((v) => {
  const items = typeof v === "string" ? [v] : v;
  if (!Array.isArray(items) || items.length === 0) {
    return { error: `expected an interface name or a list of them, got ${show(v)}` };
  }
  if (items.length > MAX_CAPTURE_INTERFACES) return { error: `at most ${MAX_CAPTURE_INTERFACES} interfaces` };
  const out: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = ifaceName(items[i]);
    if (typeof r !== "string") return items.length === 1 ? r : { error: `entry ${i + 1}: ${r.error}` };
    if (!out.includes(r)) out.push(r);
  }
  return out;
});

const bpfFilter = custom<string>((v) =>
  typeof v === "string" && v.length <= 4096 && !/[\0\r\n]/.test(v)
    ? v.trim()
    : { error: `expected a BPF filter expression on one line (pcap-filter(7)), got ${show(v)}` },
);

function oneOf<T extends string>(values: readonly T[]) {
  return custom<T>((v) =>
    typeof v === "string" && (values as readonly string[]).includes(v)
      ? (v as T)
      : { error: `expected one of ${values.join(", ")}, got ${show(v)}` },
  );
}

/** `{ cidr, direction }`, or the short form `[direction] cidr` (the environment's form). */
function ignoreRule(v: unknown): IgnoreRuleConfig | { error: string } {
  let cidr: unknown;
  let direction: unknown = "either";
  if (typeof v === "string") {
    const parts = v.trim().split(/\s+/);
    if (parts.length === 2) [direction, cidr] = parts;
    else if (parts.length === 1) cidr = parts[0];
    else return { error: `expected "[source|destination|either] CIDR", got ${show(v)}` };
  } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (k !== "cidr" && k !== "direction") return { error: `unknown setting ${JSON.stringify(k)}` };
    }
    cidr = o.cidr;
    if (o.direction !== undefined) direction = o.direction;
  } else {
    return { error: `expected { cidr, direction } or "[direction] CIDR", got ${show(v)}` };
  }
  if (typeof direction !== "string" || !(IGNORE_DIRECTIONS as readonly string[]).includes(direction)) {
    return { error: `direction: expected one of ${IGNORE_DIRECTIONS.join(", ")}, got ${show(direction)}` };
  }
  const net = parseNetwork(cidr);
  if (typeof net !== "string") return { error: `cidr: ${net.error}` };
  return { cidr: net, direction: direction as IgnoreDirection };
}

/** Most exclusion rules (each hit is judged against every one). */
const MAX_EXCLUSIONS = 1000;
/** Fields of an exclusion rule besides `name`, each a string or a list of strings. */
const EXCLUSION_FIELDS = ["types", "signatures", "points", "hosts", "paths", "methods", "sources"] as const;

/**
 * One exclusion rule (events/exclusions.ts): `name`, and at least one of the fields, each
 * a string or a list of strings. Types must be attack types, sources addresses or CIDRs
 * (or loopback/private/linklocal); globs are at most 512 characters.
 */
function exclusionRule(v: unknown): ExclusionRule | { error: string } {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    return { error: `expected a mapping, got ${show(v)}` };
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    if (k === "name") {
      if (typeof o.name !== "string") return { error: `name: expected a string, got ${show(o.name)}` };
      out.name = o.name;
      continue;
    }
    if (!(EXCLUSION_FIELDS as readonly string[]).includes(k))
      return {
        error: `unknown setting ${JSON.stringify(k)} (expected name, ${EXCLUSION_FIELDS.join(", ")})`,
      };
    const raw = o[k];
    const items = typeof raw === "string" ? [raw] : raw;
    if (
      !Array.isArray(items) ||
      items.length === 0 ||
      items.length > 1000 ||
      items.some((x) => typeof x !== "string")
    )
      return { error: `${k}: expected a string or a list of strings, got ${show(raw)}` };
    const strs = items as string[];
    const long = strs.find((x) => x.length === 0 || x.length > 512);
    if (long !== undefined)
      return { error: `${k}: entries must have 1 to 512 characters, got ${show(long)}` };
    if (k === "types") {
      const bad = strs.find((t) => !(ATTACK_TYPES as readonly string[]).includes(t));
      if (bad !== undefined)
        return { error: `types: ${show(bad)} is not an attack type (${ATTACK_TYPES.join(", ")})` };
      out.types = strs as AttackType[];
    } else if (k === "sources") {
      for (const x of strs) {
        const net = network(x);
        if (typeof net !== "string") return { error: `sources: ${net.error}` };
      }
      out.sources = strs;
    } else out[k] = strs;
  }
  if (EXCLUSION_FIELDS.every((f) => out[f] === undefined))
    return { error: `sets none of ${EXCLUSION_FIELDS.join(", ")}: it would exclude every hit` };
  return out as ExclusionRule;
}

function tunnelListener() {
  return z.strictObject({ enabled: bool, listen, vnis: list(vni, "VNIs") });
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

const limitsShape = Object.fromEntries(
  Object.keys(DEFAULT_LIMITS).map((k) => [k, int(1, Number.MAX_SAFE_INTEGER)]),
) as Record<keyof AnalysisLimits, ReturnType<typeof int>>;

// ───────────────────────────── the schema ─────────────────────────────

/** Validates a merged raw tree (every key present: defaults fill the gaps). */
export const rawSchema = z.strictObject({
  listeners: z.strictObject({ mirror: listen, api: listen }),
  dataDir: str("a directory path").refine((s) => s.trim() !== "", "must not be empty"),
  store: z.strictObject({ type: storeType, path: str("a file path") }),
  analysis: z.strictObject({
    workers,
    queueSize: int(1, MAX_QUEUE_SIZE),
    queueBytes: size(1024, 64 * 1024 ** 3),
    batchSize: int(1, 4096),
    timeBudgetMs: int(1, 60_000),
    drainTimeout: duration(0, 3_600_000),
    limits: z.strictObject(limitsShape),
  }),
  mirror: z.strictObject({
    maxBodyBytes: size(0, 1024 ** 3),
    trustedProxies: list(network, "IP addresses, CIDR blocks or loopback/private/linklocal"),
    secret: str("a string"),
    secretFile: str("a file path"),
    secretHeader: custom<string>((v) =>
      typeof v === "string" && /^[!#$%&'*+.^_`|~0-9a-z-]{1,64}$/i.test(v)
        ? v
        : { error: `expected a header name, got ${show(v)}` },
    ),
    proxyProtocol: custom<ProxyProtocol>((v) =>
      typeof v === "string" && (PROXY_PROTOCOL as readonly string[]).includes(v)
        ? (v as ProxyProtocol)
        : { error: `expected off, auto or required, got ${show(v)}` },
    ),
    maxConnections: int(1, 1_000_000),
  }),
  events: z.strictObject({
    groupWindow: duration(1000, 366 * 86_400_000),
    sampleLimitPerHour: int(0, 1_000_000),
    masking: z.strictObject({ enabled: bool, fields: list(fieldName, "field names") }),
    storedBodyMax: size(0, 64 * 1024 ** 2),
    exclusions: list(exclusionRule, "exclusion rules").refine(
      (l) => l.length <= MAX_EXCLUSIONS,
      `at most ${MAX_EXCLUSIONS} exclusion rules`,
    ),
  }),
  retention: z.strictObject({
    days: int(0, 36_500),
    interval: duration(1000, 7 * 86_400_000),
  }),
  logging: z.strictObject({ level: logLevel }),
  packet: z.strictObject({
    vxlan: tunnelListener(),
    geneve: tunnelListener(),
    capture: z.strictObject({
      enabled: bool,
      interface: interfaces,
      filter: bpfFilter,
      // 64 bytes hold the headers of one TCP segment; 256 KiB is tcpdump's default.
      snaplen: size(64, 262_144),
      bufferSize: size(64 * 1024, 4 * 1024 ** 3),
      backend: oneOf(CAPTURE_BACKENDS),
    }),
    ignore: list(ignoreRule, "ignore rules").refine(
      (l) => l.length <= MAX_IGNORE_RULES,
      `at most ${MAX_IGNORE_RULES} ignore rules`,
    ),
    trustedProxies: list(network, "IP addresses, CIDR blocks or loopback/private/linklocal"),
    tcp: z.strictObject({
      maxFlows: int(1, 10_000_000),
      flowBufferBytes: size(1024, 1024 ** 3),
      totalBufferBytes: size(64 * 1024, 64 * 1024 ** 3),
      idleTimeout: duration(1000, 86_400_000),
    }),
    http: z.strictObject({
      responseTimeout: duration(1, 3_600_000),
      maxBodyBytes: size(0, 1024 ** 3),
      maxDecodedBytes: size(0, 4 * 1024 ** 3),
      totalBufferBytes: size(64 * 1024, 64 * 1024 ** 3),
    }),
  }),
});

export type RawParsed = z.output<typeof rawSchema>;

import type { HttpExchange } from "../../model/http.js";
import { type ClientIpHeader, DEFAULT_CLIENT_IP_HEADERS } from "./client-ip.js";
import { isToken } from "./head.js";
import { SharedSecret } from "./secret.js";
import { TrustedNetworks } from "./trusted.js";

/** Off, or read a PROXY v1/v2 header when a connection starts with one, or insist on one. */
export type ProxyProtocolMode = "off" | "auto" | "required";

export interface MirrorListenerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8445; 0 picks a free port (tests). */
  readonly port?: number;
  /** Body bytes kept per request (default 1 MiB); the rest is read and dropped. */
  readonly maxBodyBytes?: number;
  /** Largest request head, and separately trailer section (default 64 KiB). */
  readonly maxHeaderBytes?: number;
  /** Header fields kept per request (default 500); more are read for framing, not kept. */
  readonly maxHeaders?: number;
  /**
   * Networks whose forwarding information is believed: CIDRs, addresses, or the aliases
   * `loopback`, `private`, `linklocal`. Default `["loopback"]`: a proxy on the same host.
   */
  readonly trustedProxies?: readonly string[];
  /** Which forwarding headers name the client, in order (see client-ip.ts). */
  readonly clientIpHeaders?: readonly ClientIpHeader[];
  /** A shared secret every request must carry in `secretHeader`; unset: none required. */
  readonly secret?: string;
  /** Default `X-Mirrorwatch-Secret`. */
  readonly secretHeader?: string;
  /** Default "off". */
  readonly proxyProtocol?: ProxyProtocolMode;
  /** From a request's first byte to the end of its head (default 10 s). */
  readonly headersTimeoutMs?: number;
  /** From a request's first byte to the end of its body (default 120 s). */
  readonly requestTimeoutMs?: number;
  /**
   * Idle time allowed between requests (default 130 s). Longer than the idle timeouts of
   * the proxies' upstream pools (NGINX 60 s, Traefik 90 s, Envoy as set in deploy/), so
   * that the proxy, not us, closes idle connections and never writes into one we closed.
   */
  readonly keepAliveTimeoutMs?: number;
  /** Connections open at once (default 4096); more are refused and counted. */
  readonly maxConnections?: number;
  /**
   * Asked, when given, before each accepted request is turned into an exchange: false
   * means the consumer has no room for it now (and counts that itself). The request is
   * still answered but is not built nor handed on (stats.declined): a consumer that sheds
   * under overload spares the listener the work of building what it would throw away.
   */
  readonly admit?: () => boolean;
  /**
   * Called once per request, synchronously, before reading on. It must only enqueue:
   * anything slow here slows the proxy. A throw is counted and swallowed.
   */
  readonly onExchange: (exchange: HttpExchange) => void;
}

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly maxHeaderBytes: number;
  readonly maxHeaders: number;
  readonly trusted: TrustedNetworks;
  readonly clientIpHeaders: readonly ClientIpHeader[];
  readonly secret?: SharedSecret;
  /** Lower-case. */
  readonly secretHeader: string;
  readonly proxyProtocol: ProxyProtocolMode;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  readonly admit?: () => boolean;
  readonly onExchange: (exchange: HttpExchange) => void;
}

export const MIRROR_DEFAULTS = {
  host: "127.0.0.1",
  port: 8445,
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 64 * 1024,
  maxHeaders: 500,
  trustedProxies: ["loopback"] as readonly string[],
  secretHeader: "X-Mirrorwatch-Secret",
  proxyProtocol: "off" as ProxyProtocolMode,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 130_000,
  maxConnections: 4096,
} as const;

/** A listener setting that cannot work; thrown by startMirrorListener before listening. */
export class MirrorOptionsError extends Error {
  readonly code = "mirror_options";
  constructor(message: string) {
    super(message);
    this.name = "MirrorOptionsError";
  }
}

function int(name: string, v: number | undefined, dflt: number, min: number, max: number): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < min || x > max)
    throw new MirrorOptionsError(`${name} must be an integer from ${min} to ${max}, got ${x}`);
  return x;
}

const CLIENT_HEADERS: readonly ClientIpHeader[] = ["x-forwarded-for", "x-real-ip", "forwarded"];

/** Fills defaults and checks every option; throws MirrorOptionsError (or TrustedNetworkError). */
export function resolveOptions(o: MirrorListenerOptions): ResolvedOptions {
  if (typeof o.onExchange !== "function") throw new MirrorOptionsError("onExchange must be a function");
  const secretHeader = o.secretHeader ?? MIRROR_DEFAULTS.secretHeader;
  if (!isToken(secretHeader))
    throw new MirrorOptionsError(`secretHeader "${secretHeader}" is not a header name`);
  const proxyProtocol = o.proxyProtocol ?? MIRROR_DEFAULTS.proxyProtocol;
  if (!["off", "auto", "required"].includes(proxyProtocol))
    throw new MirrorOptionsError(`proxyProtocol must be off, auto or required, got ${proxyProtocol}`);
  const clientIpHeaders = o.clientIpHeaders ?? DEFAULT_CLIENT_IP_HEADERS;
  for (const h of clientIpHeaders) {
    if (!CLIENT_HEADERS.includes(h))
      throw new MirrorOptionsError(`clientIpHeaders: ${h} is not one of ${CLIENT_HEADERS.join(", ")}`);
  }
  if (o.secret !== undefined && o.secret.length === 0)
    throw new MirrorOptionsError("secret must not be empty");
  const day = 86_400_000;
  return {
    host: o.host ?? MIRROR_DEFAULTS.host,
    port: int("port", o.port, MIRROR_DEFAULTS.port, 0, 65535),
    maxBodyBytes: int("maxBodyBytes", o.maxBodyBytes, MIRROR_DEFAULTS.maxBodyBytes, 0, 1024 * 1024 * 1024),
    maxHeaderBytes: int(
      "maxHeaderBytes",
      o.maxHeaderBytes,
      MIRROR_DEFAULTS.maxHeaderBytes,
      1024,
      16 * 1024 * 1024,
    ),
    maxHeaders: int("maxHeaders", o.maxHeaders, MIRROR_DEFAULTS.maxHeaders, 1, 100_000),
    trusted: new TrustedNetworks(o.trustedProxies ?? MIRROR_DEFAULTS.trustedProxies),
    clientIpHeaders,
    ...(o.secret === undefined ? {} : { secret: new SharedSecret(o.secret) }),
    secretHeader: secretHeader.toLowerCase(),
    proxyProtocol,
    headersTimeoutMs: int("headersTimeoutMs", o.headersTimeoutMs, MIRROR_DEFAULTS.headersTimeoutMs, 1, day),
    requestTimeoutMs: int("requestTimeoutMs", o.requestTimeoutMs, MIRROR_DEFAULTS.requestTimeoutMs, 1, day),
    keepAliveTimeoutMs: int(
      "keepAliveTimeoutMs",
      o.keepAliveTimeoutMs,
      MIRROR_DEFAULTS.keepAliveTimeoutMs,
      1,
      day,
    ),
    maxConnections: int("maxConnections", o.maxConnections, MIRROR_DEFAULTS.maxConnections, 1, 1_000_000),
    ...(o.admit === undefined ? {} : { admit: o.admit }),
    onExchange: o.onExchange,
  };
}

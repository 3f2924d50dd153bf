import type { Anomaly } from "../../model/anomalies.js";
import type { Endpoint, Header, HttpExchange, HttpRequest } from "../../model/http.js";
import { addAnomaly } from "./anomaly-list.js";
import {
  type ClientIpHeader,
  collectForwarding,
  type ForwardingFields,
  type Hop,
  resolveTrustedPeer,
} from "./client-ip.js";
import { isFieldName } from "./head.js";
import { normalizeIp, parsePort } from "./ip.js";
import type { ParsedRequest } from "./request-parser.js";
import type { TrustedNetworks } from "./trusted.js";

export const SOURCE = "http-mirror";

/** What the listener knows about the connection a request came on. */
export interface ConnectionInfo {
  /** The TCP peer, canonical. */
  readonly peer: Hop;
  /** Whether the peer is in a trusted network: only then is forwarding information read. */
  readonly peerTrusted: boolean;
  /** From a PROXY header (PROXY command over TCP/IPv4 or IPv6) sent by a trusted peer. */
  readonly proxySource?: Hop;
  readonly proxyDestination?: Hop;
}

export interface ExchangeSettings {
  readonly trusted: TrustedNetworks;
  readonly clientIpHeaders: readonly ClientIpHeader[];
  /** Lower-case name of the secret header, removed from the exchange. */
  readonly secretHeader?: string;
}

/** Longest request id kept; ids are correlation handles, not payloads. */
const MAX_REQUEST_ID = 200;

function hopEndpoint(h: Hop): Endpoint {
  return h.port === undefined ? { ip: h.ip } : { ip: h.ip, port: h.port };
}

/**
 * Envoy and Istio append `-shadow` to the host of a mirrored request (`api.example.com` →
 * `api.example.com-shadow`, `host:8080` → `host-shadow:8080`); the original is wanted.
 * The result is lower-cased: host names are case-insensitive (RFC 9110 §4.2.3).
 */
export function cleanHost(raw: string): string {
  const h = raw.trim().toLowerCase();
  // Split off a port: digits after the last `:`, unless that colon is inside a bare IPv6.
  let name = h;
  let port = "";
  const colon = h.lastIndexOf(":");
  if (colon >= 0 && (h.indexOf(":") === colon || h.charCodeAt(0) === 91)) {
    let digits = colon + 1 < h.length;
    for (let i = colon + 1; digits && i < h.length; i++)
      digits = h.charCodeAt(i) >= 48 && h.charCodeAt(i) <= 57;
    if (digits) {
      name = h.slice(0, colon);
      port = h.slice(colon);
    }
  }
  if (name.endsWith("-shadow") && name.length > 7) name = name.slice(0, -7);
  return name + port;
}

/** The authority of an absolute-form target (`http://host:port/path`), or undefined. */
function authorityOf(target: string): string | undefined {
  const scheme = target.indexOf("://");
  if (scheme <= 0 || scheme > 16) return undefined;
  const rest = target.slice(scheme + 3);
  let end = rest.length;
  for (const c of ["/", "?", "#"]) {
    const i = rest.indexOf(c);
    if (i >= 0 && i < end) end = i;
  }
  const auth = rest.slice(0, end);
  const at = auth.lastIndexOf("@");
  return at >= 0 ? auth.slice(at + 1) : auth;
}

/** X-Forwarded-Proto's first item, if it looks like a URI scheme (RFC 3986 §3.1). */
function schemeOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const s = (value.split(",")[0] ?? "").trim().toLowerCase();
  if (s.length === 0 || s.length > 16) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (i > 0 && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46));
    if (!ok) return undefined;
  }
  return s;
}

function serverOf(
  addr: string | undefined,
  portText: string | undefined,
  conn: ConnectionInfo,
): Endpoint | undefined {
  const ip = addr === undefined ? null : normalizeIp(addr.trim());
  if (ip !== null) {
    const port = portText === undefined ? null : parsePort(portText.trim());
    return port === null ? { ip: ip.text } : { ip: ip.text, port };
  }
  return conn.proxyDestination === undefined ? undefined : hopEndpoint(conn.proxyDestination);
}

/**
 * Turns a parsed request into the HttpExchange every later stage reads. One pass over the
 * header fields picks out every one it needs (names compared ASCII case-insensitively,
 * RFC 9110 §5.1), and, when a secret is configured, drops the secret field; the forwarding
 * headers are only read when the peer is trusted.
 */
export function buildExchange(
  id: string,
  ts: number,
  req: ParsedRequest,
  conn: ConnectionInfo,
  settings: ExchangeSettings,
): HttpExchange {
  const head = req.head;
  const all = head.headers;
  const secretName = settings.secretHeader;
  const trustedPeer = conn.peerTrusted;
  /** A copy without the secret field, made only once one is met. */
  let kept: Header[] | undefined;
  let hostHeader: string | undefined;
  let requestIdHeader: string | undefined;
  let serverAddr: string | undefined;
  let serverPort: string | undefined;
  let proto: string | undefined;
  const forwarding: ForwardingFields = {};
  for (let i = 0; i < all.length; i++) {
    const h = all[i]!;
    const name = h[0];
    if (secretName !== undefined && isFieldName(name, secretName)) {
      kept ??= all.slice(0, i);
      continue;
    }
    if (kept !== undefined) kept.push(h);
    switch (name.length) {
      case 4:
        if (hostHeader === undefined && isFieldName(name, "host")) hostHeader = h[1];
        break;
      case 12:
        if (requestIdHeader === undefined && isFieldName(name, "x-request-id")) requestIdHeader = h[1];
        break;
      case 13:
        if (!trustedPeer) break;
        if (isFieldName(name, "x-server-addr")) serverAddr ??= h[1];
        else if (isFieldName(name, "x-server-port")) serverPort ??= h[1];
        break;
      case 17:
        if (trustedPeer && proto === undefined && isFieldName(name, "x-forwarded-proto")) proto = h[1];
        break;
      case 9:
      case 15:
        if (trustedPeer) collectForwarding(forwarding, name, h[1]);
        break;
    }
  }
  const headers: readonly Header[] = kept ?? all;
  const anomalies: Anomaly[] = req.anomalies;
  if (req.truncated) {
    addAnomaly(anomalies, "body_truncated", `kept ${req.body.length} of ${req.bodyBytes} body bytes`);
  }
  const request: HttpRequest =
    head.httpVersion === undefined
      ? { method: head.method, target: head.target, headers, body: req.body }
      : { method: head.method, target: head.target, headers, body: req.body, httpVersion: head.httpVersion };

  let client: Endpoint = hopEndpoint(conn.peer);
  let server: Endpoint | undefined;
  let scheme: string | undefined;
  if (trustedPeer) {
    const r = resolveTrustedPeer(
      conn.peer,
      conn.proxySource,
      forwarding,
      settings.trusted,
      settings.clientIpHeaders,
    );
    client = r.client;
    for (const a of r.anomalies) addAnomaly(anomalies, a.code, a.detail, a.point);
    server = serverOf(serverAddr, serverPort, conn);
    scheme = schemeOf(proto);
  }

  const rawHost = hostHeader ?? authorityOf(head.target);
  const host = rawHost === undefined || rawHost.trim() === "" ? undefined : cleanHost(rawHost);
  const rid = requestIdHeader?.trim();
  const requestId = rid === undefined || rid === "" ? undefined : rid.slice(0, MAX_REQUEST_ID);

  // Fields in the usual order, optional ones only when present (no spread temporaries).
  const ex: { -readonly [K in keyof HttpExchange]: HttpExchange[K] } = { id, request, client };
  if (server !== undefined) ex.server = server;
  ex.ts = ts;
  ex.source = SOURCE;
  if (scheme !== undefined) ex.scheme = scheme;
  if (host !== undefined) ex.host = host;
  if (requestId !== undefined) ex.requestId = requestId;
  ex.anomalies = anomalies;
  return ex;
}

import type { Anomaly } from "../../model/anomalies.js";
import type { Endpoint, Header, HttpExchange, HttpRequest } from "../../model/http.js";
import { addAnomaly } from "./anomaly-list.js";
import { type ClientIpHeader, type Hop, resolveClient } from "./client-ip.js";
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

function first(headers: readonly Header[], lowerName: string): string | undefined {
  for (const [n, v] of headers) if (n.length === lowerName.length && n.toLowerCase() === lowerName) return v;
  return undefined;
}

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

function serverOf(headers: readonly Header[], conn: ConnectionInfo): Endpoint | undefined {
  const addr = first(headers, "x-server-addr");
  const ip = addr === undefined ? null : normalizeIp(addr.trim());
  if (ip !== null) {
    const portText = first(headers, "x-server-port");
    const port = portText === undefined ? null : parsePort(portText.trim());
    return port === null ? { ip: ip.text } : { ip: ip.text, port };
  }
  return conn.proxyDestination === undefined ? undefined : hopEndpoint(conn.proxyDestination);
}

/** Turns a parsed request into the HttpExchange every later stage reads. */
export function buildExchange(
  id: string,
  ts: number,
  req: ParsedRequest,
  conn: ConnectionInfo,
  settings: ExchangeSettings,
): HttpExchange {
  const head = req.head;
  let headers: readonly Header[] = head.headers;
  const secretName = settings.secretHeader;
  if (secretName !== undefined) {
    headers = headers.filter(([n]) => !(n.length === secretName.length && n.toLowerCase() === secretName));
  }
  const anomalies: Anomaly[] = req.anomalies;
  if (req.truncated) {
    addAnomaly(anomalies, "body_truncated", `kept ${req.body.length} of ${req.bodyBytes} body bytes`);
  }
  const request: HttpRequest = {
    method: head.method,
    target: head.target,
    headers,
    body: req.body,
    ...(head.httpVersion === undefined ? {} : { httpVersion: head.httpVersion }),
  };

  let client: Endpoint = hopEndpoint(conn.peer);
  let server: Endpoint | undefined;
  let scheme: string | undefined;
  if (conn.peerTrusted) {
    const r = resolveClient({
      peer: conn.peer,
      ...(conn.proxySource === undefined ? {} : { proxySource: conn.proxySource }),
      headers,
      trusted: settings.trusted,
      headerOrder: settings.clientIpHeaders,
    });
    client = r.client;
    for (const a of r.anomalies) addAnomaly(anomalies, a.code, a.detail, a.point);
    server = serverOf(headers, conn);
    scheme = schemeOf(first(headers, "x-forwarded-proto"));
  }

  const hostHeader = first(headers, "host");
  const rawHost = hostHeader ?? authorityOf(head.target);
  const host = rawHost === undefined || rawHost.trim() === "" ? undefined : cleanHost(rawHost);
  const rid = first(headers, "x-request-id")?.trim();
  const requestId = rid === undefined || rid === "" ? undefined : rid.slice(0, MAX_REQUEST_ID);

  return {
    id,
    request,
    client,
    ...(server === undefined ? {} : { server }),
    ts,
    source: SOURCE,
    ...(scheme === undefined ? {} : { scheme }),
    ...(host === undefined ? {} : { host }),
    ...(requestId === undefined ? {} : { requestId }),
    anomalies,
  };
}

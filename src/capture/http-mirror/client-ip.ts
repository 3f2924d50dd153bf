import type { Anomaly } from "../../model/anomalies.js";
import type { Endpoint, Header } from "../../model/http.js";
import { type ForwardedNode, parseForwarded, parseForwardedNode, parseXForwardedFor } from "./forwarded.js";
import { isFieldName } from "./head.js";
import type { TrustedNetworks } from "./trusted.js";

/** The forwarding headers that can name the client, in the order they are consulted. */
export type ClientIpHeader = "x-forwarded-for" | "x-real-ip" | "forwarded";

/**
 * Default precedence. X-Forwarded-For comes first because every proxy in deploy/ (NGINX
 * with our snippet, Envoy, Istio, Traefik) appends to it, so its rightmost entry is always
 * the proxy's own view. `Forwarded` comes last: none of them writes it by default, so a
 * `Forwarded` header usually comes from the client, unchecked; put it first only when your
 * proxy sets it. See docs/deploy.md.
 */
export const DEFAULT_CLIENT_IP_HEADERS: readonly ClientIpHeader[] = [
  "x-forwarded-for",
  "x-real-ip",
  "forwarded",
];

/** Where the reported client address came from. */
export type ClientSource = "peer" | "proxy-protocol" | ClientIpHeader;

export interface ClientResolution {
  readonly client: Endpoint;
  readonly via: ClientSource;
  readonly anomalies: readonly Anomaly[];
}

/** One address with its family, already canonical (see ip.ts normalizeIp). */
export interface Hop {
  readonly ip: string;
  readonly family: 4 | 6;
  readonly port?: number;
}

export interface ClientInput {
  /** The TCP peer, canonical. */
  readonly peer: Hop;
  /** The source address of a PROXY protocol header (PROXY command, TCP over IPv4/IPv6). */
  readonly proxySource?: Hop;
  readonly headers: readonly Header[];
  readonly trusted: TrustedNetworks;
  readonly headerOrder?: readonly ClientIpHeader[];
}

function endpoint(h: Hop): Endpoint {
  return h.port === undefined ? { ip: h.ip } : { ip: h.ip, port: h.port };
}

/** The values of the forwarding headers a request carries, in wire order; absent: undefined. */
export interface ForwardingFields {
  xForwardedFor?: string[];
  xRealIp?: string[];
  forwarded?: string[];
}

/**
 * Adds a field to `into` when it is one of the forwarding headers (names compared ASCII
 * case-insensitively, RFC 9110 §5.1). The exchange builder calls it from its one pass over
 * the headers; resolveClient gathers with it on its own.
 */
export function collectForwarding(into: ForwardingFields, name: string, value: string): void {
  let key: keyof ForwardingFields | undefined;
  if (name.length === 15) {
    if (isFieldName(name, "x-forwarded-for")) key = "xForwardedFor";
  } else if (name.length === 9) {
    if (isFieldName(name, "x-real-ip")) key = "xRealIp";
    else if (isFieldName(name, "forwarded")) key = "forwarded";
  }
  if (key === undefined) return;
  const list = into[key];
  if (list === undefined) into[key] = [value];
  else list.push(value);
}

function fieldsOf(fields: ForwardingFields, which: ClientIpHeader): string[] | undefined {
  return which === "x-forwarded-for"
    ? fields.xForwardedFor
    : which === "x-real-ip"
      ? fields.xRealIp
      : fields.forwarded;
}

/** The hop list a header names, client first, or null when the header is absent. */
function hopsFrom(
  fields: ForwardingFields,
  which: ClientIpHeader,
): { nodes: ForwardedNode[]; malformed: boolean } | null {
  const values = fieldsOf(fields, which);
  if (values === undefined || values.length === 0) return null;
  if (which === "x-forwarded-for") return { nodes: parseXForwardedFor(values), malformed: false };
  if (which === "x-real-ip") {
    // One address. Several fields mean nobody replaced the client's own: the last one is
    // the one written nearest to us.
    return { nodes: parseXForwardedFor([values[values.length - 1]!]).slice(-1), malformed: false };
  }
  const list = parseForwarded(values);
  return {
    nodes: list.elements.map((e) => (e.for === undefined ? { kind: "unknown" } : parseForwardedNode(e.for))),
    malformed: list.malformed,
  };
}

/**
 * Who the client is. Precedence (docs/deploy.md):
 *  1. The TCP peer, if it is not in a trusted network: nothing it says about others counts.
 *  2. Else the PROXY protocol source address, when one was received: if it is not trusted,
 *     it is the client.
 *  3. Else the first forwarding header present, in `headerOrder`, walked from the right
 *     (nearest hop first), skipping trusted addresses: the first untrusted address is the
 *     client. An entry that names no address (`unknown`, an obfuscated identifier, junk)
 *     stops the walk, and the nearest trusted hop so far is reported: what lies to its left
 *     was written by someone we cannot vouch for.
 *  4. If every hop is trusted, the leftmost one (a client inside a trusted network).
 */
export function resolveClient(input: ClientInput): ClientResolution {
  const { trusted, peer } = input;
  if (!trusted.has(peer.ip, peer.family)) return { client: endpoint(peer), via: "peer", anomalies: [] };
  const fields: ForwardingFields = {};
  for (const [n, v] of input.headers) collectForwarding(fields, n, v);
  return resolveTrustedPeer(peer, input.proxySource, fields, trusted, input.headerOrder);
}

/**
 * resolveClient for a peer already known to be trusted (the listener decides that once
 * per connection), from forwarding fields already gathered.
 */
export function resolveTrustedPeer(
  peer: Hop,
  proxySource: Hop | undefined,
  fields: ForwardingFields,
  trusted: TrustedNetworks,
  headerOrder: readonly ClientIpHeader[] = DEFAULT_CLIENT_IP_HEADERS,
): ClientResolution {
  let cur: Hop = peer;
  let via: ClientSource = "peer";
  if (proxySource !== undefined) {
    cur = proxySource;
    via = "proxy-protocol";
    if (!trusted.has(cur.ip, cur.family)) return { client: endpoint(cur), via, anomalies: [] };
  }
  for (const which of headerOrder) {
    const hops = hopsFrom(fields, which);
    if (hops === null) continue;
    const anomalies: Anomaly[] = hops.malformed ? [{ code: "bad_header", point: `header › ${which}` }] : [];
    for (let i = hops.nodes.length - 1; i >= 0; i--) {
      const node = hops.nodes[i]!;
      if (node.kind !== "ip") {
        if (node.kind === "invalid")
          anomalies.push({ code: "bad_header", point: `header › ${which}`, detail: "not an address" });
        break;
      }
      cur = node;
      via = which;
      if (!trusted.has(node.ip, node.family)) break;
    }
    return { client: endpoint(cur), via, anomalies };
  }
  return { client: endpoint(cur), via, anomalies: [] };
}

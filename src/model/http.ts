/** One header as seen on the wire: original name spelling and order are kept. */
export type Header = readonly [name: string, value: string];

export interface HttpRequest {
  readonly method: string;
  /** The request-target exactly as on the request line (origin-form, absolute-form…). */
  readonly target: string;
  readonly headers: readonly Header[];
  /** Raw body bytes, or text when the source only had text (JSONL corpora, HAR). */
  readonly body: Uint8Array | string;
  readonly httpVersion?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly reason?: string;
  readonly headers: readonly Header[];
  readonly body: Uint8Array | string;
  readonly httpVersion?: string;
  /**
   * The Content-Encoding still applied to `body` (e.g. `gzip`, `gzip, br`) when it was not
   * undone (the packet path leaves response bodies as they crossed the wire unless told
   * otherwise: capture/http1 `decodeResponses`); absent when `body` is decoded or was
   * never encoded.
   */
  readonly contentEncoding?: string;
  /** Body bytes as they crossed the wire (before Content-Encoding was undone), when known. */
  readonly wireBytes?: number;
  /** Milliseconds since the epoch when the response was complete (packet path). */
  readonly ts?: number;
}

/**
 * The encapsulation a packet-path exchange arrived in. Part of the flow key, so that the
 * same private addresses in two mirrored VPCs (two VNIs) never mix.
 */
export interface TunnelInfo {
  /** Every layer crossed, outermost first, e.g. `geneve:0 vxlan:42 vlan:10`; "" when none. */
  readonly id: string;
  /** The innermost VXLAN or GENEVE network identifier. */
  readonly vni?: number;
  /** The innermost 802.1Q VLAN id. */
  readonly vlan?: number;
}

export interface Endpoint {
  readonly ip: string;
  readonly port?: number;
}

/**
 * What every source produces: a request, maybe its response, and where it came from.
 * Every later stage works the same whichever way the traffic arrived.
 */
export interface HttpExchange {
  readonly id: string;
  readonly request: HttpRequest;
  readonly response?: HttpResponse;
  readonly client?: Endpoint;
  readonly server?: Endpoint;
  /** Milliseconds since the epoch when the request was seen. */
  readonly ts?: number;
  /** Which source produced it (e.g. "file:requests.jsonl", "http-mirror"). */
  readonly source?: string;
  /** `http` or `https` as the original server saw it (e.g. from X-Forwarded-Proto). */
  readonly scheme?: string;
  /** The original Host, after clean-up (the `-shadow` suffix mirrors add is removed). */
  readonly host?: string;
  /** The request id the source assigned (X-Request-ID), to correlate with its logs. */
  readonly requestId?: string;
  /** Packet path: the tunnel and VLAN the flow was seen in. */
  readonly tunnel?: TunnelInfo;
  readonly anomalies?: readonly import("./anomalies.js").Anomaly[];
}

/** Case-insensitive lookup of the first header with this (lower-case) name. */
export function headerValue(headers: readonly Header[], lowerName: string): string | undefined {
  for (const [n, v] of headers) {
    if (n.length === lowerName.length && n.toLowerCase() === lowerName) return v;
  }
  return undefined;
}

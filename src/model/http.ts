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
  readonly anomalies?: readonly import("./anomalies.js").Anomaly[];
}

/** Case-insensitive lookup of the first header with this (lower-case) name. */
export function headerValue(headers: readonly Header[], lowerName: string): string | undefined {
  for (const [n, v] of headers) {
    if (n.length === lowerName.length && n.toLowerCase() === lowerName) return v;
  }
  return undefined;
}

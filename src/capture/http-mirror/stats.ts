/**
 * The listener's counters: plain numbers the node reads when Prometheus scrapes (e.g. in a
 * prom-client `collect()`), so the hot path pays one increment and no library call.
 * All are monotonic counters except `connectionsOpen`, a gauge.
 */
export interface MirrorListenerStats {
  /** Requests read completely (or as far as they could be) and handed to onExchange. */
  readonly received: number;
  /** Bytes read from mirror connections, PROXY headers and all. */
  readonly bytes: number;
  /** Requests whose body went past maxBodyBytes (the exchange carries `body_truncated`). */
  readonly bodyTruncated: number;
  /** Requests refused for a missing (401) or wrong (403) shared secret; no exchange made. */
  readonly rejected: number;
  /** Malformed requests or PROXY headers, requests cut short by a timeout or a close. */
  readonly parseErrors: number;
  /** Of parseErrors: headers or request timeouts. */
  readonly timeouts: number;
  /** PROXY headers received from peers outside the trusted networks (their addresses ignored). */
  readonly proxyUntrusted: number;
  /** Answered but not built nor handed on: the consumer's admit() had no room (it counts them as shed). */
  readonly declined: number;
  /** onExchange threw; the exchange is lost, the listener carries on. */
  readonly callbackErrors: number;
  /** Connections open now (gauge). */
  readonly connectionsOpen: number;
  /** Connections accepted since start. */
  readonly connectionsTotal: number;
  /** Connections refused because maxConnections were open. */
  readonly connectionsDropped: number;
  /** Errors accepting connections (EMFILE…); the listener keeps accepting. */
  readonly acceptErrors: number;
}

export type MutableStats = { -readonly [K in keyof MirrorListenerStats]: number };

export function newStats(): MutableStats {
  return {
    received: 0,
    bytes: 0,
    bodyTruncated: 0,
    rejected: 0,
    parseErrors: 0,
    timeouts: 0,
    proxyUntrusted: 0,
    declined: 0,
    callbackErrors: 0,
    connectionsOpen: 0,
    connectionsTotal: 0,
    connectionsDropped: 0,
    acceptErrors: 0,
  };
}

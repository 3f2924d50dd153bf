import type { HttpExchange } from "../../model/http.js";

/**
 * The passive HTTP/1.x layer (src/capture/http1) turns reassembled TCP streams into
 * exchanges. It observes and never rejects: whatever it cannot read becomes an anomaly.
 */
export interface Http1Options {
  /** Most bytes of a message head (start line + header fields) before it is cut. */
  readonly maxHeadBytes: number;
  /** Most header fields kept per message. */
  readonly maxHeaders: number;
  /** Most body bytes kept per message for analysis (the rest is skipped, not buffered). */
  readonly maxBodyBytes: number;
  /** Most bytes a Content-Encoding (gzip/deflate/br) may decode to. */
  readonly maxDecodedBytes: number;
  /**
   * Whether to undo the Content-Encoding of responses as well as of requests. Off by
   * default: nothing reads a response body yet (responses give their status, headers,
   * wire size and timing), and decoding them was a third of the packet path's CPU on
   * traffic with gzip pages. Off, a response keeps its body as it crossed the wire and
   * says which coding is still applied (`HttpResponse.contentEncoding`).
   */
  readonly decodeResponses: boolean;
  /** A request whose response has not started after this long is emitted alone (ms). */
  readonly responseTimeoutMs: number;
  /** Most requests waiting for their responses on one connection (pipelining). */
  readonly maxPending: number;
  /**
   * Most bytes all flows of one tracker hold together (unfinished heads and start lines,
   * bodies being collected, requests waiting for their responses). Past it the biggest
   * holders are cut: their requests are emitted with an anomaly, their buffers released.
   */
  readonly maxHeldBytes: number;
}

export const DEFAULT_HTTP1_OPTIONS: Http1Options = {
  maxHeadBytes: 64 * 1024,
  maxHeaders: 256,
  maxBodyBytes: 1024 * 1024,
  maxDecodedBytes: 4 * 1024 * 1024,
  decodeResponses: false,
  responseTimeoutMs: 5000,
  maxPending: 64,
  maxHeldBytes: 256 * 1024 * 1024,
};

/** Receives each finished exchange (paired, timed out, or cut by the end of the flow). */
export type ExchangeSink = (exchange: HttpExchange) => void;

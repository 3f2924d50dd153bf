/**
 * What crosses between the node's main thread and its analysis workers. Structured clone
 * copies a typed array's *whole* underlying buffer (and Node's HTTP bodies are often
 * slices of a shared pool), so a batch's bodies are packed into one fresh ArrayBuffer that
 * is transferred, not copied; headers travel as one flat string list per request.
 */
import type { Engine } from "../analysis/index.js";
import type { Anomaly, Hit, HttpRequest } from "../model/index.js";

export interface WireRequest {
  readonly m: string;
  readonly t: string;
  readonly v?: string;
  /** name, value, name, value… in wire order. */
  readonly h: string[];
  /** Body: offset and length in the batch buffer, or the text when the source had text. */
  readonly b: number;
  readonly l: number;
  readonly s?: string;
}

export interface WireBatch {
  readonly reqs: WireRequest[];
  readonly body: ArrayBuffer;
}

export interface WireResult {
  readonly hits: Hit[];
  readonly anomalies: readonly Anomaly[];
  /** Analysis time in milliseconds. */
  readonly ms: number;
  /** Set when the analysis threw (a bug): the request counts as failed. */
  readonly error?: string;
}

export interface WireReply {
  readonly results: WireResult[];
}

/** Packs requests; the returned buffer goes in the transfer list. */
export function encodeBatch(requests: readonly HttpRequest[]): WireBatch {
  let total = 0;
  for (const r of requests) if (typeof r.body !== "string") total += r.body.byteLength;
  const buf = new ArrayBuffer(total);
  const bytes = new Uint8Array(buf);
  const reqs: WireRequest[] = new Array(requests.length);
  let off = 0;
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i]!;
    const h: string[] = new Array(r.headers.length * 2);
    for (let k = 0; k < r.headers.length; k++) {
      const hd = r.headers[k]!;
      h[2 * k] = hd[0];
      h[2 * k + 1] = hd[1];
    }
    const base = {
      m: r.method,
      t: r.target,
      h,
      ...(r.httpVersion !== undefined ? { v: r.httpVersion } : {}),
    };
    if (typeof r.body === "string") {
      reqs[i] = { ...base, b: 0, l: 0, s: r.body };
    } else {
      bytes.set(r.body, off);
      reqs[i] = { ...base, b: off, l: r.body.byteLength };
      off += r.body.byteLength;
    }
  }
  return { reqs, body: buf };
}

export function decodeRequest(w: WireRequest, body: ArrayBuffer): HttpRequest {
  const headers: (readonly [string, string])[] = new Array(w.h.length >> 1);
  for (let k = 0; k < headers.length; k++) headers[k] = [w.h[2 * k]!, w.h[2 * k + 1]!];
  return {
    method: w.m,
    target: w.t,
    headers,
    body: w.s !== undefined ? w.s : new Uint8Array(body, w.b, w.l),
    ...(w.v !== undefined ? { httpVersion: w.v } : {}),
  };
}

/** Analyses one batch; never throws (a throwing request gets `error`). */
export function analyseBatch(engine: Engine, batch: WireBatch): WireReply {
  const results: WireResult[] = new Array(batch.reqs.length);
  for (let i = 0; i < batch.reqs.length; i++) {
    const t0 = performance.now();
    try {
      const r = engine.analyze(decodeRequest(batch.reqs[i]!, batch.body));
      results[i] = { hits: r.hits, anomalies: r.anomalies, ms: performance.now() - t0 };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      results[i] = { hits: [], anomalies: [], ms: performance.now() - t0, error };
    }
  }
  return { results };
}

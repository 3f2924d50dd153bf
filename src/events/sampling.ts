import { createHash } from "node:crypto";
import { Lru } from "./lru.js";

/**
 * Identical hits — same type, point, target (host and path), method and client IP — are
 * stored in full up to `limit` per window (default 5 per hour); beyond that they are only
 * counted: on their attack (`hitCount`) and per minute for stats (`WriteBatch.counts`). A
 * flood of one payload from one client then costs a counter, not a row per request.
 * Windows are fixed per key, starting at the key's first hit.
 *
 * Memory is bounded: at most `maxKeys` keys (least recently seen forgotten first), each a
 * 20-byte digest rather than the attacker-chosen strings. A forgotten key starts over,
 * so under a very wide flood a few more hits may be stored than the limit; never fewer.
 */
export interface SamplingOptions {
  /** Hits stored in full per key and window (default 5; 0 stores none beyond the count). */
  readonly limit?: number;
  /** Window length (default one hour). */
  readonly windowMs?: number;
  /** Keys remembered (default 100,000, about 10 MB). */
  readonly maxKeys?: number;
}

export interface SampleKey {
  readonly type: string;
  readonly point: string;
  readonly host: string;
  readonly path: string;
  readonly method: string;
  readonly clientIp: string;
}

interface Window {
  start: number;
  count: number;
}

export class Sampler {
  readonly limit: number;
  readonly windowMs: number;
  private readonly keys: Lru<string, Window>;

  constructor(options: SamplingOptions = {}) {
    this.limit = options.limit ?? 5;
    this.windowMs = options.windowMs ?? 3_600_000;
    if (!Number.isInteger(this.limit) || this.limit < 0)
      throw new RangeError("sampling limit must be an integer >= 0");
    if (!(this.windowMs > 0)) throw new RangeError("sampling window must be positive");
    this.keys = new Lru(options.maxKeys ?? 100_000);
  }

  /** Counts one hit; true when it should be stored in full. */
  admit(k: SampleKey, ts: number): boolean {
    const h = createHash("sha1");
    for (const part of [k.type, k.point, k.host, k.path, k.method, k.clientIp]) h.update(part).update("\0");
    const key = h.digest("base64");
    const w = this.keys.get(key);
    if (w === undefined || ts - w.start >= this.windowMs || ts < w.start - this.windowMs) {
      this.keys.set(key, { start: ts, count: 1 });
      return this.limit >= 1;
    }
    w.count++;
    return w.count <= this.limit;
  }

  get size(): number {
    return this.keys.size;
  }
}

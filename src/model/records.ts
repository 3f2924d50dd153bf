import type { Anomaly } from "./anomalies.js";
import type { AttackType } from "./attack-types.js";
import type { Header } from "./http.js";

/**
 * What the node stores. Hits are grouped into attacks (same type, point, host and path
 * template; a hit more than an hour after the attack's last one starts a new attack).
 * Times are milliseconds since the epoch. Ids are opaque, time-ordered strings
 * (sortable, so they double as pagination cursors).
 */

/** One stored hit: a detector firing on one point of one request. */
export interface HitRecord {
  readonly id: string;
  readonly attackId: string;
  readonly requestId: string;
  readonly ts: number;
  readonly type: AttackType;
  readonly point: string;
  readonly payload: string;
  readonly signature: string;
  readonly clientIp: string;
  readonly host: string;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly pathTemplate: string;
  /** Response status when the source saw the response (packet path), else absent. */
  readonly status?: number;
  /** Response body bytes as on the wire (before Content-Encoding was undone), when seen. */
  readonly responseBytes?: number;
  /** Milliseconds from the request to the complete response (fractional), when seen. */
  readonly responseMs?: number;
  /** Packet path: the innermost VXLAN/GENEVE network identifier the request came in. */
  readonly vni?: number;
  /** Packet path: the innermost 802.1Q VLAN id the request came in. */
  readonly vlan?: number;
}

/**
 * Hits counted but not stored in full (sampling: identical hits beyond the limit), summed
 * per minute and per kind: one attack, and the hit fields filters select on. Stats add
 * `count` to the stored hits, so they stay exact under a flood; the hits sit at the start
 * of their minute, so a time filter or bucket finer than a minute sees them there.
 */
export interface HitCountRecord {
  readonly attackId: string;
  /** Start of the minute the hits fell in (ms since the epoch, a multiple of 60,000). */
  readonly ts: number;
  readonly type: AttackType;
  readonly point: string;
  readonly clientIp: string;
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly pathTemplate: string;
  readonly status?: number;
  readonly vni?: number;
  /** Hits of this kind in this minute (a positive integer). */
  readonly count: number;
}

/** The minute a sampled-out hit is counted in (HitCountRecord.ts). */
export const HIT_COUNT_BUCKET_MS = 60_000;

/** Hits grouped: the unit an analyst looks at. */
export interface AttackRecord {
  readonly id: string;
  readonly type: AttackType;
  readonly point: string;
  readonly host: string;
  readonly pathTemplate: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Every hit seen, including those counted but not stored in full (sampling). */
  readonly hitCount: number;
  /** Hits stored in full. */
  readonly storedHits: number;
  /** Distinct client IPs seen (bounded count). */
  readonly sourceCount: number;
  /** The latest hit's signature and client, for lists. */
  readonly lastSignature: string;
  readonly lastClientIp: string;
}

/** The request behind stored hits, with sensitive values masked. */
export interface StoredRequest {
  readonly id: string;
  readonly ts: number;
  readonly method: string;
  readonly target: string;
  readonly httpVersion: string;
  readonly headers: readonly Header[];
  /** Body as text (UTF-8, lossy) after masking and truncation. */
  readonly body: string;
  readonly bodyTruncated: boolean;
  readonly clientIp: string;
  readonly clientPort?: number;
  readonly serverIp?: string;
  readonly serverPort?: number;
  readonly scheme: string;
  readonly host: string;
  /** The source's request id (X-Request-ID), when it sent one. */
  readonly sourceRequestId?: string;
  readonly source: string;
  readonly anomalies: readonly Anomaly[];
  readonly status?: number;
  /** See HitRecord: the response's size and time, when the source saw it. */
  readonly responseBytes?: number;
  readonly responseMs?: number;
  /** Packet path: every encapsulation layer crossed, outermost first (`geneve:0 vxlan:42`). */
  readonly tunnel?: string;
  readonly vni?: number;
  readonly vlan?: number;
}

/** An API token as stored: only the hash of the secret is kept. */
export type Role = "admin" | "analyst" | "viewer";

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** SHA-256 (hex) of the token secret. */
  readonly hash: string;
  readonly createdAt: number;
  readonly lastUsedAt?: number;
  readonly revokedAt?: number;
}

import type { AttackRecord, HitRecord, StoredRequest, TokenRecord } from "../model/index.js";

/**
 * Records as the API shows them: the stored millisecond times stay (`ts`, `firstSeen`…)
 * and an ISO 8601 string sits beside each, for people and for tools that want one.
 */

export function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toISOString() : new Date(0).toISOString();
}

export type HitView = HitRecord & { readonly time: string };
export type AttackView = AttackRecord & { readonly firstSeenTime: string; readonly lastSeenTime: string };
export type RequestView = StoredRequest & { readonly time: string };

export interface TokenView {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRecord["role"];
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
}

export function hitView(h: HitRecord): HitView {
  return { ...h, time: isoTime(h.ts) };
}

export function attackView(a: AttackRecord): AttackView {
  return { ...a, firstSeenTime: isoTime(a.firstSeen), lastSeenTime: isoTime(a.lastSeen) };
}

export function requestView(r: StoredRequest): RequestView {
  return { ...r, time: isoTime(r.ts) };
}

/** A token without its hash: the hash never leaves the store. */
export function tokenView(t: TokenRecord): TokenView {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    createdAt: isoTime(t.createdAt),
    ...(t.lastUsedAt === undefined ? {} : { lastUsedAt: isoTime(t.lastUsedAt) }),
    ...(t.revokedAt === undefined ? {} : { revokedAt: isoTime(t.revokedAt) }),
  };
}

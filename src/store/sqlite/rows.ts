import type {
  Anomaly,
  AttackRecord,
  AttackType,
  Header,
  HitRecord,
  Role,
  StoredRequest,
  TokenRecord,
} from "../../model/index.js";

/** Rows as SQLite returns them, and their conversion to records (absent ↔ NULL). */

export interface HitRow {
  id: string;
  attack_id: string;
  request_id: string;
  ts: number;
  type: string;
  point: string;
  payload: string;
  signature: string;
  client_ip: string;
  host: string;
  method: string;
  path: string;
  path_template: string;
  status: number | null;
  vni: number | null;
  vlan: number | null;
  response_bytes: number | null;
  response_ms: number | null;
}

export function hitFromRow(r: HitRow): HitRecord {
  const out: { -readonly [K in keyof HitRecord]: HitRecord[K] } = {
    id: r.id,
    attackId: r.attack_id,
    requestId: r.request_id,
    ts: r.ts,
    type: r.type as AttackType,
    point: r.point,
    payload: r.payload,
    signature: r.signature,
    clientIp: r.client_ip,
    host: r.host,
    method: r.method,
    path: r.path,
    pathTemplate: r.path_template,
  };
  if (r.status !== null) out.status = r.status;
  if (r.response_bytes !== null) out.responseBytes = r.response_bytes;
  if (r.response_ms !== null) out.responseMs = r.response_ms;
  if (r.vni !== null) out.vni = r.vni;
  if (r.vlan !== null) out.vlan = r.vlan;
  return out;
}

export interface AttackRow {
  id: string;
  type: string;
  point: string;
  host: string;
  path_template: string;
  first_seen: number;
  last_seen: number;
  hit_count: number;
  stored_hits: number;
  source_count: number;
  last_signature: string;
  last_client_ip: string;
}

export function attackFromRow(r: AttackRow): AttackRecord {
  return {
    id: r.id,
    type: r.type as AttackType,
    point: r.point,
    host: r.host,
    pathTemplate: r.path_template,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    hitCount: r.hit_count,
    storedHits: r.stored_hits,
    sourceCount: r.source_count,
    lastSignature: r.last_signature,
    lastClientIp: r.last_client_ip,
  };
}

export interface RequestRow {
  id: string;
  ts: number;
  method: string;
  target: string;
  http_version: string;
  headers: string;
  body: string;
  body_truncated: number;
  client_ip: string;
  client_port: number | null;
  server_ip: string | null;
  server_port: number | null;
  scheme: string;
  host: string;
  source_request_id: string | null;
  source: string;
  anomalies: string;
  status: number | null;
  tunnel: string | null;
  vni: number | null;
  vlan: number | null;
  response_bytes: number | null;
  response_ms: number | null;
}

/** JSON columns were written by us; a damaged one reads as empty rather than failing the page. */
function parseList<T>(text: string): T[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

export function requestFromRow(r: RequestRow): StoredRequest {
  const out: {
    -readonly [K in keyof StoredRequest]: StoredRequest[K];
  } = {
    id: r.id,
    ts: r.ts,
    method: r.method,
    target: r.target,
    httpVersion: r.http_version,
    headers: parseList<Header>(r.headers),
    body: r.body,
    bodyTruncated: r.body_truncated !== 0,
    clientIp: r.client_ip,
    scheme: r.scheme,
    host: r.host,
    source: r.source,
    anomalies: parseList<Anomaly>(r.anomalies),
  };
  if (r.client_port !== null) out.clientPort = r.client_port;
  if (r.server_ip !== null) out.serverIp = r.server_ip;
  if (r.server_port !== null) out.serverPort = r.server_port;
  if (r.source_request_id !== null) out.sourceRequestId = r.source_request_id;
  if (r.status !== null) out.status = r.status;
  if (r.response_bytes !== null) out.responseBytes = r.response_bytes;
  if (r.response_ms !== null) out.responseMs = r.response_ms;
  if (r.tunnel !== null) out.tunnel = r.tunnel;
  if (r.vni !== null) out.vni = r.vni;
  if (r.vlan !== null) out.vlan = r.vlan;
  return out;
}

export interface TokenRow {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export function tokenFromRow(r: TokenRow): TokenRecord {
  const out: { -readonly [K in keyof TokenRecord]: TokenRecord[K] } = {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    hash: r.hash,
    createdAt: r.created_at,
  };
  if (r.last_used_at !== null) out.lastUsedAt = r.last_used_at;
  if (r.revoked_at !== null) out.revokedAt = r.revoked_at;
  return out;
}

import type {
  AttackRecord,
  AttackType,
  HitCountRecord,
  HitRecord,
  StoredRequest,
  TokenRecord,
} from "../model/index.js";

/** Record builders for the contract suite: every field set, overridable. */

let seq = 0;
/** Unique, time-ordered ids for fixtures (the zero padding keeps them sortable). */
export function fixtureId(prefix: string, ts: number): string {
  seq++;
  return `${prefix}${String(ts).padStart(15, "0")}${String(seq).padStart(8, "0")}`;
}

export function requestRec(over: Partial<StoredRequest> = {}): StoredRequest {
  const ts = over.ts ?? 1_700_000_000_000;
  return {
    id: fixtureId("R", ts),
    ts,
    method: "GET",
    target: "/search?q=1",
    httpVersion: "1.1",
    headers: [
      ["Host", "shop.example"],
      ["X-Dup", "a"],
      ["x-dup", "b"],
    ],
    body: "",
    bodyTruncated: false,
    clientIp: "203.0.113.7",
    scheme: "https",
    host: "shop.example",
    source: "http-mirror",
    anomalies: [],
    ...over,
  };
}

export function attackRec(over: Partial<AttackRecord> = {}): AttackRecord {
  const ts = over.firstSeen ?? 1_700_000_000_000;
  return {
    id: fixtureId("A", ts),
    type: "sqli",
    point: "query › q",
    host: "shop.example",
    pathTemplate: "/search",
    firstSeen: ts,
    lastSeen: over.lastSeen ?? ts,
    hitCount: 1,
    storedHits: 1,
    sourceCount: 1,
    lastSignature: "sqli.union-select",
    lastClientIp: "203.0.113.7",
    ...over,
  };
}

export function hitRec(
  attack: AttackRecord,
  request: StoredRequest,
  over: Partial<HitRecord> = {},
): HitRecord {
  const ts = over.ts ?? request.ts;
  return {
    id: fixtureId("H", ts),
    attackId: attack.id,
    requestId: request.id,
    ts,
    type: attack.type as AttackType,
    point: attack.point,
    payload: "1 UNION SELECT password FROM users",
    signature: "sqli.union-select",
    clientIp: request.clientIp,
    host: attack.host,
    method: request.method,
    path: "/search",
    pathTemplate: attack.pathTemplate,
    ...over,
  };
}

/** A count of sampled-out hits of `attack`, in the minute that starts at `ts` (default: T0's). */
export function countRec(attack: AttackRecord, over: Partial<HitCountRecord> = {}): HitCountRecord {
  return {
    attackId: attack.id,
    ts: Math.floor(attack.firstSeen / 60_000) * 60_000,
    type: attack.type as AttackType,
    point: attack.point,
    clientIp: attack.lastClientIp,
    host: attack.host,
    method: "GET",
    path: "/search",
    pathTemplate: attack.pathTemplate,
    count: 1,
    ...over,
  };
}

export function tokenRec(over: Partial<TokenRecord> = {}): TokenRecord {
  const createdAt = over.createdAt ?? 1_700_000_000_000;
  const id = over.id ?? fixtureId("T", createdAt);
  return { id, name: "ci", role: "admin", hash: `${"ab".repeat(28)}${id.slice(-8)}`, createdAt, ...over };
}

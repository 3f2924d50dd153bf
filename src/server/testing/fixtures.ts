import type { AttackRecord, AttackType, HitRecord, StoredRequest } from "../../model/index.js";
import type { WriteBatch } from "../../store/types.js";

/**
 * A small, deterministic data set for the API tests: hits spread over types, sources
 * (v4 and v6), hosts, paths, methods, points and statuses, grouped into attacks the way
 * `events/` would group them, each with its stored request. Ids are time-ordered.
 */

/** 2024-05-01T00:00:00Z */
export const T0 = Date.UTC(2024, 4, 1);
export const STEP_MS = 10 * 60_000;
export const HIT_COUNT = 40;

const TYPES: readonly AttackType[] = ["sqli", "xss", "rce", "ptrav"];
export const IPS = ["203.0.113.7", "203.0.113.200", "198.51.100.5", "2001:db8::1", "2001:db8:1::9"] as const;
const HOSTS = ["shop.example.com", "api.example.com"] as const;
const PATHS = [
  ["/login", "/login"],
  ["/api/users/42", "/api/users/{id}"],
  ["/api/orders/7", "/api/orders/{id}"],
] as const;
const POINTS = ["query › q", "body › json › user › name", "header › user-agent"] as const;
const METHODS = ["GET", "POST"] as const;
const STATUSES = [200, 403, undefined] as const;
/** Packet-path VNIs (undefined: the HTTP mirror), on a cycle of their own; 0 is a VNI. */
export const VNIS = [42, undefined, 7, undefined, 0, 42, undefined] as const;

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

export interface Fixture {
  readonly hits: readonly HitRecord[];
  readonly attacks: readonly AttackRecord[];
  readonly requests: readonly StoredRequest[];
}

export function buildFixture(): Fixture {
  const hits: HitRecord[] = [];
  const requests: StoredRequest[] = [];
  const attacks = new Map<string, AttackRecord & { ips: Set<string> }>();
  for (let i = 0; i < HIT_COUNT; i++) {
    const ts = T0 + i * STEP_MS;
    const type = TYPES[i % TYPES.length]!;
    const clientIp = IPS[i % IPS.length]!;
    const host = HOSTS[i % HOSTS.length]!;
    const [path, pathTemplate] = PATHS[(i + 1) % PATHS.length]!;
    const point = POINTS[(i >> 1) % POINTS.length]!;
    const method = METHODS[(i >> 2) % METHODS.length]!;
    const status = STATUSES[i % STATUSES.length];
    const vni = VNIS[i % VNIS.length];
    // A packet-path exchange with a response also has its size and time.
    const packet = {
      ...(vni === undefined ? {} : { vni, vlan: vni === 42 ? 10 : 0 }),
      ...(vni === undefined || status === undefined ? {} : { responseBytes: 100 + i, responseMs: i + 0.25 }),
    };
    const key = `${type}|${point}|${host}|${pathTemplate}`;
    const seq = pad(i, 4);
    let attack = attacks.get(key);
    const attackId = attack?.id ?? `a${pad(ts, 15)}${seq}`;
    const requestId = `r${pad(ts, 15)}${seq}`;
    const payload =
      type === "sqli" ? "1' OR '1'='1" : type === "xss" ? "<script>alert(1)</script>" : "../../etc/passwd";
    const hit: HitRecord = {
      id: `h${pad(ts, 15)}${seq}`,
      attackId,
      requestId,
      ts,
      type,
      point,
      payload,
      signature: `${type}.fixture`,
      clientIp,
      host,
      method,
      path,
      pathTemplate,
      ...(status === undefined ? {} : { status }),
      ...packet,
    };
    hits.push(hit);
    requests.push({
      id: requestId,
      ts,
      method,
      target: `${path}?q=${encodeURIComponent(payload)}`,
      httpVersion: "1.1",
      headers: [
        ["Host", host],
        ["User-Agent", "fixture/1.0"],
        ["Authorization", "[masked]"],
        ["Content-Type", "application/json"],
      ],
      body: method === "POST" ? JSON.stringify({ user: { name: payload } }) : "",
      bodyTruncated: false,
      clientIp,
      clientPort: 40000 + i,
      scheme: "https",
      host,
      source: vni === undefined ? "http-mirror" : "vxlan",
      anomalies: [],
      ...(status === undefined ? {} : { status }),
      ...packet,
      ...(vni === undefined ? {} : { tunnel: `vxlan:${vni} vlan:${packet.vlan}` }),
    });
    if (attack === undefined) {
      attack = {
        id: attackId,
        type,
        point,
        host,
        pathTemplate,
        firstSeen: ts,
        lastSeen: ts,
        hitCount: 0,
        storedHits: 0,
        sourceCount: 0,
        lastSignature: hit.signature,
        lastClientIp: clientIp,
        ips: new Set(),
      };
    }
    attack.ips.add(clientIp);
    attacks.set(key, {
      ...attack,
      lastSeen: ts,
      hitCount: attack.hitCount + 1,
      storedHits: attack.storedHits + 1,
      sourceCount: attack.ips.size,
      lastSignature: hit.signature,
      lastClientIp: clientIp,
    });
  }
  return {
    hits,
    requests,
    attacks: [...attacks.values()].map(({ ips: _ips, ...a }) => a),
  };
}

export function fixtureBatch(f: Fixture): WriteBatch {
  return { requests: f.requests, attacks: f.attacks, hits: f.hits };
}

import { BlockList, isIP } from "node:net";
import { globMatch } from "../../events/glob.js";
import type {
  AttackRecord,
  HitCountRecord,
  HitRecord,
  StoredRequest,
  TokenRecord,
} from "../../model/index.js";
import type {
  HitFilter,
  Page,
  PageRequest,
  Stats,
  StatsQuery,
  Store,
  WriteBatch,
} from "../../store/types.js";

/**
 * A test double of the Store: everything in arrays, filters as plain loops. It exists so
 * the API tests run without SQLite; it is not a store to run a node on (no durability,
 * linear scans). Semantics it commits to, which the API tests rely on:
 *  - `from` is inclusive and `to` exclusive;
 *  - pages are newest first (ids are time-ordered, so by id descending) and the cursor
 *    is the id of the page's last item;
 *  - an attack matches a filter when one of its stored hits does;
 *  - host matching is case-insensitive, path globs and methods are case-sensitive;
 *  - stats count stored hits one each plus the counts of sampled-out hits (`counts`).
 */
export class MemoryStore implements Store {
  private readonly hitList: HitRecord[] = [];
  /** Counts of sampled-out hits, by their key (minute and every filter field). */
  private readonly countMap = new Map<string, HitCountRecord>();
  private readonly attackMap = new Map<string, AttackRecord>();
  private readonly requestMap = new Map<string, StoredRequest>();
  private readonly tokenList: TokenRecord[] = [];
  private opened = false;
  /** Set to make ping() fail, to test readiness. */
  failPing = false;

  async open(): Promise<void> {
    this.opened = true;
  }
  async close(): Promise<void> {
    this.opened = false;
  }
  private check(): void {
    if (!this.opened) throw Object.assign(new Error("store is closed"), { code: "unavailable" });
  }

  async write(batch: WriteBatch): Promise<void> {
    this.check();
    for (const r of batch.requests) this.requestMap.set(r.id, r);
    for (const a of batch.attacks) this.attackMap.set(a.id, a);
    for (const h of batch.hits) this.hitList.push(h);
    for (const c of batch.counts ?? []) {
      const key = JSON.stringify([
        c.ts,
        c.attackId,
        c.type,
        c.point,
        c.clientIp,
        c.host.toLowerCase(),
        c.method,
        c.path,
        c.status ?? null,
        c.vni ?? null,
      ]);
      const prev = this.countMap.get(key);
      this.countMap.set(key, prev === undefined ? c : { ...prev, count: prev.count + c.count });
    }
  }

  async findOpenAttack(key: Parameters<Store["findOpenAttack"]>[0]): Promise<AttackRecord | undefined> {
    this.check();
    let best: AttackRecord | undefined;
    for (const a of this.attackMap.values()) {
      if (a.type !== key.type || a.point !== key.point || a.host !== key.host) continue;
      if (a.pathTemplate !== key.pathTemplate || a.lastSeen < key.since) continue;
      if (best === undefined || a.lastSeen > best.lastSeen) best = a;
    }
    return best;
  }

  async hits(filter: HitFilter, page: PageRequest = {}): Promise<Page<HitRecord>> {
    this.check();
    const match = hitMatcher(filter);
    return paginate(this.hitList.filter(match), (h) => h.id, page);
  }

  async attacks(filter: HitFilter, page: PageRequest = {}): Promise<Page<AttackRecord>> {
    this.check();
    const match = hitMatcher(filter);
    // Counted (sampled-out) hits select their attack as stored ones do.
    const ids = new Set(this.hitList.filter(match).map((h) => h.attackId));
    for (const c of this.countMap.values()) if (match(c)) ids.add(c.attackId);
    const list = [...this.attackMap.values()].filter((a) => ids.has(a.id));
    return paginate(list, (a) => a.id, page);
  }

  async attack(id: string): Promise<AttackRecord | undefined> {
    this.check();
    return this.attackMap.get(id);
  }

  async request(id: string): Promise<StoredRequest | undefined> {
    this.check();
    return this.requestMap.get(id);
  }

  async stats(q: StatsQuery): Promise<Stats> {
    this.check();
    const match = hitMatcher(q);
    const hits: { h: HitFields; n: number }[] = this.hitList.filter(match).map((h) => ({ h, n: 1 }));
    for (const c of this.countMap.values()) if (match(c)) hits.push({ h: c, n: c.count });
    const bucketMs = q.bucketMs ?? 3_600_000;
    const byType: Record<string, number> = {};
    const buckets = new Map<number, Record<string, number>>();
    const sources = new Map<string, number>();
    const targets = new Map<string, { host: string; path: string; hits: number }>();
    let total = 0;
    for (const { h, n } of hits) {
      total += n;
      byType[h.type] = (byType[h.type] ?? 0) + n;
      const b = Math.floor(h.ts / bucketMs) * bucketMs;
      const bt = buckets.get(b) ?? {};
      bt[h.type] = (bt[h.type] ?? 0) + n;
      buckets.set(b, bt);
      sources.set(h.clientIp, (sources.get(h.clientIp) ?? 0) + n);
      const key = `${h.host}\n${h.path}`;
      const t = targets.get(key) ?? { host: h.host, path: h.path, hits: 0 };
      t.hits += n;
      targets.set(key, t);
    }
    const top = Math.min(q.top ?? 10, 100);
    return {
      total,
      byType,
      series: [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([ts, bt]) => ({ ts, byType: bt })),
      topSources: [...sources.entries()]
        .map(([ip, n]) => ({ ip, hits: n }))
        .sort((a, b) => b.hits - a.hits || (a.ip < b.ip ? -1 : 1))
        .slice(0, top),
      topTargets: [...targets.values()]
        .sort((a, b) => b.hits - a.hits || (a.host + a.path < b.host + b.path ? -1 : 1))
        .slice(0, top),
    };
  }

  async prune(before: number): Promise<number> {
    this.check();
    const keep = this.hitList.filter((h) => h.ts >= before);
    const removed = this.hitList.length - keep.length;
    this.hitList.splice(0, this.hitList.length, ...keep);
    for (const [k, c] of [...this.countMap]) if (c.ts < before) this.countMap.delete(k);
    const liveAttacks = new Set(keep.map((h) => h.attackId));
    for (const c of this.countMap.values()) liveAttacks.add(c.attackId);
    const liveRequests = new Set(keep.map((h) => h.requestId));
    for (const id of [...this.attackMap.keys()]) if (!liveAttacks.has(id)) this.attackMap.delete(id);
    for (const id of [...this.requestMap.keys()]) if (!liveRequests.has(id)) this.requestMap.delete(id);
    return removed;
  }

  async createToken(token: TokenRecord): Promise<void> {
    this.check();
    if (this.tokenList.some((t) => t.id === token.id || t.hash === token.hash)) {
      throw Object.assign(new Error("duplicate token"), { code: "conflict" });
    }
    this.tokenList.push(token);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    this.check();
    return this.tokenList.find((t) => t.hash === hash);
  }

  async tokens(): Promise<readonly TokenRecord[]> {
    this.check();
    return [...this.tokenList].sort((a, b) => a.createdAt - b.createdAt);
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    this.check();
    const i = this.tokenList.findIndex((t) => t.id === id && t.revokedAt === undefined);
    const t = this.tokenList[i];
    if (t === undefined) return false;
    this.tokenList[i] = { ...t, revokedAt: at };
    return true;
  }

  async touchToken(id: string, at: number): Promise<void> {
    this.check();
    const i = this.tokenList.findIndex((t) => t.id === id);
    const t = this.tokenList[i];
    if (t !== undefined) this.tokenList[i] = { ...t, lastUsedAt: at };
  }

  async ping(): Promise<boolean> {
    return this.opened && !this.failPing;
  }
}

function paginate<T>(list: T[], id: (t: T) => string, page: PageRequest): Page<T> {
  const limit = Math.max(1, Math.min(page.limit ?? 50, 500));
  const sorted = list.sort((a, b) => (id(a) < id(b) ? 1 : id(a) > id(b) ? -1 : 0));
  const cursor = page.cursor;
  const rest = cursor === undefined ? sorted : sorted.filter((t) => id(t) < cursor);
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return rest.length > limit && last !== undefined ? { items, next: id(last) } : { items };
}

/** What a hit filter looks at: on stored hits and on counts of sampled-out hits alike. */
type HitFields = Pick<
  HitRecord,
  "ts" | "type" | "clientIp" | "host" | "path" | "method" | "point" | "status" | "vni" | "attackId"
>;

function hitMatcher(f: HitFilter): (h: HitFields) => boolean {
  const types = f.types === undefined ? undefined : new Set<string>(f.types);
  const source = f.source === undefined ? undefined : sourceMatcher(f.source);
  const path = f.path === undefined ? undefined : f.path;
  const host = f.host?.toLowerCase();
  const pointPrefix = f.point?.endsWith(" › *") ? f.point.slice(0, -1) : undefined;
  return (h) =>
    (f.from === undefined || h.ts >= f.from) &&
    (f.to === undefined || h.ts < f.to) &&
    (types === undefined || types.has(h.type)) &&
    (source === undefined || source(h.clientIp)) &&
    (host === undefined || h.host.toLowerCase() === host) &&
    (path === undefined || globMatch(path, h.path)) &&
    (f.method === undefined || h.method === f.method) &&
    (f.point === undefined ||
      (pointPrefix === undefined ? h.point === f.point : h.point.startsWith(pointPrefix))) &&
    (f.status === undefined || h.status === f.status) &&
    (f.vni === undefined || h.vni === f.vni) &&
    (f.attackId === undefined || h.attackId === f.attackId);
}

function sourceMatcher(source: string): (ip: string) => boolean {
  const [ip = "", prefix] = source.split("/");
  const family = isIP(ip) === 6 ? "ipv6" : "ipv4";
  const list = new BlockList();
  if (prefix === undefined) list.addAddress(ip, family);
  else list.addSubnet(ip, Number(prefix), family);
  return (candidate) => {
    const fam = isIP(candidate);
    if (fam === 0) return false;
    try {
      return list.check(candidate, fam === 6 ? "ipv6" : "ipv4");
    } catch {
      return false;
    }
  };
}

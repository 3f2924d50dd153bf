import type {
  AttackRecord,
  AttackType,
  HitCountRecord,
  HitRecord,
  StoredRequest,
  TokenRecord,
} from "../model/index.js";

/**
 * Filters shared by hits and attacks queries (all optional, ANDed).
 *
 * On hits every field applies to the hit. On attacks: `from`/`to` select attacks active in
 * the range (lastSeen >= from and firstSeen < to); `types`, `host`, `point` apply to the
 * attack; `source`, `path`, `method`, `status`, `vni` select attacks with at least one stored hit
 * that matches them all.
 */
export interface HitFilter {
  /** Inclusive lower bound (ms since the epoch). */
  readonly from?: number;
  /** Exclusive upper bound (ms since the epoch). */
  readonly to?: number;
  readonly types?: readonly AttackType[];
  /** An IP or a CIDR (v4 or v6). */
  readonly source?: string;
  readonly host?: string;
  /** Glob over the path: `*` any run of characters, `?` one. */
  readonly path?: string;
  readonly method?: string;
  /** Exact point name, or a prefix ending in ` › *`. */
  readonly point?: string;
  readonly status?: number;
  /** Packet path: the VXLAN/GENEVE network identifier the request came in. */
  readonly vni?: number;
  /** Only hits of this attack (attack detail); on attacks, that one attack. */
  readonly attackId?: string;
}

export interface PageRequest {
  /** Opaque cursor from a previous page's `next`. */
  readonly cursor?: string;
  /** 1–500, default 50. */
  readonly limit?: number;
}

/**
 * Hits come newest first by (ts, id); attacks newest first by (firstSeen, id), which never
 * changes once an attack exists, so paging stays free of duplicates and gaps while new
 * hits arrive and while attacks are updated.
 */
export interface Page<T> {
  readonly items: readonly T[];
  /** Cursor of the next page (newest first), absent on the last one. */
  readonly next?: string;
}

export interface StatsQuery extends HitFilter {
  /** Time bucket width in ms for the series (default: one hour). */
  readonly bucketMs?: number;
  /** How many top sources/targets (default 10, max 100). */
  readonly top?: number;
}

/**
 * Every figure counts all hits seen: stored hits one each, plus the hits counted but not
 * stored (sampling, `WriteBatch.counts`). Counted hits sit at the start of their minute, so
 * with `from`/`to` or `bucketMs` finer than a minute they fall where that minute starts.
 * `series` lists only buckets with hits, oldest first, each starting at a multiple of
 * `bucketMs` since the epoch; `topSources` and `topTargets` are ordered by hits, most first.
 */
export interface Stats {
  readonly total: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly series: readonly { readonly ts: number; readonly byType: Readonly<Record<string, number>> }[];
  readonly topSources: readonly { readonly ip: string; readonly hits: number }[];
  readonly topTargets: readonly { readonly host: string; readonly path: string; readonly hits: number }[];
}

/**
 * One batch of findings, written atomically: either all of it is stored or none.
 * Built by `events/` (grouping and sampling happen there), written by the store.
 */
export interface WriteBatch {
  readonly requests: readonly StoredRequest[];
  /**
   * New attacks and updated ones (upsert by id; counters are the new totals). A store
   * never moves counters or lastSeen back, and never moves firstSeen forward, so a
   * replayed or late batch is harmless.
   */
  readonly attacks: readonly AttackRecord[];
  readonly hits: readonly HitRecord[];
  /**
   * Hits counted but not stored (sampling), per minute and kind (absent: none). A store
   * adds each count to what it holds for the same key, so unlike the rest a batch written
   * twice counts these twice; the recorder writes every batch once.
   */
  readonly counts?: readonly HitCountRecord[];
}

/**
 * The node's durable records. SQLite is the embedded default; a database server
 * implements the same contract (one contract suite: `storeContract` in contract.ts).
 * Every method may reject with a StoreError; none throws synchronously. The methods are
 * async although better-sqlite3 answers synchronously, so that a server database
 * (PostgreSQL, later) fits the same interface.
 *
 * `hits` lists stored hits only; `stats` counts every hit written, stored in full or only
 * counted (sampling), so a flood of one payload shows its full size there (see Stats for
 * the precision), and `attacks` selects an attack when one of its hits matches the hit
 * filters, stored or counted.
 */
export interface Store {
  /** Opens the store and applies pending migrations. */
  open(): Promise<void>;
  close(): Promise<void>;
  write(batch: WriteBatch): Promise<void>;
  /** The newest attack with this grouping key whose lastSeen >= since (to continue it). */
  findOpenAttack(key: {
    readonly type: AttackType;
    readonly point: string;
    readonly host: string;
    readonly pathTemplate: string;
    readonly since: number;
  }): Promise<AttackRecord | undefined>;
  hits(filter: HitFilter, page?: PageRequest): Promise<Page<HitRecord>>;
  attacks(filter: HitFilter, page?: PageRequest): Promise<Page<AttackRecord>>;
  attack(id: string): Promise<AttackRecord | undefined>;
  request(id: string): Promise<StoredRequest | undefined>;
  stats(query: StatsQuery): Promise<Stats>;
  /**
   * Deletes hits and hit counts older than `before` (and the requests and attacks left
   * without either), in bounded chunks so that writers are never held off for long.
   * Resolves to the number of stored hits deleted.
   */
  prune(before: number): Promise<number>;
  createToken(token: TokenRecord): Promise<void>;
  /** The token with this hash, revoked or not (the caller checks `revokedAt`). */
  tokenByHash(hash: string): Promise<TokenRecord | undefined>;
  /** Every token, revoked ones included, oldest first. */
  tokens(): Promise<readonly TokenRecord[]>;
  /** True when a token that was not yet revoked is now. */
  revokeToken(id: string, at: number): Promise<boolean>;
  touchToken(id: string, at: number): Promise<void>;
  /** True when the store answers (for /readyz). */
  ping(): Promise<boolean>;
}

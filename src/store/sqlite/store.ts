import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { setImmediate as yieldTurn } from "node:timers/promises";
import Database from "better-sqlite3";
import type { AttackRecord, AttackType, HitRecord, StoredRequest, TokenRecord } from "../../model/index.js";
import { decodeCursor, encodeCursor } from "../cursor.js";
import { StoreError, unavailable } from "../errors.js";
import { ipKey } from "../ip.js";
import type { HitFilter, Page, PageRequest, Stats, StatsQuery, Store, WriteBatch } from "../types.js";
import { attackWhere, hitWhere, type Where, whereSql } from "./filter.js";
import { migrate } from "./migrations.js";
import {
  type AttackRow,
  attackFromRow,
  type HitRow,
  hitFromRow,
  type RequestRow,
  requestFromRow,
  type TokenRow,
  tokenFromRow,
} from "./rows.js";

/** The database file inside a data directory. */
export const DB_FILE = "mirrorwatch.db";

/** Where the database lives: a data directory (created 0700), or a file path or `:memory:`. */
export type SqliteLocation =
  | { readonly dir: string; readonly file?: undefined }
  | { readonly file: string; readonly dir?: undefined };

export interface SqliteTuning {
  /** How long a write waits for another connection's lock before failing `busy` (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /** Rows deleted per prune transaction (default 2000): bounds how long prune holds the write lock. */
  readonly pruneChunk?: number;
  /** Most buckets a stats series may span (default 50,000). */
  readonly maxBuckets?: number;
  /** Clock for migration bookkeeping (tests). */
  readonly now?: () => number;
}

export type SqliteStoreOptions = SqliteLocation & SqliteTuning;

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const DEFAULT_BUCKET = 3_600_000;
const MIN_BUCKET = 1000;
const DEFAULT_TOP = 10;
const MAX_TOP = 100;

type Statement = Database.Statement<unknown[], unknown>;

/**
 * The embedded store: one SQLite file through better-sqlite3.
 *
 * better-sqlite3 answers synchronously on the calling thread; every method here is still
 * async (the Store interface) so that a server database fits the same contract. Writes are
 * short (one transaction per batch); a long read (stats over months) does block the event
 * loop while it runs, which is why stats are bounded (buckets, top-N) and why hot paths
 * never read.
 */
export class SqliteStore implements Store {
  private db: Database.Database | undefined;
  private readonly statements = new Map<string, Statement>();
  private writeTx: ((b: WriteBatch) => void) | undefined;
  readonly file: string;

  constructor(private readonly options: SqliteStoreOptions) {
    if (options.dir !== undefined) this.file = join(options.dir, DB_FILE);
    else if (options.file !== undefined) this.file = options.file;
    else throw new StoreError("internal", "SqliteStore needs a dir or a file");
  }

  async open(): Promise<void> {
    if (this.db !== undefined) return;
    const memory = this.file === ":memory:";
    let created = false;
    let db: Database.Database | undefined;
    try {
      // The data directory holds the requests of every attacked user: owner-only (0700).
      if (this.options.dir !== undefined) mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
      created = !memory && !existsSync(this.file);
      db = new Database(this.file, { timeout: this.options.busyTimeoutMs ?? 5000 });
      if (created) chmodSync(this.file, 0o600);
      if (!memory) {
        // WAL: readers (the API) never block the writer and vice versa, and a commit is one
        // append to the log. synchronous=NORMAL fsyncs only at checkpoints, not at every
        // commit: a committed transaction is in the OS page cache when write() resolves, so
        // it survives the process being killed (kill -9, OOM) — the crash this node must
        // survive — and the database is never corrupted. The trade-off: on power loss or a
        // kernel crash the last transactions before the previous checkpoint's fsync can be
        // lost (the database stays consistent). FULL would fsync every batch, which costs
        // more than the whole batch insert on most disks.
        const mode = db.pragma("journal_mode = WAL", { simple: true });
        if (mode !== "wal")
          throw unavailable("io", `cannot switch ${this.file} to WAL (journal_mode=${String(mode)})`);
        db.pragma("synchronous = NORMAL");
        // Keep the log from growing without bound between checkpoints under steady writes.
        db.pragma("journal_size_limit = 67108864");
      }
      db.pragma("foreign_keys = ON");
      migrate(db, (this.options.now ?? Date.now)());
      this.db = db;
      this.writeTx = this.prepareWrite(db);
    } catch (e) {
      this.statements.clear();
      db?.close();
      const se = toStoreError(e, `open ${this.file}`);
      // Opening fails on the place, not on a record: a missing directory or a bad path
      // (better-sqlite3 reports those as plain TypeErrors) is an io error.
      throw se.code === "invalid_record" || se.code === "internal" ? unavailable("io", se.message, e) : se;
    }
  }

  async close(): Promise<void> {
    const db = this.db;
    if (db === undefined) return;
    this.db = undefined;
    this.writeTx = undefined;
    this.statements.clear();
    try {
      db.pragma("optimize");
    } catch {
      // Only a planner hint: closing matters more.
    }
    db.close();
  }

  async write(batch: WriteBatch): Promise<void> {
    this.use("write", () => this.writeTx!(batch));
  }

  async findOpenAttack(key: {
    readonly type: AttackType;
    readonly point: string;
    readonly host: string;
    readonly pathTemplate: string;
    readonly since: number;
  }): Promise<AttackRecord | undefined> {
    return this.use("findOpenAttack", () => {
      const row = this.stmt(
        "SELECT * FROM attacks WHERE type = ? AND point = ? AND host = ? AND path_template = ? AND last_seen >= ? ORDER BY last_seen DESC LIMIT 1",
      ).get(key.type, key.point, key.host, key.pathTemplate, key.since) as AttackRow | undefined;
      return row === undefined ? undefined : attackFromRow(row);
    });
  }

  async hits(filter: HitFilter, page: PageRequest = {}): Promise<Page<HitRecord>> {
    return this.use("hits", () =>
      this.page(hitWhere(filter), page, "hits h", "h.ts", "h.id", (r: HitRow) => ({
        item: hitFromRow(r),
        ts: r.ts,
        id: r.id,
      })),
    );
  }

  async attacks(filter: HitFilter, page: PageRequest = {}): Promise<Page<AttackRecord>> {
    return this.use("attacks", () =>
      this.page(attackWhere(filter), page, "attacks a", "a.first_seen", "a.id", (r: AttackRow) => ({
        item: attackFromRow(r),
        ts: r.first_seen,
        id: r.id,
      })),
    );
  }

  async attack(id: string): Promise<AttackRecord | undefined> {
    return this.use("attack", () => {
      const row = this.stmt("SELECT * FROM attacks WHERE id = ?").get(id) as AttackRow | undefined;
      return row === undefined ? undefined : attackFromRow(row);
    });
  }

  async request(id: string): Promise<StoredRequest | undefined> {
    return this.use("request", () => {
      const row = this.stmt("SELECT * FROM requests WHERE id = ?").get(id) as RequestRow | undefined;
      return row === undefined ? undefined : requestFromRow(row);
    });
  }

  async stats(query: StatsQuery): Promise<Stats> {
    return this.use("stats", () => {
      const bucket = query.bucketMs ?? DEFAULT_BUCKET;
      if (!Number.isSafeInteger(bucket) || bucket < MIN_BUCKET) {
        throw new StoreError("invalid_filter", `bucketMs must be an integer of at least ${MIN_BUCKET}`);
      }
      const top = query.top ?? DEFAULT_TOP;
      if (!Number.isSafeInteger(top) || top < 1 || top > MAX_TOP) {
        throw new StoreError("invalid_filter", `top must be an integer from 1 to ${MAX_TOP}`);
      }
      const w = hitWhere(query);
      const where = whereSql(w);
      // Stored hits count one each, rows of hit_counts their `count`. The same conditions
      // (filter.ts, alias `h`) select from both tables; each side is aggregated on its own
      // (the hits side keeps its count over an index) and the outer query adds the two
      // up. Parameters: the hits side's, then the counts side's.
      const sides = (cols: string, group: string): string =>
        `SELECT ${cols}, count(*) AS n FROM hits h${where}${group} UNION ALL ` +
        `SELECT ${cols}, sum(h.count) AS n FROM hit_counts h${where}${group}`;
      const twice = (...before: unknown[]): unknown[] => [...before, ...w.params, ...before, ...w.params];
      // One read transaction: every figure comes from the same snapshot.
      return this.db!.transaction((): Stats => {
        const range = this.stmt(
          `SELECT min(lo) AS lo, max(hi) AS hi FROM (SELECT min(h.ts) AS lo, max(h.ts) AS hi FROM hits h${where} UNION ALL SELECT min(h.ts), max(h.ts) FROM hit_counts h${where})`,
        ).get(...twice()) as {
          lo: number | null;
          hi: number | null;
        };
        if (range.lo !== null && range.hi !== null) {
          const buckets = Math.floor(range.hi / bucket) - Math.floor(range.lo / bucket) + 1;
          const max = this.options.maxBuckets ?? 50_000;
          if (buckets > max) {
            throw new StoreError(
              "invalid_filter",
              `the series would have ${buckets} buckets (max ${max}): widen bucketMs or narrow the time range`,
            );
          }
        }
        const byTypeRows = this.stmt(
          `SELECT type, sum(n) AS n FROM (${sides("h.type AS type", " GROUP BY h.type")}) GROUP BY type`,
        ).all(...twice()) as { type: string; n: number }[];
        const byType: Record<string, number> = {};
        let total = 0;
        for (const r of byTypeRows) {
          byType[r.type] = r.n;
          total += r.n;
        }
        const seriesRows = this.stmt(
          `SELECT b, type, sum(n) AS n FROM (${sides(
            "(h.ts / CAST(? AS INTEGER)) * CAST(? AS INTEGER) AS b, h.type AS type",
            " GROUP BY b, h.type",
          )}) GROUP BY b, type ORDER BY b`,
        ).all(...twice(bucket, bucket)) as { b: number; type: string; n: number }[];
        const series: { ts: number; byType: Record<string, number> }[] = [];
        for (const r of seriesRows) {
          let last = series[series.length - 1];
          if (last === undefined || last.ts !== r.b) {
            last = { ts: r.b, byType: {} };
            series.push(last);
          }
          last.byType[r.type] = r.n;
        }
        const topSources = (
          this.stmt(
            `SELECT ip, sum(n) AS n FROM (${sides("h.client_ip AS ip", " GROUP BY h.client_ip")}) GROUP BY ip ORDER BY n DESC, ip LIMIT ?`,
          ).all(...twice(), top) as { ip: string; n: number }[]
        ).map((r) => ({ ip: r.ip, hits: r.n }));
        // Hosts compare case-insensitively, as on the columns.
        const topTargets = (
          this.stmt(
            `SELECT host, path, sum(n) AS n FROM (${sides("h.host AS host, h.path AS path", " GROUP BY h.host, h.path")}) GROUP BY host COLLATE NOCASE, path ORDER BY n DESC, host COLLATE NOCASE, path LIMIT ?`,
          ).all(...twice(), top) as { host: string; path: string; n: number }[]
        ).map((r) => ({ host: r.host, path: r.path, hits: r.n }));
        return { total, byType, series, topSources, topTargets };
      })();
    });
  }

  async prune(before: number): Promise<number> {
    if (!Number.isSafeInteger(before))
      throw new StoreError("invalid_filter", "prune: before must be an integer");
    const chunk = this.options.pruneChunk ?? 2000;
    // Each chunk is its own short transaction, and the event loop gets a turn between
    // chunks, so batches from the recorder interleave with a large prune.
    const loop = async (sql: string): Promise<number> => {
      let total = 0;
      for (;;) {
        const n = this.use("prune", () => this.stmt(sql).run(before, chunk).changes);
        total += n;
        if (n < chunk) return total;
        await yieldTurn();
      }
    };
    const hits = await loop("DELETE FROM hits WHERE id IN (SELECT id FROM hits WHERE ts < ? LIMIT ?)");
    // A count row is as old as its minute's start.
    await loop("DELETE FROM hit_counts WHERE rowid IN (SELECT rowid FROM hit_counts WHERE ts < ? LIMIT ?)");
    await loop(
      "DELETE FROM requests WHERE id IN (SELECT r.id FROM requests r WHERE r.ts < ? AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.request_id = r.id) LIMIT ?)",
    );
    // An attack goes once neither stored hits nor counts of it are left.
    await loop(
      "DELETE FROM attacks WHERE id IN (SELECT a.id FROM attacks a WHERE a.last_seen < ? AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.attack_id = a.id) AND NOT EXISTS (SELECT 1 FROM hit_counts c WHERE c.attack_id = a.id) LIMIT ?)",
    );
    return hits;
  }

  async createToken(t: TokenRecord): Promise<void> {
    this.use("createToken", () => {
      this.stmt(
        "INSERT INTO tokens (id, name, role, hash, created_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ).run(t.id, t.name, t.role, t.hash, t.createdAt, t.lastUsedAt ?? null, t.revokedAt ?? null);
    });
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    return this.use("tokenByHash", () => {
      const row = this.stmt("SELECT * FROM tokens WHERE hash = ?").get(hash) as TokenRow | undefined;
      return row === undefined ? undefined : tokenFromRow(row);
    });
  }

  async tokens(): Promise<readonly TokenRecord[]> {
    return this.use("tokens", () =>
      (this.stmt("SELECT * FROM tokens ORDER BY created_at, id").all() as TokenRow[]).map(tokenFromRow),
    );
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    return this.use(
      "revokeToken",
      () =>
        this.stmt("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(at, id)
          .changes > 0,
    );
  }

  async touchToken(id: string, at: number): Promise<void> {
    this.use("touchToken", () => {
      // Only forward: a late touch from a slow request never moves lastUsedAt back.
      this.stmt(
        "UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
      ).run(at, id, at);
    });
  }

  async ping(): Promise<boolean> {
    if (this.db === undefined) return false;
    try {
      return (this.db.prepare("SELECT 1 AS one").get() as { one: number }).one === 1;
    } catch {
      return false;
    }
  }

  /**
   * SQLite's own consistency checks (page structure, indexes, foreign keys): `["ok"]` when
   * the file is sound. For tests, `mirrorwatch` diagnostics and after a crash.
   */
  async integrityCheck(): Promise<string[]> {
    return this.use("integrityCheck", () => {
      const rows = this.db!.pragma("integrity_check") as { integrity_check: string }[];
      const out = rows.map((r) => r.integrity_check);
      const fk = this.db!.pragma("foreign_key_check") as { table: string; rowid: number; parent: string }[];
      for (const r of fk) out.push(`foreign key: ${r.table} row ${r.rowid} has no ${r.parent}`);
      if (fk.length > 0 && out[0] === "ok") out.shift();
      return out;
    });
  }

  /** The schema version in the file. */
  async schemaVersion(): Promise<number> {
    return this.use(
      "schemaVersion",
      () =>
        (this.stmt("SELECT max(version) AS v FROM schema_migrations").get() as { v: number | null }).v ?? 0,
    );
  }

  private prepareWrite(db: Database.Database): (b: WriteBatch) => void {
    const insRequest = db.prepare(`INSERT INTO requests (id, ts, method, target, http_version, headers, body,
      body_truncated, client_ip, client_port, server_ip, server_port, scheme, host, source_request_id, source,
      anomalies, status, response_bytes, response_ms, tunnel, vni, vlan)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`);
    // Counters in a batch are the writer's new totals; max() keeps a replayed or late batch
    // from moving them back, and "last" fields follow whichever write saw the later hit.
    const upAttack =
      db.prepare(`INSERT INTO attacks (id, type, point, host, path_template, first_seen, last_seen,
      hit_count, stored_hits, source_count, last_signature, last_client_ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET
        first_seen = min(first_seen, excluded.first_seen),
        last_seen = max(last_seen, excluded.last_seen),
        hit_count = max(hit_count, excluded.hit_count),
        stored_hits = max(stored_hits, excluded.stored_hits),
        source_count = max(source_count, excluded.source_count),
        last_signature = CASE WHEN excluded.last_seen >= last_seen THEN excluded.last_signature ELSE last_signature END,
        last_client_ip = CASE WHEN excluded.last_seen >= last_seen THEN excluded.last_client_ip ELSE last_client_ip END`);
    const insHit =
      db.prepare(`INSERT INTO hits (id, attack_id, request_id, ts, type, point, payload, signature,
      client_ip, ip_key, host, method, path, path_template, status, response_bytes, response_ms, vni, vlan)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`);
    // Counts add up: hits of one key in one minute may arrive over several batches.
    const upCount =
      db.prepare(`INSERT INTO hit_counts (ts, attack_id, type, point, client_ip, ip_key, host, method, path,
      path_template, status, vni, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (ts, attack_id, type, point, client_ip, host, method, path, ifnull(status, -1), ifnull(vni, -1))
      DO UPDATE SET count = count + excluded.count`);
    const tx = db.transaction((b: WriteBatch) => {
      for (const r of b.requests) {
        insRequest.run(
          r.id,
          r.ts,
          r.method,
          r.target,
          r.httpVersion,
          JSON.stringify(r.headers),
          r.body,
          r.bodyTruncated ? 1 : 0,
          r.clientIp,
          r.clientPort ?? null,
          r.serverIp ?? null,
          r.serverPort ?? null,
          r.scheme,
          r.host,
          r.sourceRequestId ?? null,
          r.source,
          JSON.stringify(r.anomalies),
          r.status ?? null,
          r.responseBytes ?? null,
          r.responseMs ?? null,
          r.tunnel ?? null,
          r.vni ?? null,
          r.vlan ?? null,
        );
      }
      for (const a of b.attacks) {
        upAttack.run(
          a.id,
          a.type,
          a.point,
          a.host,
          a.pathTemplate,
          a.firstSeen,
          a.lastSeen,
          a.hitCount,
          a.storedHits,
          a.sourceCount,
          a.lastSignature,
          a.lastClientIp,
        );
      }
      for (const h of b.hits) {
        insHit.run(
          h.id,
          h.attackId,
          h.requestId,
          h.ts,
          h.type,
          h.point,
          h.payload,
          h.signature,
          h.clientIp,
          ipKey(h.clientIp) ?? null,
          h.host,
          h.method,
          h.path,
          h.pathTemplate,
          h.status ?? null,
          h.responseBytes ?? null,
          h.responseMs ?? null,
          h.vni ?? null,
          h.vlan ?? null,
        );
      }
      for (const c of b.counts ?? []) {
        upCount.run(
          c.ts,
          c.attackId,
          c.type,
          c.point,
          c.clientIp,
          ipKey(c.clientIp) ?? null,
          c.host,
          c.method,
          c.path,
          c.pathTemplate,
          c.status ?? null,
          c.vni ?? null,
          c.count,
        );
      }
    });
    return (b) => tx.immediate(b);
  }

  private page<R, T>(
    w: Where,
    page: PageRequest,
    from: string,
    tsCol: string,
    idCol: string,
    map: (r: R) => { item: T; ts: number; id: string },
  ): Page<T> {
    const limit = page.limit ?? DEFAULT_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new StoreError("invalid_filter", "limit must be a positive integer");
    const n = Math.min(limit, MAX_LIMIT);
    const extra: string[] = [];
    const params = [...w.params];
    if (page.cursor !== undefined) {
      const k = typeof page.cursor === "string" ? decodeCursor(page.cursor) : undefined;
      if (k === undefined) throw new StoreError("bad_cursor", "unknown or malformed cursor");
      extra.push(`(${tsCol}, ${idCol}) < (?, ?)`);
      params.push(k.ts, k.id);
    }
    const alias = from.slice(-1);
    const sql = `SELECT ${alias}.* FROM ${from}${whereSql(w, extra)} ORDER BY ${tsCol} DESC, ${idCol} DESC LIMIT ?`;
    const rows = this.stmt(sql).all(...params, n + 1) as R[];
    const mapped = rows.slice(0, n).map(map);
    const items = mapped.map((m) => m.item);
    const last = mapped[mapped.length - 1];
    if (rows.length > n && last !== undefined)
      return { items, next: encodeCursor({ ts: last.ts, id: last.id }) };
    return { items };
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db!.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs `fn` on the open database, turning whatever it throws into a StoreError. */
  private use<T>(what: string, fn: () => T): T {
    if (this.db === undefined) throw unavailable("not_open", `${what}: the store is not open`);
    try {
      return fn();
    } catch (e) {
      throw toStoreError(e, what);
    }
  }
}

/** better-sqlite3 errors carry SQLite's extended code (`SQLITE_CONSTRAINT_UNIQUE`…). */
export function toStoreError(e: unknown, what: string): StoreError {
  if (e instanceof StoreError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  const err = (c: StoreError["code"]) => new StoreError(c, `${what}: ${msg}`, { cause: e });
  const down = (r: "busy" | "io") => unavailable(r, `${what}: ${msg}`, e);
  if (typeof code === "string" && code.startsWith("SQLITE_")) {
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY")
      return err("conflict");
    if (code.startsWith("SQLITE_CONSTRAINT") || code === "SQLITE_MISMATCH" || code === "SQLITE_RANGE") {
      return err("invalid_record");
    }
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return down("busy");
    if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") return err("corrupt");
    if (
      code.startsWith("SQLITE_IOERR") ||
      code.startsWith("SQLITE_FULL") ||
      code.startsWith("SQLITE_READONLY") ||
      code.startsWith("SQLITE_CANTOPEN") ||
      code.startsWith("SQLITE_PERM")
    ) {
      return down("io");
    }
    return err("internal");
  }
  // better-sqlite3 rejects values it cannot bind (undefined, objects) with a TypeError.
  if (e instanceof TypeError || e instanceof RangeError) return err("invalid_record");
  if (
    typeof code === "string" &&
    (code === "EACCES" || code === "EPERM" || code === "ENOSPC" || code === "EROFS")
  ) {
    return down("io");
  }
  return err("internal");
}

import type Database from "better-sqlite3";
import { StoreError } from "../errors.js";

/**
 * Versioned migrations: ordered, numbered steps. `open()` applies every step newer than the
 * database's version in one transaction, recording each in `schema_migrations`, so a crash
 * mid-upgrade leaves the old schema intact. Steps are append-only: never edit one that has
 * shipped, add the next number.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "hits, attacks, requests, tokens",
    // STRICT tables make SQLite enforce column types. Hosts compare case-insensitively
    // (RFC 9110 §4.2.3), hence COLLATE NOCASE on the column so its indexes serve `host = ?`.
    // Foreign keys are deferred: a batch may carry a hit before its attack.
    sql: `
CREATE TABLE requests (
  id TEXT PRIMARY KEY,
  ts INTEGER NOT NULL,
  method TEXT NOT NULL,
  target TEXT NOT NULL,
  http_version TEXT NOT NULL,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  body_truncated INTEGER NOT NULL,
  client_ip TEXT NOT NULL,
  client_port INTEGER,
  server_ip TEXT,
  server_port INTEGER,
  scheme TEXT NOT NULL,
  host TEXT NOT NULL COLLATE NOCASE,
  source_request_id TEXT,
  source TEXT NOT NULL,
  anomalies TEXT NOT NULL,
  status INTEGER
) STRICT;
CREATE INDEX requests_ts ON requests (ts);

CREATE TABLE attacks (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  point TEXT NOT NULL,
  host TEXT NOT NULL COLLATE NOCASE,
  path_template TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  hit_count INTEGER NOT NULL,
  stored_hits INTEGER NOT NULL,
  source_count INTEGER NOT NULL,
  last_signature TEXT NOT NULL,
  last_client_ip TEXT NOT NULL
) STRICT;
CREATE INDEX attacks_key ON attacks (type, point, host, path_template, last_seen);
CREATE INDEX attacks_first ON attacks (first_seen, id);
CREATE INDEX attacks_last ON attacks (last_seen);
CREATE INDEX attacks_type ON attacks (type, first_seen, id);
CREATE INDEX attacks_host ON attacks (host, first_seen, id);
CREATE INDEX attacks_point ON attacks (point, first_seen, id);

CREATE TABLE hits (
  id TEXT PRIMARY KEY,
  attack_id TEXT NOT NULL REFERENCES attacks (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  request_id TEXT NOT NULL REFERENCES requests (id) DEFERRABLE INITIALLY DEFERRED,
  ts INTEGER NOT NULL,
  type TEXT NOT NULL,
  point TEXT NOT NULL,
  payload TEXT NOT NULL,
  signature TEXT NOT NULL,
  client_ip TEXT NOT NULL,
  ip_key TEXT,
  host TEXT NOT NULL COLLATE NOCASE,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  path_template TEXT NOT NULL,
  status INTEGER
) STRICT;
-- Newest-first pages: every filter gets (column, ts, id) so that it both selects and orders.
CREATE INDEX hits_ts ON hits (ts, id);
CREATE INDEX hits_type ON hits (type, ts, id);
CREATE INDEX hits_ip ON hits (ip_key, ts, id);
CREATE INDEX hits_host ON hits (host, ts, id);
CREATE INDEX hits_path ON hits (path, ts, id);
CREATE INDEX hits_method ON hits (method, ts, id);
CREATE INDEX hits_point ON hits (point, ts, id);
CREATE INDEX hits_status ON hits (status, ts, id);
CREATE INDEX hits_attack ON hits (attack_id, ts, id);
CREATE INDEX hits_request ON hits (request_id);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
) STRICT;
`,
  },
  {
    version: 2,
    name: "packet path: tunnel, VNI, VLAN, response size and time",
    // response_ms is REAL: packet timestamps have microseconds, and a LAN response often
    // takes less than one millisecond. Existing rows keep NULL (not seen) in every column.
    sql: `
ALTER TABLE hits ADD COLUMN vni INTEGER;
ALTER TABLE hits ADD COLUMN vlan INTEGER;
ALTER TABLE hits ADD COLUMN response_bytes INTEGER;
ALTER TABLE hits ADD COLUMN response_ms REAL;
CREATE INDEX hits_vni ON hits (vni, ts, id);

ALTER TABLE requests ADD COLUMN tunnel TEXT;
ALTER TABLE requests ADD COLUMN vni INTEGER;
ALTER TABLE requests ADD COLUMN vlan INTEGER;
ALTER TABLE requests ADD COLUMN response_bytes INTEGER;
ALTER TABLE requests ADD COLUMN response_ms REAL;
`,
  },
  {
    version: 3,
    name: "hit_counts: hits counted but not stored (sampling), per minute",
    // One row per minute (`ts` is the minute's start) and per kind of sampled-out hit, so
    // that stats add these to the stored hits and stay exact under a flood. The filter
    // columns carry the same names as in `hits`, so one WHERE clause (filter.ts, alias
    // `h`) selects from both. status and vni stay NULL when unseen, as on hits (a filter
    // on them never matches NULL); the unique key reads NULL as -1, which no HTTP status
    // or VNI can be, because NULLs are all distinct to a plain UNIQUE constraint and a
    // second write of the same key would then add a row instead of adding to it.
    // path_template and ip_key follow from path and client_ip, so they are not part of it.
    sql: `
CREATE TABLE hit_counts (
  ts INTEGER NOT NULL,
  attack_id TEXT NOT NULL REFERENCES attacks (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  type TEXT NOT NULL,
  point TEXT NOT NULL,
  client_ip TEXT NOT NULL,
  ip_key TEXT,
  host TEXT NOT NULL COLLATE NOCASE,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  path_template TEXT NOT NULL,
  status INTEGER,
  vni INTEGER,
  count INTEGER NOT NULL CHECK (count > 0)
) STRICT;
-- The upsert key; led by ts, it also serves time-range scans and prune.
CREATE UNIQUE INDEX hit_counts_key ON hit_counts
  (ts, attack_id, type, point, client_ip, host, method, path, ifnull(status, -1), ifnull(vni, -1));
-- Attack detail (attackId filter), prune's "attack left without hits", and ON DELETE CASCADE.
CREATE INDEX hit_counts_attack ON hit_counts (attack_id, ts);
`,
  },
];

/** The newest schema version this program knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the database up to `SCHEMA_VERSION`. `BEGIN IMMEDIATE` takes the write lock first,
 * so two processes opening one new database cannot both apply step 1.
 */
export function migrate(
  db: Database.Database,
  now: number,
  steps: readonly Migration[] = MIGRATIONS,
): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT`);
  const run = db.transaction(() => {
    const row = db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number | null };
    const current = row.v ?? 0;
    const latest = steps.length === 0 ? 0 : steps[steps.length - 1]!.version;
    if (current > latest) {
      throw new StoreError(
        "migration",
        `the database has schema version ${current}, newer than this program's ${latest}: upgrade Mirrorwatch`,
      );
    }
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    let applied = 0;
    for (const m of steps) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, now);
      applied++;
    }
    return applied;
  });
  try {
    return run.immediate();
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    // Locks, disk and corruption keep their own codes; anything else is a broken step.
    if (
      e instanceof StoreError ||
      (typeof code === "string" &&
        /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CORRUPT|NOTADB|READONLY|CANTOPEN)/.test(code))
    ) {
      throw e;
    }
    throw new StoreError(
      "migration",
      `schema migration failed: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

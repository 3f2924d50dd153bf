import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { StoreError } from "../errors.js";
import { openSqliteStore } from "./index.js";
import { MIGRATIONS, migrate, SCHEMA_VERSION } from "./migrations.js";
import { DB_FILE, toStoreError } from "./store.js";

const root = mkdtempSync(join(tmpdir(), "mw-open-"));
after(() => rmSync(root, { recursive: true, force: true }));

describe("opening the SQLite store", () => {
  it("creates the data directory 0700 and the file 0600, in WAL with synchronous=NORMAL", async () => {
    const dir = join(root, "a", "data");
    const s = await openSqliteStore({ dir });
    try {
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.equal(statSync(join(dir, DB_FILE)).mode & 0o077, 0);
      const db = new Database(join(dir, DB_FILE), { readonly: true });
      assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
      db.close();
      assert.equal(await s.schemaVersion(), SCHEMA_VERSION);
      assert.deepEqual(await s.integrityCheck(), ["ok"]);
    } finally {
      await s.close();
    }
  });

  it("applies migrations once and records them", async () => {
    const file = join(root, "m.db");
    const db = new Database(file);
    assert.equal(migrate(db, 1), SCHEMA_VERSION);
    assert.equal(migrate(db, 2), 0);
    const rows = db.prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version").all();
    assert.deepEqual(
      rows,
      MIGRATIONS.map((m) => ({ version: m.version, applied_at: 1 })),
    );
    // A later step applies on its own, in order.
    const steps = [
      ...MIGRATIONS,
      { version: SCHEMA_VERSION + 1, name: "add", sql: "CREATE TABLE extra (x INTEGER) STRICT" },
    ];
    assert.equal(migrate(db, 3, steps), 1);
    assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get());
    db.close();
  });

  it("upgrades a version 1 database in place: old rows read as before, new rows carry packet fields", async () => {
    const file = join(root, "v1.db");
    const t = 1_700_000_000_000;
    oldDatabase(file, 1, t, { hitCount: 1, status: 200, vni: null });

    const s = await openSqliteStore({ file });
    try {
      assert.equal(await s.schemaVersion(), SCHEMA_VERSION);
      const old = (await s.hits({})).items;
      assert.equal(old.length, 1);
      assert.equal(old[0]!.status, 200);
      for (const k of ["vni", "vlan", "responseBytes", "responseMs"]) assert.ok(!(k in old[0]!), k);
      const req = await s.request("R1");
      assert.ok(req !== undefined && !("tunnel" in req) && !("vni" in req));
      assert.deepEqual((await s.hits({ vni: 5 })).items, []);
      await s.write({
        requests: [{ ...req, id: "R2", tunnel: "vxlan:5", vni: 5, responseBytes: 10, responseMs: 0.25 }],
        attacks: [],
        hits: [{ ...old[0]!, id: "H2", requestId: "R2", vni: 5, responseBytes: 10, responseMs: 0.25 }],
      });
      assert.deepEqual(
        (await s.hits({ vni: 5 })).items.map((h) => [h.id, h.responseMs]),
        [["H2", 0.25]],
      );
      assert.equal((await s.request("R2"))?.tunnel, "vxlan:5");
      assert.deepEqual(await s.integrityCheck(), ["ok"]);
    } finally {
      await s.close();
    }
  });

  it("upgrades a version 2 database in place: stats add the new hit counts to the old hits", async () => {
    const file = join(root, "v2.db");
    const t = 1_700_000_040_000;
    oldDatabase(file, 2, t, { hitCount: 9, status: null, vni: 5 });

    const s = await openSqliteStore({ file });
    try {
      assert.equal(await s.schemaVersion(), SCHEMA_VERSION);
      assert.equal((await s.stats({})).total, 1);
      await s.write({
        requests: [],
        attacks: [],
        hits: [],
        counts: [
          {
            attackId: "A1",
            ts: t,
            type: "sqli",
            point: "query › id",
            clientIp: "10.0.0.1",
            host: "a.example",
            method: "GET",
            path: "/",
            pathTemplate: "/",
            vni: 5,
            count: 8,
          },
        ],
      });
      const st = await s.stats({ vni: 5 });
      assert.equal(st.total, 9);
      assert.deepEqual(st.topSources, [{ ip: "10.0.0.1", hits: 9 }]);
      assert.deepEqual(await s.integrityCheck(), ["ok"]);
    } finally {
      await s.close();
    }
  });

  it("rolls back a failing migration step as a whole", () => {
    const db = new Database(":memory:");
    const steps = [
      { version: 1, name: "ok", sql: "CREATE TABLE one (x INTEGER) STRICT" },
      { version: 2, name: "bad", sql: "CREATE TABLE two (x INTEGER) STRICT; THIS IS NOT SQL" },
    ];
    assert.throws(
      () => migrate(db, 1, steps),
      (e: unknown) => e instanceof StoreError && e.code === "migration",
    );
    assert.deepEqual(db.prepare("SELECT count(*) AS n FROM schema_migrations").get(), { n: 0 });
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'one'").get(), undefined);
    db.close();
  });

  it("refuses a database from a newer version of the program", async () => {
    const file = join(root, "newer.db");
    const db = new Database(file);
    migrate(db, 1);
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'future', 0)").run(SCHEMA_VERSION + 1);
    db.close();
    await assert.rejects(
      openSqliteStore({ file }),
      (e: unknown) => e instanceof StoreError && e.code === "migration",
    );
  });

  it("reports a file that is not a database as corrupt", async () => {
    const file = join(root, "junk.db");
    writeFileSync(file, "this is not a database, just text that is long enough ".repeat(100));
    await assert.rejects(
      openSqliteStore({ file }),
      (e: unknown) => e instanceof StoreError && e.code === "corrupt",
    );
  });

  it("reports an unwritable place as an io error", async () => {
    const blocker = join(root, "blocker");
    writeFileSync(blocker, "");
    await assert.rejects(
      openSqliteStore({ dir: join(blocker, "sub") }),
      (e: unknown) => e instanceof StoreError,
    );
  });

  it("maps engine errors to codes", () => {
    const e = (code: string) => Object.assign(new Error("x"), { code });
    assert.equal(toStoreError(e("SQLITE_CONSTRAINT_UNIQUE"), "w").code, "conflict");
    assert.equal(toStoreError(e("SQLITE_CONSTRAINT_FOREIGNKEY"), "w").code, "invalid_record");
    assert.equal(toStoreError(e("SQLITE_BUSY_SNAPSHOT"), "w").code, "unavailable");
    assert.equal(toStoreError(e("SQLITE_BUSY_SNAPSHOT"), "w").reason, "busy");
    assert.equal(toStoreError(e("SQLITE_FULL"), "w").reason, "io");
    assert.equal(toStoreError(e("SQLITE_CORRUPT"), "w").code, "corrupt");
    assert.equal(toStoreError(new TypeError("bind"), "w").code, "invalid_record");
    assert.equal(toStoreError("weird", "w").code, "internal");
  });
});

/**
 * A database left at schema `version` by an older release, holding request R1, attack A1
 * and its hit H1 at `t` (status on the request and the hit, vni on the hit when given).
 */
function oldDatabase(
  file: string,
  version: number,
  t: number,
  o: { hitCount: number; status: number | null; vni: number | null },
): void {
  const db = new Database(file);
  migrate(db, 1, MIGRATIONS.slice(0, version));
  db.prepare(
    `INSERT INTO requests (id, ts, method, target, http_version, headers, body, body_truncated, client_ip,
     scheme, host, source, anomalies, status) VALUES ('R1', ?, 'GET', '/', '1.1', '[]', '', 0, '10.0.0.1',
     'http', 'a.example', 'http-mirror', '[]', ?)`,
  ).run(t, o.status);
  db.prepare(
    `INSERT INTO attacks VALUES ('A1', 'sqli', 'query › id', 'a.example', '/', ?, ?, ?, 1, 1, 's', '10.0.0.1')`,
  ).run(t, t, o.hitCount);
  const vni = version >= 2 ? ", vni" : "";
  db.prepare(
    `INSERT INTO hits (id, attack_id, request_id, ts, type, point, payload, signature, client_ip, ip_key,
     host, method, path, path_template, status${vni}) VALUES ('H1', 'A1', 'R1', ?, 'sqli', 'query › id', 'p', 's',
     '10.0.0.1', NULL, 'a.example', 'GET', '/', '/', ?${vni === "" ? "" : ", ?"})`,
  ).run(t, o.status, ...(vni === "" ? [] : [o.vni]));
  db.close();
}

export { MIGRATIONS, type Migration, migrate, SCHEMA_VERSION } from "./migrations.js";
export {
  DB_FILE,
  type SqliteLocation,
  SqliteStore,
  type SqliteStoreOptions,
  type SqliteTuning,
} from "./store.js";

import { SqliteStore, type SqliteStoreOptions } from "./store.js";

/**
 * Opens (creating and migrating as needed) the embedded store:
 * `openSqliteStore({ dir: "./mirrorwatch-data" })` uses `<dir>/mirrorwatch.db` and creates
 * the directory 0700; `{ file: ":memory:" }` gives a private in-memory database (tests).
 * Rejects with a StoreError (`io`, `corrupt`, `migration`…) when it cannot.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const s = new SqliteStore(options);
  await s.open();
  return s;
}

export { MIGRATIONS, type Migration, migrate, SCHEMA_VERSION } from "./migrations.js";
export {
  DB_FILE,
  type SqliteLocation,
  SqliteStore,
  type SqliteStoreOptions,
  type SqliteTuning,
} from "./store.js";
export { SqliteWorkerStore } from "./worker-store.js";

import { SqliteStore, type SqliteStoreOptions } from "./store.js";
import { SqliteWorkerStore } from "./worker-store.js";

export type OpenSqliteOptions = SqliteStoreOptions & {
  /**
   * Run SQLite in worker threads (SqliteWorkerStore) instead of on the calling thread.
   * The node should set this: a 500-hit batch costs tens of milliseconds of CPU and a
   * stats query over a large store can cost seconds, which must not stall the event loop
   * that serves the mirror listener. Short-lived commands (`mirrorwatch token create`)
   * and tests can leave it off.
   */
  readonly worker?: boolean;
};

/**
 * Opens (creating and migrating as needed) the embedded store:
 * `openSqliteStore({ dir: "./mirrorwatch-data", worker: true })` uses
 * `<dir>/mirrorwatch.db` and creates the directory 0700; `{ file: ":memory:" }` gives a
 * private in-memory database (tests). Rejects with a StoreError (`io`, `corrupt`,
 * `migration`…) when it cannot.
 */
export async function openSqliteStore(
  options: OpenSqliteOptions & { readonly worker: true },
): Promise<SqliteWorkerStore>;
export async function openSqliteStore(
  options: OpenSqliteOptions & { readonly worker?: false },
): Promise<SqliteStore>;
export async function openSqliteStore(options: OpenSqliteOptions): Promise<SqliteStore | SqliteWorkerStore>;
export async function openSqliteStore(options: OpenSqliteOptions): Promise<SqliteStore | SqliteWorkerStore> {
  const { worker, ...location } = options;
  const opts = location as SqliteStoreOptions;
  const s = worker === true ? new SqliteWorkerStore(opts) : new SqliteStore(opts);
  await s.open();
  return s;
}

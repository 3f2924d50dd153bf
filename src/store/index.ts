/**
 * The node's durable records behind one interface. `openSqliteStore` is the embedded
 * default; `storeContract` (contract.ts, imported separately because it pulls in node:test)
 * is the suite every implementation runs.
 */
export { type CursorKey, decodeCursor, encodeCursor } from "./cursor.js";
export {
  isStoreError,
  StoreError,
  type StoreErrorCode,
  type StoreUnavailableReason,
  unavailable,
} from "./errors.js";
export { GLOB_MAX_LENGTH, GLOB_MAX_STARS, toSqliteGlob } from "./glob.js";
export { type IpRange, ipBytes, ipKey, ipRange } from "./ip.js";
export {
  DB_FILE,
  type OpenSqliteOptions,
  openSqliteStore,
  SCHEMA_VERSION,
  type SqliteLocation,
  SqliteStore,
  type SqliteStoreOptions,
  type SqliteTuning,
  SqliteWorkerStore,
} from "./sqlite/index.js";
export type { HitFilter, Page, PageRequest, Stats, StatsQuery, Store, WriteBatch } from "./types.js";

/**
 * The store's error catalogue (ARCHITECTURE.md principle 9: errors have codes). The server
 * maps codes to HTTP statuses in one place: `invalid_filter` and `invalid_cursor` are the
 * caller's mistake (400), `conflict` a duplicate (409), the rest are the store's (503/500).
 */
export type StoreErrorCode =
  /** A method was called before `open()` or after `close()`. */
  | "not_open"
  /** A filter value cannot be used (bad IP/CIDR, glob too long, bucket too small…). */
  | "invalid_filter"
  /** A pagination cursor that this store did not produce. */
  | "invalid_cursor"
  /** A record breaks the schema (missing attack for a hit, bad role…). */
  | "invalid_record"
  /** A unique key already exists (token id or hash). */
  | "conflict"
  /** The database is locked by another process for longer than the busy timeout. */
  | "busy"
  /** The disk is full, read-only or failing. */
  | "io"
  /** The database file is damaged or not a database. */
  | "corrupt"
  /** The schema could not be brought up to date (or is newer than this program). */
  | "migration"
  /** Anything else the engine reported. */
  | "internal";

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreError";
  }
}

export function isStoreError(e: unknown): e is StoreError {
  return e instanceof StoreError;
}

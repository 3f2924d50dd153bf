/**
 * The store's error catalogue (ARCHITECTURE.md principle 9: errors have codes). The server
 * maps codes to HTTP statuses in one place: `invalid_filter` and `bad_cursor` are the
 * caller's mistake (400), `conflict` a duplicate (409), `unavailable` a store that cannot
 * answer for now (503); the rest are faults (500).
 */
export type StoreErrorCode =
  /** A filter value cannot be used (bad IP/CIDR, glob too long, bucket too small, bad limit…). */
  | "invalid_filter"
  /** A pagination cursor that this store did not produce. */
  | "bad_cursor"
  /** A record breaks the schema (a hit without its attack, a bad role, an unbindable value). */
  | "invalid_record"
  /** A unique key already exists (token id or hash). */
  | "conflict"
  /** The store cannot answer for now: see `reason`. Retrying later may work. */
  | "unavailable"
  /** The database file is damaged or not a database. */
  | "corrupt"
  /** The schema could not be brought up to date (or is newer than this program). */
  | "migration"
  /** Anything else the engine reported. */
  | "internal";

/** Why a store is `unavailable`. */
export type StoreUnavailableReason =
  /** Called before `open()` or after `close()`. */
  | "not_open"
  /** Another process holds the database lock past the busy timeout. */
  | "busy"
  /** The disk is full, read-only, missing or failing. */
  | "io"
  /** The thread that runs the store died. */
  | "thread";

export class StoreError extends Error {
  readonly reason: StoreUnavailableReason | undefined;

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown; reason?: StoreUnavailableReason },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StoreError";
    this.reason = options?.reason;
  }
}

export function isStoreError(e: unknown): e is StoreError {
  return e instanceof StoreError;
}

/** `new StoreError("unavailable", …, { reason })`. */
export function unavailable(reason: StoreUnavailableReason, message: string, cause?: unknown): StoreError {
  return new StoreError("unavailable", message, cause === undefined ? { reason } : { reason, cause });
}

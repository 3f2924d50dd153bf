/**
 * Cursors are opaque to clients: base64url of `v1:<ts>:<id>`, the sort key of the last
 * item of a page (newest first). A cursor carries no filter, so a client that changes its
 * filters keeps a position in time rather than getting an error.
 */

export interface CursorKey {
  readonly ts: number;
  readonly id: string;
}

const MAX_CURSOR = 256;

export function encodeCursor(k: CursorKey): string {
  return Buffer.from(`v1:${k.ts}:${k.id}`, "utf8").toString("base64url");
}

/** The key in a cursor, or undefined when the text is not a cursor of ours. */
export function decodeCursor(cursor: string): CursorKey | undefined {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const a = text.indexOf(":");
  const b = text.indexOf(":", a + 1);
  if (a === -1 || b === -1 || text.slice(0, a) !== "v1") return undefined;
  const tsText = text.slice(a + 1, b);
  const id = text.slice(b + 1);
  if (!/^-?\d{1,16}$/.test(tsText) || id.length === 0) return undefined;
  const ts = Number(tsText);
  if (!Number.isSafeInteger(ts)) return undefined;
  return { ts, id };
}

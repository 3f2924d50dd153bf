import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { Role, TokenRecord } from "../model/index.js";
import type { Store } from "../store/types.js";

/**
 * API tokens: `mw_` followed by 32 random bytes in base64url (43 characters). Only the
 * SHA-256 of the whole token is stored; the secret is shown once, at creation. A plain
 * (unsalted) hash is enough here because the secret has 256 bits of entropy: there is
 * nothing to guess, unlike a password.
 */
export const TOKEN_PREFIX = "mw_";
const SECRET_BYTES = 32;
/** Length of a token: the prefix plus base64url of 32 bytes without padding. */
export const TOKEN_LENGTH = TOKEN_PREFIX.length + Math.ceil((SECRET_BYTES * 4) / 3);

export const ROLES: readonly Role[] = ["viewer", "analyst", "admin"];

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

/** Limits on a token's display name: printable, one line. */
export const TOKEN_NAME_MAX = 64;

/** SHA-256 (hex) of a token, as stored and looked up. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether a string has the shape of a token (cheap check before any store lookup). */
export function isTokenShaped(s: string): boolean {
  if (s.length !== TOKEN_LENGTH || !s.startsWith(TOKEN_PREFIX)) return false;
  for (let i = TOKEN_PREFIX.length; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x2d ||
      c === 0x5f;
    if (!ok) return false;
  }
  return true;
}

/** Constant-time equality of two hex digests (lengths are public: both are SHA-256). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

export function validTokenName(name: string): boolean {
  if (name.length === 0 || name.length > TOKEN_NAME_MAX || name.trim() !== name) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) return false;
  }
  return true;
}

export interface CreateTokenOptions {
  readonly name: string;
  readonly role: Role;
  /** Creation time, ms since the epoch. */
  readonly now: number;
}

/**
 * Creates a token and stores its hash. Returns the secret (to show once) and the stored
 * record. Throws a plain Error for an invalid name or role: callers (the CLI, the API)
 * validate first and report in their own terms.
 */
export async function createToken(
  store: Store,
  { name, role, now }: CreateTokenOptions,
): Promise<{ token: string; record: TokenRecord }> {
  if (!validTokenName(name)) {
    throw new Error(
      `invalid token name: 1–${TOKEN_NAME_MAX} printable characters, no control characters, no leading or trailing spaces`,
    );
  }
  if (!isRole(role)) throw new Error(`invalid role: expected one of ${ROLES.join(", ")}`);
  const token = TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString("base64url");
  const record: TokenRecord = { id: randomUUID(), name, role, hash: hashToken(token), createdAt: now };
  await store.createToken(record);
  return { token, record };
}

import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The shared secret mirror sources present, so nobody else can feed fake traffic in. Only
 * its SHA-256 is kept; a presented value is hashed and compared in constant time, so
 * neither the secret's length nor a matching prefix shows in the timing.
 */
export class SharedSecret {
  readonly #digest: Buffer;

  constructor(secret: string) {
    if (secret.length === 0) throw new RangeError("the mirror secret must not be empty");
    this.#digest = digest(secret);
  }

  matches(presented: string): boolean {
    return timingSafeEqual(digest(presented), this.#digest);
  }
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

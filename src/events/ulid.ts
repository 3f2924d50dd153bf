import { randomFillSync } from "node:crypto";

/**
 * Time-ordered ids in the ULID layout (https://github.com/ulid/spec): 10 Crockford base-32
 * characters of milliseconds, then 16 of randomness, 26 in all. They sort like their times,
 * so the store orders and pages by them; ids made in the same millisecond by one generator
 * increase (the random part is incremented), so they keep their creation order too.
 */

const ENCODING = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TIME_MAX = 2 ** 48 - 1;
const POOL = 4096;

/** A generator of ULIDs with its own monotonic state. */
export function createUlid(): (ts: number) => string {
  const pool = Buffer.allocUnsafe(POOL);
  let used = POOL;
  let lastTs = -1;
  let lastTime = "";
  const rand = new Uint8Array(16);
  const fresh = (): void => {
    if (used + 16 > POOL) {
      randomFillSync(pool);
      used = 0;
    }
    // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform.
    for (let i = 0; i < 16; i++) rand[i] = pool[used + i]! & 31;
    used += 16;
  };
  const increment = (): boolean => {
    for (let i = 15; i >= 0; i--) {
      if (rand[i]! < 31) {
        rand[i]!++;
        return true;
      }
      rand[i] = 0;
    }
    return false;
  };
  return (ts: number): string => {
    const t = Math.min(TIME_MAX, Math.max(0, Math.floor(Number.isFinite(ts) ? ts : 0)));
    if (t !== lastTs || !increment()) {
      fresh();
      lastTs = t;
      let n = t;
      let s = "";
      for (let i = 0; i < 10; i++) {
        s = ENCODING[n % 32]! + s;
        n = Math.floor(n / 32);
      }
      lastTime = s;
    }
    let r = "";
    for (let i = 0; i < 16; i++) r += ENCODING[rand[i]!]!;
    return lastTime + r;
  };
}

/** The process-wide generator. */
export const ulid: (ts: number) => string = createUlid();

/** The milliseconds encoded in a ULID (NaN when it is not one). */
export function ulidTime(id: string): number {
  if (id.length !== 26) return Number.NaN;
  let n = 0;
  for (let i = 0; i < 10; i++) {
    const v = ENCODING.indexOf(id[i]!);
    if (v === -1) return Number.NaN;
    n = n * 32 + v;
  }
  return n;
}

/**
 * TCP sequence-number arithmetic (RFC 9293 §3.4): sequence numbers live modulo 2^32, so
 * "a comes before b" is decided by the sign of the 32-bit difference, not by `<`. This is
 * valid while the two numbers are less than 2^31 apart, which every window allows.
 */

/** Signed distance from `b` to `a` (`a - b` modulo 2^32, in [-2^31, 2^31)). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `seq + n` modulo 2^32, as an unsigned number. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) >>> 0;
}

/**
 * A reusable UTF-16 code-unit buffer for decoders that rewrite a string (escape
 * decoding): filling a typed array and converting once is an order of magnitude cheaper
 * than pushing thousands of small slices and joining them. Analysis is synchronous and a
 * fill is never interleaved with another, so one module-level buffer is safe.
 */
const KEEP_MAX = 1 << 20;
let units = new Uint16Array(1024);

/** The buffer, grown to hold at least `n` code units (contents not kept). */
export function unitBuffer(n: number): Uint16Array {
  if (units.length < n) units = new Uint16Array(Math.max(n, units.length * 2));
  return units;
}

/** Grows the buffer to at least `n` units, keeping the first `keep` units. */
export function growUnits(keep: number, n: number): Uint16Array {
  const bigger = new Uint16Array(Math.max(n, units.length * 2));
  bigger.set(units.subarray(0, keep));
  units = bigger;
  return units;
}

/** The first `len` code units of `buf` as a string. */
export function unitsToString(buf: Uint16Array, len: number): string {
  let s: string;
  if (len <= 32) {
    // Short: avoid the native-call overhead of Buffer#toString.
    s = String.fromCharCode.apply(null, buf.subarray(0, len) as unknown as number[]);
  } else s = Buffer.from(buf.buffer, buf.byteOffset, len * 2).toString("ucs2");
  // Do not keep a huge buffer alive after one huge value.
  if (units.length > KEEP_MAX) units = new Uint16Array(1024);
  return s;
}

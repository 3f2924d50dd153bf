/**
 * Big-endian readers for the decoders. Callers check bounds first (every layer compares
 * `off + n <= end` before reading), so these never see an index past the buffer; the `!`
 * only tells the compiler what the bounds check already proved.
 */
export function u16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}

export function u24(b: Uint8Array, i: number): number {
  return (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
}

/** Unsigned 32-bit: a product instead of `<< 24`, which would go negative. */
export function u32(b: Uint8Array, i: number): number {
  return b[i]! * 0x1000000 + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
}

/** Little-endian 32-bit, for the BSD NULL link header written in the capturing host's order. */
export function u32le(b: Uint8Array, i: number): number {
  return b[i + 3]! * 0x1000000 + ((b[i + 2]! << 16) | (b[i + 1]! << 8) | b[i]!);
}

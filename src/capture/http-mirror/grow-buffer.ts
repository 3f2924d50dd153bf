/**
 * Bytes gathered across socket chunks (an unfinished head, line or PROXY header). Appends
 * copy into a buffer that doubles, so gathering n bytes costs O(n) however they are cut:
 * joining with Buffer.concat on every chunk would cost O(n²) for a peer sending one byte
 * per packet. Callers bound the length; clear() releases the memory.
 */
export class GrowBuffer {
  #buf: Buffer | null = null;
  #len = 0;

  get length(): number {
    return this.#len;
  }

  append(src: Uint8Array): void {
    const need = this.#len + src.length;
    if (this.#buf === null || need > this.#buf.length) {
      const next = Buffer.allocUnsafe(Math.max(256, need * 2));
      if (this.#buf !== null) this.#buf.copy(next, 0, 0, this.#len);
      this.#buf = next;
    }
    this.#buf.set(src, this.#len);
    this.#len = need;
  }

  /** The bytes so far; valid until the next append or clear. */
  view(): Buffer {
    return this.#buf === null ? Buffer.alloc(0) : this.#buf.subarray(0, this.#len);
  }

  clear(): void {
    this.#buf = null;
    this.#len = 0;
  }
}

/**
 * Bytes gathered across TCP chunks (an unfinished head, trailer section or start line).
 * Appends copy into a buffer that doubles, so gathering n bytes costs O(n) however they
 * are cut. Callers bound the length; clear() releases the memory.
 */
export class ByteBuffer {
  private buf: Buffer | null = null;
  private len = 0;

  get length(): number {
    return this.len;
  }

  append(src: Buffer, start: number, end: number): void {
    const need = this.len + (end - start);
    if (this.buf === null || need > this.buf.length) {
      const next = Buffer.allocUnsafeSlow(Math.max(256, need * 2));
      if (this.buf !== null) this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    src.copy(this.buf, this.len, start, end);
    this.len = need;
  }

  /** The bytes so far; valid until the next append or clear. */
  view(): Buffer {
    return this.buf === null ? EMPTY : this.buf.subarray(0, this.len);
  }

  clear(): void {
    this.buf = null;
    this.len = 0;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * Who pays for the bytes a buffer holds: the flow, which answers to the tracker's global
 * budget (held-budget.ts). `reserve` may refuse; `release` gives bytes back.
 */
export interface Accountant {
  reserve(n: number): boolean;
  release(n: number): void;
}

/**
 * Bytes gathered across TCP chunks (an unfinished head, trailer section or start line).
 * Appends copy into a buffer that doubles, so gathering n bytes costs O(n) however they
 * are cut, but never past `limit`: the capacity is at most max(limit, what was asked).
 * Every allocation is reserved with the accountant first; clear() releases the memory, so
 * a flow between messages holds nothing here.
 */
export class ByteBuffer {
  private buf: Buffer | null = null;
  private len = 0;

  constructor(
    private readonly limit: number,
    private readonly acct: Accountant,
  ) {}

  get length(): number {
    return this.len;
  }

  /** Bytes allocated (what the accountant was charged). */
  get capacity(): number {
    return this.buf === null ? 0 : this.buf.length;
  }

  /** Copies src[start, end) in; false (nothing copied) when the budget refused the room. */
  append(src: Buffer, start: number, end: number): boolean {
    const need = this.len + (end - start);
    const cap = this.buf === null ? 0 : this.buf.length;
    if (need > cap) {
      const size = Math.max(need, Math.min(this.limit, Math.max(256, need * 2)));
      if (!this.acct.reserve(size - cap)) return false;
      const next = Buffer.allocUnsafeSlow(size);
      if (this.buf !== null) this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    src.copy(this.buf!, this.len, start, end);
    this.len = need;
    return true;
  }

  /** The bytes so far; valid until the next append or clear. */
  view(): Buffer {
    return this.buf === null ? EMPTY : this.buf.subarray(0, this.len);
  }

  clear(): void {
    const cap = this.buf === null ? 0 : this.buf.length;
    this.buf = null;
    this.len = 0;
    if (cap > 0) this.acct.release(cap);
  }
}

const EMPTY = Buffer.alloc(0);

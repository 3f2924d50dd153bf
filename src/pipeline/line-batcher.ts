/**
 * Cuts a byte stream into batches of whole lines (`\n`-terminated; `\r\n` is handled by
 * the consumer). Splitting on the byte 0x0A is safe for UTF-8: that byte never occurs
 * inside a multi-byte sequence. A line that grows past `maxLineBytes` across chunks is
 * dropped without being buffered whole (a missing newline must not make us hold the
 * whole file); one that fits inside a single chunk is passed on, so the consumer still
 * checks line lengths (chunks are far smaller than the limit).
 */
export interface TextBatch {
  /** 1-based number of the first line in `text`. */
  readonly firstLine: number;
  readonly text: string;
}

const NL = 0x0a;

export class LineBatcher {
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes held after the last newline (the line still open). */
  private openLen = 0;
  /** Number of the first line in `parts`. */
  private line = 1;
  /** Dropping the rest of an over-long line until its newline. */
  private skipping = false;

  constructor(
    private readonly targetBytes: number,
    private readonly maxLineBytes: number,
    private readonly onLongLine: (line: number) => void,
  ) {}

  /** Adds a chunk; returns the batches it completed (often none). */
  push(chunk: Buffer): TextBatch[] {
    const out: TextBatch[] = [];
    let c = chunk;
    if (this.skipping) {
      const nl = c.indexOf(NL);
      if (nl === -1) return out;
      c = c.subarray(nl + 1);
      this.skipping = false;
      this.line++;
    }
    if (c.length === 0) return out;
    const lastNl = c.lastIndexOf(NL);
    this.parts.push(c);
    this.size += c.length;
    if (lastNl === -1) {
      this.openLen += c.length;
      if (this.openLen > this.maxLineBytes) this.dropOpenLine(out);
      return out;
    }
    this.openLen = c.length - lastNl - 1;
    if (this.size < this.targetBytes) return out;
    const cut = this.size - this.openLen;
    const all = this.parts.length === 1 ? c : Buffer.concat(this.parts, this.size);
    this.emit(out, all.subarray(0, cut));
    // Copy the open line so that the big batch buffer is not kept alive by it.
    this.parts = this.openLen > 0 ? [Buffer.from(all.subarray(cut))] : [];
    this.size = this.openLen;
    return out;
  }

  /** Flushes what is left (a last line without a newline included). */
  end(): TextBatch[] {
    const out: TextBatch[] = [];
    if (this.size > 0) this.emit(out, Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
    this.openLen = 0;
    return out;
  }

  private emit(out: TextBatch[], bytes: Buffer): void {
    out.push({ firstLine: this.line, text: bytes.toString("utf8") });
    this.line += countNewlines(bytes);
  }

  /** Emits the complete lines held so far and skips the over-long open one. */
  private dropOpenLine(out: TextBatch[]): void {
    const complete = this.size - this.openLen;
    if (complete > 0) this.emit(out, Buffer.concat(this.parts, this.size).subarray(0, complete));
    this.onLongLine(this.line);
    this.parts = [];
    this.size = 0;
    this.openLen = 0;
    this.skipping = true;
  }
}

function countNewlines(b: Buffer): number {
  let n = 0;
  let i = b.indexOf(NL);
  while (i !== -1) {
    n++;
    i = b.indexOf(NL, i + 1);
  }
  return n;
}

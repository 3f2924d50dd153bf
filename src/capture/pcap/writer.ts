import type { Writable } from "node:stream";

export interface PcapWriterOptions {
  /** LINKTYPE_* of every frame. */
  linkType: number;
  /** Timestamp resolution: microseconds (magic 0xa1b2c3d4, default) or nanoseconds (0xa1b23c4d). */
  precision?: "us" | "ns";
  /** Snapshot length written in the header (default 262144, tcpdump's). */
  snaplen?: number;
  /** Byte order of the file (default little-endian, as written on x86 and ARM). */
  byteOrder?: "le" | "be";
  /** Where bytes go; without one they are kept and `toBuffer()` returns them. */
  out?: Writable;
}

/**
 * Writes classic pcap (draft-ietf-opsawg-pcap): a 24-byte file header, then per frame a
 * 16-byte record header and the bytes. Used by tests and the benchmark's capture generator.
 */
export class PcapWriter {
  private readonly le: boolean;
  private readonly nanos: boolean;
  private readonly out: Writable | undefined;
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  constructor(opts: PcapWriterOptions) {
    this.le = (opts.byteOrder ?? "le") === "le";
    this.nanos = opts.precision === "ns";
    this.out = opts.out;
    const h = new Uint8Array(24);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, this.nanos ? 0xa1b23c4d : 0xa1b2c3d4, this.le);
    dv.setUint16(4, 2, this.le);
    dv.setUint16(6, 4, this.le);
    dv.setUint32(16, opts.snaplen ?? 262144, this.le);
    dv.setUint32(20, opts.linkType >>> 0, this.le);
    this.put(h);
  }

  /**
   * Appends a frame captured at `ts` (ms since the epoch, fractional). `origLen` defaults to
   * the frame's length. Returns the Writable's back-pressure signal (true without one).
   */
  write(ts: number, data: Uint8Array, origLen = data.length): boolean {
    const scale = this.nanos ? 1e9 : 1e6;
    let sec = Math.floor(ts / 1000);
    let frac = Math.round((ts - sec * 1000) * (scale / 1000));
    if (frac >= scale) {
      sec++;
      frac -= scale;
    }
    const h = new Uint8Array(16 + data.length);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, sec >>> 0, this.le);
    dv.setUint32(4, frac, this.le);
    dv.setUint32(8, data.length, this.le);
    dv.setUint32(12, origLen, this.le);
    h.set(data, 16);
    return this.put(h);
  }

  /** Bytes written so far (header included). */
  get bytes(): number {
    return this.size;
  }

  /** The whole file, when writing without a Writable. */
  toBuffer(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }

  private put(b: Uint8Array): boolean {
    this.size += b.length;
    if (this.out !== undefined) return this.out.write(b);
    this.parts.push(b);
    return true;
  }
}

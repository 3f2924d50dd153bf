/**
 * Builds pcapng files block by block (draft-ietf-opsawg-pcapng), in either byte order. For
 * tests and generated captures; not a general writer (no options beyond the IDB ones the
 * reader interprets).
 */
export class PcapngBuilder {
  private readonly parts: Uint8Array[] = [];
  private le = true;

  /** Starts a section (Section Header Block) in the given byte order. */
  section(byteOrder: "le" | "be" = "le"): this {
    this.le = byteOrder === "le";
    const body = new Uint8Array(16);
    const dv = new DataView(body.buffer);
    dv.setUint32(0, 0x1a2b3c4d, this.le);
    dv.setUint16(4, 1, this.le);
    dv.setUint16(6, 0, this.le);
    dv.setBigInt64(8, -1n, this.le); // section length unknown
    return this.block(0x0a0d0d0a, body);
  }

  /**
   * Interface Description Block. `tsresol` is the raw if_tsresol byte (6 = µs, 9 = ns,
   * 0x80 | n = 2^-n); `tsoffset` in seconds; `fcsBits` the if_fcslen option.
   */
  interface(
    linkType: number,
    opts: { snaplen?: number; tsresol?: number; tsoffset?: number; fcsBits?: number } = {},
  ): this {
    const opt: Uint8Array[] = [];
    if (opts.tsresol !== undefined) opt.push(this.option(9, Uint8Array.of(opts.tsresol)));
    if (opts.fcsBits !== undefined) opt.push(this.option(13, Uint8Array.of(opts.fcsBits)));
    if (opts.tsoffset !== undefined) {
      const v = new Uint8Array(8);
      new DataView(v.buffer).setBigInt64(0, BigInt(opts.tsoffset), this.le);
      opt.push(this.option(14, v));
    }
    if (opt.length > 0) opt.push(new Uint8Array(4)); // opt_endofopt
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, linkType, this.le);
    dv.setUint32(4, opts.snaplen ?? 0, this.le);
    return this.block(1, concat([head, ...opt]));
  }

  /** Enhanced Packet Block; `units` is the timestamp in the interface's resolution. */
  enhanced(ifId: number, units: bigint, data: Uint8Array, origLen = data.length): this {
    return this.block(6, this.packetBody(ifId, units, data, origLen, false));
  }

  /** Obsolete Packet Block (Appendix A). */
  obsolete(ifId: number, units: bigint, data: Uint8Array, origLen = data.length): this {
    return this.block(2, this.packetBody(ifId, units, data, origLen, true));
  }

  /** Simple Packet Block: interface 0, no timestamp. */
  simple(data: Uint8Array, origLen = data.length): this {
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, origLen, this.le);
    return this.block(3, concat([head, pad(data)]));
  }

  /** Any block, e.g. one the reader should skip. `body` is padded to 32 bits. */
  block(type: number, body: Uint8Array): this {
    const padded = pad(body);
    const total = 12 + padded.length;
    const b = new Uint8Array(total);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, type >>> 0, this.le);
    dv.setUint32(4, total, this.le);
    b.set(padded, 8);
    dv.setUint32(total - 4, total, this.le);
    this.parts.push(b);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }

  private packetBody(
    ifId: number,
    units: bigint,
    data: Uint8Array,
    origLen: number,
    obsolete: boolean,
  ): Uint8Array {
    const head = new Uint8Array(20);
    const dv = new DataView(head.buffer);
    if (obsolete) dv.setUint16(0, ifId, this.le);
    else dv.setUint32(0, ifId, this.le);
    dv.setUint32(4, Number(units >> 32n) >>> 0, this.le);
    dv.setUint32(8, Number(units & 0xffffffffn) >>> 0, this.le);
    dv.setUint32(12, data.length, this.le);
    dv.setUint32(16, origLen, this.le);
    return concat([head, pad(data)]);
  }

  private option(code: number, value: Uint8Array): Uint8Array {
    const o = new Uint8Array(4 + ((value.length + 3) & ~3));
    const dv = new DataView(o.buffer);
    dv.setUint16(0, code, this.le);
    dv.setUint16(2, value.length, this.le);
    o.set(value, 4);
    return o;
  }
}

function pad(b: Uint8Array): Uint8Array {
  const n = (b.length + 3) & ~3;
  if (n === b.length) return b;
  const p = new Uint8Array(n);
  p.set(b);
  return p;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

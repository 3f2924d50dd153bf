import { CaptureFormatError } from "./errors.js";
import type { CaptureFrame, FrameHandler } from "./frame.js";

/**
 * Streaming reader for capture files: classic pcap (draft-ietf-opsawg-pcap) and pcapng
 * (draft-ietf-opsawg-pcapng), told apart by the first four bytes.
 *
 * The input is cut into *units*: the pcap file header, a pcap record, or a pcapng block. A
 * unit wholly inside the pushed chunk is parsed in place and its frame is a view into the
 * chunk (zero copy); only a unit that straddles chunks is assembled in a buffer of our own.
 * At most one unit is held, and a unit's declared length is bounded by `MAX_RECORD_BYTES`
 * before anything is allocated for it, so a hostile length costs nothing.
 *
 * A structural error (bad magic, length over the bound or inconsistent) stops the reader: past
 * a wrong length every following byte would be misread. `push` never throws for bad input;
 * the error is in `error` and later pushes are ignored.
 */

/** Largest captured frame accepted: jumbo frames and TSO/GRO super-packets (64 KiB+) fit. */
export const MAX_RECORD_BYTES = 1 << 20;
/** A pcapng block may carry options next to the frame. */
const MAX_BLOCK_BYTES = MAX_RECORD_BYTES + 64 * 1024;
/** Interfaces per pcapng section; each costs a few numbers, a flood of IDBs is an error. */
const MAX_INTERFACES = 4096;

const PCAP_FILE_HEADER = 24;
const PCAP_RECORD_HEADER = 16;

// pcapng block types (draft-ietf-opsawg-pcapng §4, §11.1)
const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_PB = 0x00000002; // obsolete Packet Block (Appendix A)
const BT_SPB = 0x00000003;
const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

// IDB options (§4.2)
const OPT_ENDOFOPT = 0;
const IF_TSRESOL = 9;
const IF_FCSLEN = 13;
const IF_TSOFFSET = 14;

enum State {
  Start,
  PcapHeader,
  PcapRecord,
  PcapngBlock,
  Stopped,
}

export type CaptureFormat = "pcap" | "pcapng";

export interface CaptureCounters {
  /** Frames delivered. */
  frames: number;
  /** Captured bytes delivered (sum of `data.length`). */
  bytes: number;
  /** Bytes of input consumed (whole units). */
  inputBytes: number;
  /** pcapng blocks of every type, Section Header Blocks included. */
  blocks: number;
  /** pcapng blocks of types not read here (statistics, name resolution, custom…). */
  skippedBlocks: number;
  /** pcapng sections (one per Section Header Block). */
  sections: number;
  /** pcapng Interface Description Blocks. */
  interfaces: number;
  /** Packet blocks that name an interface not described in their section: dropped. */
  unknownInterface: number;
  /** The input ended inside a record (e.g. tcpdump killed): 0 or 1, the record is dropped. */
  truncatedRecords: number;
  /** Bytes of that incomplete final record. */
  truncatedBytes: number;
}

interface Iface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second (if_tsresol). */
  unitsPerSecond: number;
  /** if_tsoffset, in milliseconds. */
  offsetMs: number;
  /** FCS bytes at the end of every frame (if_fcslen), stripped from complete frames. */
  fcsBytes: number;
}

export class CaptureReader {
  private state = State.Start;
  private le = true;
  private nanos = false;
  private fmt: CaptureFormat | undefined;
  /** Absolute input offset of the unit being read, for error messages. */
  private pos = 0;
  private pend = new Uint8Array(64 * 1024);
  private pendView = new DataView(this.pend.buffer);
  private pendLen = 0;
  private pcapLinkType = 0;
  private pcapSnaplen = 0;
  private pcapFcsBytes = 0;
  private ifaces: Iface[] = [];
  /** Last timestamp seen: a Simple Packet Block has none of its own. */
  private lastTs = 0;
  private readonly frame: CaptureFrame = { linkType: 0, ts: 0, data: new Uint8Array(0), origLen: 0 };
  private err: CaptureFormatError | undefined;
  readonly counters: CaptureCounters = {
    frames: 0,
    bytes: 0,
    inputBytes: 0,
    blocks: 0,
    skippedBlocks: 0,
    sections: 0,
    interfaces: 0,
    unknownInterface: 0,
    truncatedRecords: 0,
    truncatedBytes: 0,
  };

  /** "pcap" or "pcapng" once the first four bytes are read. */
  get format(): CaptureFormat | undefined {
    return this.fmt;
  }

  /** The structural error that stopped the reader, if any. */
  get error(): CaptureFormatError | undefined {
    return this.err;
  }

  /** Timestamp precision of a classic pcap file (from its magic). */
  get nanosecond(): boolean {
    return this.nanos;
  }

  /** Link type of a classic pcap file (pcapng: per interface, see the frames). */
  get linkType(): number | undefined {
    return this.fmt === "pcap" && this.state !== State.PcapHeader ? this.pcapLinkType : undefined;
  }

  /** Snapshot length of a classic pcap file. */
  get snaplen(): number | undefined {
    return this.fmt === "pcap" && this.state !== State.PcapHeader ? this.pcapSnaplen : undefined;
  }

  /**
   * Parses `chunk`, calling `onFrame` for every complete frame. Returns false once the reader
   * has stopped on a format error (see `error`). The chunk may be reused by the caller after
   * the call: a partial unit at its end is copied.
   */
  push(chunk: Uint8Array, onFrame: FrameHandler): boolean {
    if (this.state === State.Stopped) return false;
    let off = 0;
    const n = chunk.length;
    if (this.pendLen > 0) {
      // Complete the unit begun in an earlier chunk, copying only the bytes it still lacks.
      for (;;) {
        const need = this.unitLength(this.pendView, 0, this.pendLen);
        if (need < 0) return false;
        if (this.pendLen >= need) {
          this.consume(this.pend, this.pendView, 0, need, onFrame);
          this.pendLen = 0;
          break;
        }
        const take = Math.min(need - this.pendLen, n - off);
        if (take === 0) return true;
        this.reserve(need);
        this.pend.set(chunk.subarray(off, off + take), this.pendLen);
        this.pendLen += take;
        off += take;
      }
      if (this.stopped()) return false;
    }
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (off < n) {
      const avail = n - off;
      const need = this.unitLength(view, off, avail);
      if (need < 0) return false;
      if (need > avail) {
        this.reserve(Math.max(need, avail));
        this.pend.set(chunk.subarray(off), 0);
        this.pendLen = avail;
        return true;
      }
      this.consume(chunk, view, off, need, onFrame);
      if (this.stopped()) return false;
      off += need;
    }
    return true;
  }

  /**
   * The input is over. An incomplete final record is counted (a capture cut short by killing
   * the capturing process ends that way), an incomplete file header is an error.
   */
  end(): void {
    if (this.state === State.Stopped || this.pendLen === 0) return;
    if (this.state === State.Start) {
      this.fail(`file too short for a capture header (${this.pendLen} bytes)`);
    } else if (this.state === State.PcapHeader) {
      this.fail(`pcap file header truncated (${this.pendLen} of ${PCAP_FILE_HEADER} bytes)`);
    } else {
      this.counters.truncatedRecords++;
      this.counters.truncatedBytes += this.pendLen;
    }
    this.pendLen = 0;
  }

  /** A method, so that TypeScript does not narrow `state` across calls that may change it. */
  private stopped(): boolean {
    return this.state === State.Stopped;
  }

  private fail(detail: string): -1 {
    this.err = new CaptureFormatError(this.pos, `${this.fmt ?? "capture file"}: ${detail}`);
    this.state = State.Stopped;
    this.pendLen = 0;
    return -1;
  }

  private reserve(size: number): void {
    if (this.pend.length >= size) return;
    let cap = this.pend.length;
    while (cap < size) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.pend.subarray(0, this.pendLen));
    this.pend = next;
    this.pendView = new DataView(next.buffer);
  }

  /**
   * Length of the unit starting at `off`: its header size while fewer bytes than that are
   * available, then its full length once the header is readable; -1 after a format error.
   * Calling it again on the same bytes gives the same answer.
   */
  private unitLength(dv: DataView, off: number, avail: number): number {
    if (this.state === State.Start) {
      if (avail < 4) return 4;
      const magic = dv.getUint32(off, false);
      if (!this.detect(magic)) return this.fail(`not a pcap or pcapng file (magic 0x${hex(magic)})`);
    }
    switch (this.state) {
      case State.PcapHeader:
        return PCAP_FILE_HEADER;
      case State.PcapRecord: {
        if (avail < PCAP_RECORD_HEADER) return PCAP_RECORD_HEADER;
        const incl = dv.getUint32(off + 8, this.le);
        if (incl > MAX_RECORD_BYTES)
          return this.fail(`record length ${incl} over the ${MAX_RECORD_BYTES}-byte bound`);
        return PCAP_RECORD_HEADER + incl;
      }
      case State.PcapngBlock: {
        if (avail < 8) return 8;
        const type = dv.getUint32(off, true);
        if (type === BT_SHB) {
          // The byte order of a section is only known from its Byte-Order Magic (§4.1).
          if (avail < 12) return 12;
          const bom = dv.getUint32(off + 8, true);
          if (bom === BYTE_ORDER_MAGIC) this.le = true;
          else if (bom === 0x4d3c2b1a) this.le = false;
          else return this.fail(`bad byte-order magic 0x${hex(bom)} in section header`);
        }
        const len = dv.getUint32(off + 4, this.le);
        if (len > MAX_BLOCK_BYTES)
          return this.fail(`block length ${len} over the ${MAX_BLOCK_BYTES}-byte bound`);
        if (len < 12 || len % 4 !== 0) return this.fail(`bad block length ${len}`);
        if (type === BT_SHB && len < 28) return this.fail(`section header block too short (${len})`);
        return len;
      }
      default:
        return this.fail("reader state");
    }
  }

  private detect(magic: number): boolean {
    switch (magic) {
      case 0xa1b2c3d4:
      case 0xa1b23c4d:
        this.le = false;
        break;
      case 0xd4c3b2a1:
      case 0x4d3cb2a1:
        this.le = true;
        break;
      case BT_SHB:
        this.fmt = "pcapng";
        this.state = State.PcapngBlock;
        return true;
      default:
        return false;
    }
    this.fmt = "pcap";
    this.nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
    this.state = State.PcapHeader;
    return true;
  }

  /** Handles one complete unit of `len` bytes at `off`. */
  private consume(buf: Uint8Array, dv: DataView, off: number, len: number, onFrame: FrameHandler): void {
    switch (this.state) {
      case State.PcapHeader:
        this.pcapHeader(dv, off);
        break;
      case State.PcapRecord:
        this.pcapRecord(buf, dv, off, len, onFrame);
        break;
      case State.PcapngBlock:
        this.pcapngBlock(buf, dv, off, len, onFrame);
        break;
      default:
        return;
    }
    if (this.stopped()) return;
    this.pos += len;
    this.counters.inputBytes += len;
  }

  private pcapHeader(dv: DataView, off: number): void {
    // magic(4) version_major(2) version_minor(2) reserved(8) snaplen(4) linktype+info(4)
    this.pcapSnaplen = dv.getUint32(off + 16, this.le);
    const lt = dv.getUint32(off + 20, this.le);
    // Lower 16 bits: the link type. Bit 26 (P) says bits 28-31 hold the FCS length in 16-bit
    // words (draft-ietf-opsawg-pcap §4; libpcap LT_FCS_LENGTH).
    this.pcapLinkType = lt & 0xffff;
    this.pcapFcsBytes = (lt & 0x04000000) !== 0 ? ((lt >>> 28) & 0xf) * 2 : 0;
    this.state = State.PcapRecord;
  }

  private pcapRecord(buf: Uint8Array, dv: DataView, off: number, len: number, onFrame: FrameHandler): void {
    const sec = dv.getUint32(off, this.le);
    const frac = dv.getUint32(off + 4, this.le);
    const origLen = dv.getUint32(off + 12, this.le);
    const ts = this.nanos ? sec * 1000 + frac / 1e6 : sec * 1000 + frac / 1000;
    this.emit(
      this.pcapLinkType,
      ts,
      buf,
      off + PCAP_RECORD_HEADER,
      len - PCAP_RECORD_HEADER,
      origLen,
      this.pcapFcsBytes,
      onFrame,
    );
  }

  private emit(
    linkType: number,
    ts: number,
    buf: Uint8Array,
    start: number,
    capLen: number,
    origLen: number,
    fcsBytes: number,
    onFrame: FrameHandler,
  ): void {
    // The FCS is only there when the frame was captured whole.
    if (fcsBytes > 0 && capLen === origLen && capLen >= fcsBytes) {
      capLen -= fcsBytes;
      origLen -= fcsBytes;
    }
    const f = this.frame;
    f.linkType = linkType;
    f.ts = ts;
    f.data = buf.subarray(start, start + capLen);
    f.origLen = origLen < capLen ? capLen : origLen;
    this.lastTs = ts;
    this.counters.frames++;
    this.counters.bytes += capLen;
    onFrame(f);
  }

  private pcapngBlock(buf: Uint8Array, dv: DataView, off: number, len: number, onFrame: FrameHandler): void {
    const type = dv.getUint32(off, this.le);
    const trailer = dv.getUint32(off + len - 4, this.le);
    if (trailer !== len) {
      this.fail(`block total length ${len} does not match its trailing copy ${trailer}`);
      return;
    }
    this.counters.blocks++;
    switch (type) {
      case BT_SHB: {
        const major = dv.getUint16(off + 12, this.le);
        if (major !== 1) {
          this.fail(`unsupported pcapng major version ${major}`);
          return;
        }
        this.ifaces = [];
        this.counters.sections++;
        return;
      }
      case BT_IDB:
        this.idb(dv, off, len);
        return;
      case BT_EPB:
      case BT_PB: {
        // EPB: interface(4) ts_high(4) ts_low(4) caplen(4) origlen(4) data… options (§4.3);
        // PB:  interface(2) drops(2) then the same (Appendix A).
        if (len < 32) {
          this.fail(`packet block too short (${len})`);
          return;
        }
        const ifId = type === BT_EPB ? dv.getUint32(off + 8, this.le) : dv.getUint16(off + 8, this.le);
        const capLen = dv.getUint32(off + 20, this.le);
        const origLen = dv.getUint32(off + 24, this.le);
        if (capLen > len - 32) {
          this.fail(`captured length ${capLen} exceeds its block (${len})`);
          return;
        }
        const iface = this.ifaces[ifId];
        if (iface === undefined) {
          this.counters.unknownInterface++;
          return;
        }
        const units = dv.getUint32(off + 12, this.le) * 4294967296 + dv.getUint32(off + 16, this.le);
        const ts = (units / iface.unitsPerSecond) * 1000 + iface.offsetMs;
        this.emit(iface.linkType, ts, buf, off + 28, capLen, origLen, iface.fcsBytes, onFrame);
        return;
      }
      case BT_SPB: {
        // origlen(4) data… (§4.4): the captured length is what the block and snaplen allow.
        if (len < 16) {
          this.fail(`simple packet block too short (${len})`);
          return;
        }
        const iface = this.ifaces[0];
        if (iface === undefined) {
          this.counters.unknownInterface++;
          return;
        }
        const origLen = dv.getUint32(off + 8, this.le);
        let capLen = Math.min(origLen, len - 16);
        if (iface.snaplen > 0 && capLen > iface.snaplen) capLen = iface.snaplen;
        this.emit(iface.linkType, this.lastTs, buf, off + 12, capLen, origLen, iface.fcsBytes, onFrame);
        return;
      }
      default:
        this.counters.skippedBlocks++;
    }
  }

  private idb(dv: DataView, off: number, len: number): void {
    // linktype(2) reserved(2) snaplen(4) options… (§4.2)
    if (len < 20) {
      this.fail(`interface description block too short (${len})`);
      return;
    }
    if (this.ifaces.length >= MAX_INTERFACES) {
      this.fail(`more than ${MAX_INTERFACES} interfaces in a section`);
      return;
    }
    const iface: Iface = {
      linkType: dv.getUint16(off + 8, this.le),
      snaplen: dv.getUint32(off + 12, this.le),
      unitsPerSecond: 1e6,
      offsetMs: 0,
      fcsBytes: 0,
    };
    // Options: code(2) length(2) value padded to 32 bits (§3.5). A malformed list ends the
    // walk, not the file: the defaults stand.
    let p = off + 16;
    const end = off + len - 4;
    while (p + 4 <= end) {
      const code = dv.getUint16(p, this.le);
      const olen = dv.getUint16(p + 2, this.le);
      if (code === OPT_ENDOFOPT) break;
      const v = p + 4;
      if (v + olen > end) break;
      if (code === IF_TSRESOL && olen >= 1) {
        const r = dv.getUint8(v);
        // Most significant bit clear: 10^-r seconds; set: 2^-(r & 0x7f).
        iface.unitsPerSecond = (r & 0x80) === 0 ? 10 ** r : 2 ** (r & 0x7f);
      } else if (code === IF_TSOFFSET && olen >= 8) {
        iface.offsetMs = Number(dv.getBigInt64(v, this.le)) * 1000;
      } else if (code === IF_FCSLEN && olen >= 1) {
        // In bits (§4.2, if_fcslen); only whole bytes make sense on the links we decode.
        iface.fcsBytes = dv.getUint8(v) >>> 3;
      }
      p = v + ((olen + 3) & ~3);
    }
    this.ifaces.push(iface);
    this.counters.interfaces++;
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}

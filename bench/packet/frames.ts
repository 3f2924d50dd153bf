/**
 * Ethernet/IPv4/TCP frames written into one reused buffer, for the benchmark's generators:
 * src/capture/packet/build.ts composes frames by nesting (an allocation and a copy per
 * layer), fine for tests but too slow for a gigabyte. Headers are what Linux sends: IPv4 with
 * DF (RFC 791), TCP with the timestamp option on every segment (RFC 7323, so a full segment
 * carries 1448 bytes in a 1500-byte packet), MSS/SACK-permitted/window scale on SYNs
 * (RFC 9293 §3.1). IP and TCP checksums are filled in, so a kept capture opens cleanly in
 * Wireshark.
 */
import { put16, put32 } from "../../src/capture/packet/build.js";

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** Payload of a full segment: 1500 - 20 (IPv4) - 32 (TCP with timestamps). */
export const MSS = 1448;

/** One TCP endpoint pair; `seq` per direction is kept by the caller. */
export interface Endpoints {
  /** IPv4 addresses as 32-bit numbers, ports as numbers. */
  readonly client: number;
  readonly server: number;
  readonly clientPort: number;
  readonly serverPort: number;
}

const SYN_OPTIONS = Uint8Array.of(
  2,
  4,
  0x05,
  0xb4, // MSS 1460
  4,
  2, // SACK permitted
  8,
  10,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0, // timestamps (filled in)
  1, // NOP
  3,
  3,
  7, // window scale 7
);

export class FrameWriter {
  private readonly buf = new Uint8Array(14 + 60 + 60 + 65536);
  private ipId = 0;

  constructor() {
    const b = this.buf;
    b.set([0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00], 0);
  }

  /**
   * The frame for one segment from the client (`fromClient`) or the server; `payload[start,
   * end)` is copied in. The view is valid until the next call.
   */
  frame(
    e: Endpoints,
    fromClient: boolean,
    flags: number,
    seq: number,
    ack: number,
    tsval: number,
    payload: Uint8Array | null,
    start: number,
    end: number,
  ): Uint8Array {
    const b = this.buf;
    const syn = (flags & SYN) !== 0;
    const tcpLen = syn ? 40 : 32;
    const dataLen = payload === null ? 0 : end - start;
    const ipLen = 20 + tcpLen + dataLen;
    // IPv4 (RFC 791)
    let o = 14;
    b[o] = 0x45;
    b[o + 1] = 0;
    put16(b, o + 2, ipLen);
    put16(b, o + 4, this.ipId++ & 0xffff);
    put16(b, o + 6, 0x4000); // DF
    b[o + 8] = 64;
    b[o + 9] = 6;
    put16(b, o + 10, 0);
    const src = fromClient ? e.client : e.server;
    const dst = fromClient ? e.server : e.client;
    put32(b, o + 12, src);
    put32(b, o + 16, dst);
    put16(b, o + 10, fold(sum16(b, o, o + 20)));
    // TCP (RFC 9293 §3.1)
    o = 34;
    put16(b, o, fromClient ? e.clientPort : e.serverPort);
    put16(b, o + 2, fromClient ? e.serverPort : e.clientPort);
    put32(b, o + 4, seq >>> 0);
    put32(b, o + 8, (flags & ACK) !== 0 ? ack >>> 0 : 0);
    b[o + 12] = (tcpLen >> 2) << 4;
    b[o + 13] = flags;
    put16(b, o + 14, syn ? 65535 : 502);
    put16(b, o + 16, 0);
    put16(b, o + 18, 0);
    if (syn) {
      b.set(SYN_OPTIONS, o + 20);
      put32(b, o + 26, tsval);
    } else {
      b[o + 20] = 1;
      b[o + 21] = 1;
      b[o + 22] = 8;
      b[o + 23] = 10;
      put32(b, o + 24, tsval);
      put32(b, o + 28, tsval - 1);
    }
    if (payload !== null && dataLen > 0) b.set(payload.subarray(start, end), o + tcpLen);
    const tcpEnd = o + tcpLen + dataLen;
    // Pseudo-header: addresses, protocol, TCP length.
    let s = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + tcpLen + dataLen;
    s += sum16(b, o, tcpEnd);
    put16(b, o + 16, fold(s));
    return b.subarray(0, tcpEnd);
  }
}

/** RFC 1071 sum of big-endian 16-bit words (not yet folded); `from` is even. */
function sum16(b: Uint8Array, from: number, to: number): number {
  let s = 0;
  let i = from;
  for (; i + 1 < to; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < to) s += b[i]! << 8;
  return s;
}

function fold(s: number): number {
  let x = s;
  while (x > 0xffff) x = (x & 0xffff) + Math.floor(x / 0x10000);
  return ~x & 0xffff;
}

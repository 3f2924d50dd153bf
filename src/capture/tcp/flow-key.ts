import type { TcpPacket } from "../packet/types.js";

/**
 * The flow table's key: one string for both directions of a connection. The two endpoints
 * (address, port) are ordered so that A ≤ B byte-wise; the key is a family mark, A's
 * address and port, B's address and port, each byte one latin-1 character (so V8 keeps the
 * string one byte per character), then the tunnel text. The tunnel is part of the key so
 * that equal private addresses in different VNIs or VLANs never share a flow. Fixed-length
 * binary first, free text last: two different packets can never spell the same key.
 */

/** Whether the packet's source is endpoint A of the key last built by `flowKey`. */
export const keySide = { srcIsA: false };

const scratch = Buffer.alloc(37);

/** Key of the packet's flow; sets `keySide.srcIsA`. Addresses must hold 4 (family 4) or 16 bytes. */
export function flowKey(p: TcpPacket): string {
  const s = p.src;
  const d = p.dst;
  const sp = p.srcPort;
  const dp = p.dstPort;
  const n = p.family === 4 ? 4 : 16;
  let c = 0;
  for (let i = 0; i < n && c === 0; i++) c = s[i]! - d[i]!;
  if (c === 0) c = sp - dp;
  const srcIsA = c <= 0;
  keySide.srcIsA = srcIsA;
  const a = srcIsA ? s : d;
  const b = srcIsA ? d : s;
  const ap = srcIsA ? sp : dp;
  const bp = srcIsA ? dp : sp;
  let bin: string;
  if (n === 4) {
    bin = String.fromCharCode(
      52,
      a[0]!,
      a[1]!,
      a[2]!,
      a[3]!,
      ap >> 8,
      ap & 255,
      b[0]!,
      b[1]!,
      b[2]!,
      b[3]!,
      bp >> 8,
      bp & 255,
    );
  } else {
    scratch[0] = 54;
    scratch.set(a.subarray(0, 16), 1);
    scratch[17] = ap >> 8;
    scratch[18] = ap & 255;
    scratch.set(b.subarray(0, 16), 19);
    scratch[35] = bp >> 8;
    scratch[36] = bp & 255;
    bin = scratch.toString("latin1", 0, 37);
  }
  return p.tunnel === "" ? bin : bin + p.tunnel;
}

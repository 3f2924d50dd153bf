import { u16, u32 } from "./bytes.js";
import { K_DONE, K_GRE, K_IP_PAYLOAD, K_IPV4, K_IPV6, K_TCP, K_UDP, type Walk } from "./walk.js";

export const PROTO_HOPOPT = 0;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ROUTING = 43;
export const PROTO_FRAGMENT = 44;
export const PROTO_GRE = 47;
export const PROTO_AH = 51;
export const PROTO_NONE = 59;
export const PROTO_DSTOPTS = 60;

/**
 * IPv6 extension headers (and IPv4 AH) read per packet. RFC 8200 expects at most one of each
 * plus two destination options; the bound stops a chain of tiny headers made to burn CPU.
 */
const MAX_EXT_HEADERS = 8;

/** Raw IP: the version nibble says which. */
export function ipVersion(w: Walk): number {
  if (w.off >= w.end) return w.truncated();
  const v = w.buf[w.off]! >> 4;
  if (v === 4) return K_IPV4;
  if (v === 6) return K_IPV6;
  return w.malformed();
}

/** IPv4 header, options skipped by IHL (RFC 791 §3.1). */
export function ipv4(w: Walk): number {
  const b = w.buf;
  const off = w.off;
  const avail = w.end - off;
  if (avail < 20) return w.truncated();
  const vihl = b[off]!;
  if (vihl >> 4 !== 4) return w.malformed();
  const hl = (vihl & 15) << 2;
  if (hl < 20) return w.malformed();
  if (hl > avail) return w.truncated();
  let total = u16(b, off + 2);
  const frag = u16(b, off + 6);
  const more = (frag & 0x2000) !== 0;
  const fragOff = (frag & 0x1fff) << 3;
  if (total === 0 && !more && fragOff === 0) {
    // A zero total length is what captures taken on a host with TCP segmentation offload
    // show for outgoing super-segments: the length is filled in by the NIC later. The
    // captured bytes are the packet.
    total = avail;
  } else if (total < hl) {
    return w.malformed();
  } else if (total > avail) {
    return w.truncated();
  }
  // Trimming to the IP length drops Ethernet padding (frames are at least 60 bytes).
  w.end = off + total;
  w.family = 4;
  w.addr = b;
  w.srcOff = off + 12;
  w.dstOff = off + 16;
  w.proto = b[off + 9]!;
  w.off = off + hl;
  if (!more && fragOff === 0) return K_IP_PAYLOAD;
  // RFC 791: fragments of one datagram share source, destination, protocol and id.
  const key = fragKey(w, 4, b, off + 12, w.proto * 0x10000 + u16(b, off + 4));
  const whole = w.frags.add(key, 4, b, off + 12, off + 16, w.proto, fragOff, more, b, w.off, w.end, w.ts);
  return whole === null ? K_DONE : reassembled(w, whole, 4);
}

/** IPv6 fixed header (RFC 8200 §3). */
export function ipv6(w: Walk): number {
  const b = w.buf;
  const off = w.off;
  const avail = w.end - off;
  if (avail < 40) return w.truncated();
  if (b[off]! >> 4 !== 6) return w.malformed();
  let plen = u16(b, off + 4);
  // Zero: a jumbogram (RFC 2675, length in a hop-by-hop option) or a segmentation-offload
  // capture as for IPv4; either way the captured bytes are the packet.
  if (plen === 0) plen = avail - 40;
  else if (plen > avail - 40) return w.truncated();
  w.end = off + 40 + plen;
  w.family = 6;
  w.addr = b;
  w.srcOff = off + 8;
  w.dstOff = off + 24;
  w.proto = b[off + 6]!;
  w.off = off + 40;
  w.ext = 0;
  return K_IP_PAYLOAD;
}

/**
 * The IP payload by protocol number, walking IPv6 extension headers (RFC 8200 §4) and AH
 * (RFC 4302, in IPv4 too) until a transport or tunnel protocol.
 */
export function ipPayload(w: Walk): number {
  const p = w.proto;
  if (p === PROTO_TCP) return K_TCP;
  if (p === PROTO_UDP) return K_UDP;
  if (p === PROTO_GRE) return K_GRE;
  const v6 = w.family === 6;
  if (p === PROTO_AH || (v6 && (p === PROTO_HOPOPT || p === PROTO_ROUTING || p === PROTO_DSTOPTS))) {
    if (++w.ext > MAX_EXT_HEADERS) {
      w.c.ipv6ExtLimit++;
      return K_DONE;
    }
    if (w.end - w.off < 8) return w.truncated();
    // Generic extension headers count 8-octet units beyond the first; AH counts 4-octet
    // units minus 2 (RFC 4302 §2.2).
    const n = w.buf[w.off + 1]!;
    const len = p === PROTO_AH ? (n + 2) << 2 : (n + 1) << 3;
    if (len > w.end - w.off) return w.truncated();
    w.proto = w.buf[w.off]!;
    w.off += len;
    return K_IP_PAYLOAD;
  }
  if (v6 && p === PROTO_FRAGMENT) return ipv6Fragment(w);
  w.c.otherIpProto++;
  return K_DONE;
}

/** IPv6 fragment header (RFC 8200 §4.5): next header, reserved, offset|M, identification. */
function ipv6Fragment(w: Walk): number {
  if (++w.ext > MAX_EXT_HEADERS) {
    w.c.ipv6ExtLimit++;
    return K_DONE;
  }
  const b = w.buf;
  const off = w.off;
  if (w.end - off < 8) return w.truncated();
  const nh = b[off]!;
  const f = u16(b, off + 2);
  const fragOff = f & 0xfff8;
  const more = (f & 1) !== 0;
  w.off = off + 8;
  w.proto = nh;
  // An "atomic fragment" (offset 0, M = 0) is a whole packet (RFC 6946).
  if (fragOff === 0 && !more) return K_IP_PAYLOAD;
  const key = fragKey(w, 6, w.addr, w.srcOff, u32(b, off + 4));
  const whole = w.frags.add(key, 6, w.addr, w.srcOff, w.dstOff, nh, fragOff, more, b, w.off, w.end, w.ts);
  return whole === null ? K_DONE : reassembled(w, whole, 6);
}

/** Continues the walk in a reassembled [src][dst][payload] buffer. */
function reassembled(w: Walk, whole: Uint8Array, family: 4 | 6): number {
  const alen = family === 4 ? 4 : 16;
  w.buf = whole;
  w.addr = whole;
  w.srcOff = 0;
  w.dstOff = alen;
  w.off = 2 * alen;
  w.end = whole.length;
  w.proto = w.frags.proto;
  return K_IP_PAYLOAD;
}

/**
 * Datagram identity for reassembly: the tunnel path (so that equal private addresses in
 * different VPCs never mix), family, id (with the protocol for IPv4), and both addresses,
 * which sit together at `addrOff` in both IP versions. Fragments are rare: the string is fine.
 */
function fragKey(w: Walk, family: 4 | 6, b: Uint8Array, addrOff: number, id: number): string {
  let s = `${w.node.s}|${family}|${id}|`;
  const n = family === 4 ? 8 : 32;
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[addrOff + i]!);
  return s;
}

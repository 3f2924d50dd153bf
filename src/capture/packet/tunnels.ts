import { u16, u24, u32 } from "./bytes.js";
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_TEB } from "./ethernet.js";
import { L_ERSPAN, L_ERSPAN1, L_GENEVE, L_GRE, L_GRE_KEY, L_VXLAN } from "./intern.js";
import { K_DONE, K_ERSPAN2, K_ERSPAN3, K_ETHER, K_IP, K_IPV4, K_IPV6, type Walk } from "./walk.js";

/** GRE protocol types of ERSPAN (draft-foschiano-erspan §4). */
export const GRE_ERSPAN2 = 0x88be;
export const GRE_ERSPAN3 = 0x22eb;

/**
 * VXLAN (RFC 7348 §5): flags (I = 0x08 must be set for the VNI to be valid), 24 reserved
 * bits, the 24-bit VNI, 8 reserved bits; an Ethernet frame follows.
 */
export function vxlan(w: Walk): number {
  if (!w.enterTunnel()) return K_DONE;
  const b = w.buf;
  const off = w.off;
  if (w.end - off < 8) return w.truncated();
  if ((b[off]! & 0x08) === 0) return w.malformed();
  const vni = u24(b, off + 4);
  w.c.vxlan++;
  w.vni = vni;
  w.push(L_VXLAN, vni);
  w.off = off + 8;
  return K_ETHER;
}

/**
 * GENEVE (RFC 8926 §3.4): version (2 bits, 0), options length (6 bits, 4-byte units),
 * O and C flags, protocol type, VNI, reserved; then the options, skipped; then the payload
 * named by the protocol type: Ethernet (0x6558) or, as AWS Gateway Load Balancer sends it,
 * IPv4/IPv6 directly. Control (O) packets carry no mirrored traffic and are dropped.
 */
export function geneve(w: Walk): number {
  if (!w.enterTunnel()) return K_DONE;
  const b = w.buf;
  const off = w.off;
  const avail = w.end - off;
  if (avail < 8) return w.truncated();
  const b0 = b[off]!;
  if (b0 >> 6 !== 0) return w.malformed();
  const hl = 8 + ((b0 & 0x3f) << 2);
  if (hl > avail) return w.truncated();
  if ((b[off + 1]! & 0x80) !== 0) {
    w.c.unsupportedTunnel++;
    return K_DONE;
  }
  const proto = u16(b, off + 2);
  const next =
    proto === ETHERTYPE_TEB
      ? K_ETHER
      : proto === ETHERTYPE_IPV4
        ? K_IPV4
        : proto === ETHERTYPE_IPV6
          ? K_IPV6
          : K_DONE;
  if (next === K_DONE) {
    w.c.unsupportedTunnel++;
    return K_DONE;
  }
  const vni = u24(b, off + 4);
  w.c.geneve++;
  w.vni = vni;
  w.push(L_GENEVE, vni);
  w.off = off + hl;
  return next;
}

/**
 * GRE (RFC 2784 with the key and sequence number of RFC 2890): C K S flags, version 0,
 * protocol type, then checksum+reserved, key and sequence number when their flag is set.
 * Bits 1 and 4-5 (RFC 1701 routing, strict source route, recursion) make the header
 * something RFC 2784 tells receivers to discard; version 1 is PPTP's enhanced GRE.
 */
export function gre(w: Walk): number {
  if (!w.enterTunnel()) return K_DONE;
  const b = w.buf;
  const off = w.off;
  const avail = w.end - off;
  if (avail < 4) return w.truncated();
  const flags = u16(b, off);
  if ((flags & 0x4c07) !== 0) {
    w.c.unsupportedTunnel++;
    return K_DONE;
  }
  const hasKey = (flags & 0x2000) !== 0;
  const hasSeq = (flags & 0x1000) !== 0;
  let hl = 4;
  if ((flags & 0x8000) !== 0) hl += 4;
  const keyAt = off + hl;
  if (hasKey) hl += 4;
  if (hasSeq) hl += 4;
  if (hl > avail) return w.truncated();
  const proto = u16(b, off + 2);
  w.c.gre++;
  w.off = off + hl;
  switch (proto) {
    case GRE_ERSPAN2:
      w.c.erspan++;
      // Type I (the original Cisco ERSPAN) has no sequence number and no ERSPAN header:
      // the mirrored frame follows GRE directly (draft-foschiano-erspan §4.1).
      if (hasSeq) return K_ERSPAN2;
      w.push(L_ERSPAN1, 0);
      return K_ETHER;
    case GRE_ERSPAN3:
      w.c.erspan++;
      return K_ERSPAN3;
    case ETHERTYPE_TEB:
    case ETHERTYPE_IPV4:
    case ETHERTYPE_IPV6:
      if (hasKey) w.push(L_GRE_KEY, u32(b, keyAt));
      else w.push(L_GRE, 0);
      return proto === ETHERTYPE_TEB ? K_ETHER : proto === ETHERTYPE_IPV4 ? K_IPV4 : K_IPV6;
    default:
      w.c.unsupportedTunnel++;
      return K_DONE;
  }
}

/**
 * ERSPAN type II header, 8 bytes (draft-foschiano-erspan §4.2): version 1, VLAN, COS, En, T,
 * session id (10 bits), reserved, index. An Ethernet frame follows. The tunnel string names
 * the session (`erspan:12`), not the GRE header carrying it.
 */
export function erspan2(w: Walk): number {
  const b = w.buf;
  const off = w.off;
  if (w.end - off < 8) return w.truncated();
  if (b[off]! >> 4 !== 1) return w.malformed();
  w.push(L_ERSPAN, u16(b, off + 2) & 0x3ff);
  w.off = off + 8;
  return K_ETHER;
}

/**
 * ERSPAN type III header, 12 bytes (draft-foschiano-erspan §4.3): version 2, VLAN, COS, BSO,
 * T, session id, timestamp, SGT, then P, FT (frame type: 0 Ethernet, 2 IP), hardware id, D,
 * Gra and O; O set means an 8-byte platform-specific subheader follows.
 */
export function erspan3(w: Walk): number {
  const b = w.buf;
  const off = w.off;
  const avail = w.end - off;
  if (avail < 12) return w.truncated();
  if (b[off]! >> 4 !== 2) return w.malformed();
  const tail = u16(b, off + 10);
  const hl = (tail & 1) !== 0 ? 20 : 12;
  if (hl > avail) return w.truncated();
  const ft = (tail >> 10) & 0x1f;
  if (ft !== 0 && ft !== 2) {
    w.c.unsupportedTunnel++;
    return K_DONE;
  }
  w.push(L_ERSPAN, u16(b, off + 2) & 0x3ff);
  w.off = off + hl;
  return ft === 0 ? K_ETHER : K_IP;
}

import { u16 } from "./bytes.js";
import { L_VLAN } from "./intern.js";
import { K_DONE, K_ETHERTYPE, K_IPV4, K_IPV6, type Walk } from "./walk.js";

/** 802.1Q (C-tag), 802.1ad (S-tag, QinQ) and the pre-standard 0x9100 QinQ tag. */
export const TPID_8021Q = 0x8100;
export const TPID_8021AD = 0x88a8;
export const TPID_QINQ_OLD = 0x9100;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
/** Transparent Ethernet bridging: an Ethernet frame inside GRE or GENEVE. */
export const ETHERTYPE_TEB = 0x6558;

/**
 * Stacked VLAN tags read in one Ethernet header. QinQ uses two; a few more are seen on
 * provider networks; past this the frame is treated as malformed rather than read forever.
 */
const MAX_VLAN_TAGS = 4;

/** Ethernet II: destination, source, EtherType (IEEE 802.3 clause 3.2.6). */
export function ethernet(w: Walk): number {
  if (w.end - w.off < 14) return w.truncated();
  w.proto = u16(w.buf, w.off + 12);
  w.off += 14;
  w.tags = 0;
  return K_ETHERTYPE;
}

/**
 * Dispatches on the EtherType in `proto`, reading VLAN tags on the way. Values below
 * 0x0600 are 802.3 lengths (LLC frames), which never carry the IP we want: non-IP.
 * VLAN id 0 is a priority-only tag (802.1p) and names no VLAN, so it is not recorded.
 */
export function etherType(w: Walk): number {
  const t = w.proto;
  if (t === ETHERTYPE_IPV4) return K_IPV4;
  if (t === ETHERTYPE_IPV6) return K_IPV6;
  if (t === TPID_8021Q || t === TPID_8021AD || t === TPID_QINQ_OLD) {
    if (++w.tags > MAX_VLAN_TAGS) return w.malformed();
    if (w.end - w.off < 4) return w.truncated();
    const vid = u16(w.buf, w.off) & 0x0fff;
    w.proto = u16(w.buf, w.off + 2);
    w.off += 4;
    if (vid !== 0) {
      w.vlan = vid;
      w.push(L_VLAN, vid);
    }
    return K_ETHERTYPE;
  }
  w.c.nonIp++;
  return K_DONE;
}

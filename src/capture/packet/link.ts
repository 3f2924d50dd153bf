import { u16, u32, u32le } from "./bytes.js";
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
} from "./types.js";
import { K_DONE, K_ETHER, K_ETHERTYPE, K_IP, K_IPV4, K_IPV6, type Walk } from "./walk.js";

/**
 * Address families in the BSD loopback header. AF_INET is 2 everywhere; AF_INET6 differs by
 * operating system (Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30), and a capture file
 * may come from any of them (tcpdump.org LINKTYPE_NULL).
 */
function familyStep(af: number): number {
  if (af === 2) return K_IPV4;
  if (af === 10 || af === 24 || af === 28 || af === 30) return K_IPV6;
  return K_DONE;
}

/** Reads the link-layer header of a captured frame and names the next step. */
export function linkLayer(w: Walk, linkType: number): number {
  const b = w.buf;
  const avail = w.end - w.off;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return K_ETHER;
    case LINKTYPE_RAW:
      return K_IP;
    case LINKTYPE_IPV4:
      return K_IPV4;
    case LINKTYPE_IPV6:
      return K_IPV6;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (avail < 4) return w.truncated();
      // NULL is in the capturing host's byte order, unknown here: the family is a small
      // number, so whichever reading is small is the right one. LOOP is big-endian.
      const be = u32(b, w.off);
      const af = linkType === LINKTYPE_LOOP || be < 0x10000 ? be : u32le(b, w.off);
      const next = familyStep(af);
      if (next === K_DONE) w.c.nonIp++;
      w.off += 4;
      return next;
    }
    case LINKTYPE_LINUX_SLL:
      // Linux cooked v1: packet type, ARPHRD type, address length, 8 address bytes, then the
      // protocol, an EtherType for the link types that carry IP (tcpdump.org LINKTYPE_LINUX_SLL).
      if (avail < 16) return w.truncated();
      w.proto = u16(b, w.off + 14);
      w.off += 16;
      return K_ETHERTYPE;
    case LINKTYPE_LINUX_SLL2:
      // Linux cooked v2: the protocol comes first, then reserved, interface index, ARPHRD
      // type, packet type, address length and 8 address bytes: 20 bytes.
      if (avail < 20) return w.truncated();
      w.proto = u16(b, w.off);
      w.off += 20;
      return K_ETHERTYPE;
    default:
      w.c.unsupportedLink++;
      return K_DONE;
  }
}

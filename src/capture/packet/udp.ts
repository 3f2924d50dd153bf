import { u16 } from "./bytes.js";
import { K_DONE, K_GENEVE, K_VXLAN, PORT_GENEVE, PORT_VXLAN, type Walk } from "./walk.js";

/**
 * UDP header (RFC 768). Only tunnel ports matter: by destination port, since VXLAN and
 * GENEVE senders pick the source port from a hash of the inner flow (RFC 7348 §5,
 * RFC 8926 §3.3). Other UDP is counted and dropped.
 */
export function udp(w: Walk): number {
  const b = w.buf;
  const off = w.off;
  const avail = w.end - off;
  if (avail < 8) return w.truncated();
  let len = u16(b, off + 4);
  // Zero only in IPv6 jumbograms (RFC 2675 §4): the IP length bounds it.
  if (len === 0) len = avail;
  else if (len < 8) return w.malformed();
  else if (len > avail) return w.truncated();
  const kind = w.ports[u16(b, off + 2)]!;
  if (kind === PORT_VXLAN) {
    w.off = off + 8;
    w.end = off + len;
    return K_VXLAN;
  }
  if (kind === PORT_GENEVE) {
    w.off = off + 8;
    w.end = off + len;
    return K_GENEVE;
  }
  w.c.udp++;
  return K_DONE;
}

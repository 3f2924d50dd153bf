import type { FragmentTable } from "./fragments.js";
import type { TunnelInterner, TunnelNode } from "./intern.js";
import type { DecoderCounters } from "./options.js";

/**
 * What the decoder does next. A frame is decoded by a loop over these steps (decoder.ts), each
 * layer reading its header at `off` and naming the next one, rather than by recursion: a
 * frame has a single path down (one inner packet per layer), and a loop with a step budget
 * bounds nesting without trusting the packet to end.
 */
export const K_DONE = 0;
export const K_ETHER = 1;
/** An EtherType in `proto` (after Ethernet, SLL, or a VLAN tag), the bytes after it at `off`. */
export const K_ETHERTYPE = 2;
/** IPv4 or IPv6 by the version nibble (raw IP link types, ERSPAN III frame type 2). */
export const K_IP = 3;
export const K_IPV4 = 4;
export const K_IPV6 = 5;
/** An IP protocol / IPv6 next header in `proto`, its header at `off`. */
export const K_IP_PAYLOAD = 6;
export const K_TCP = 7;
export const K_UDP = 8;
export const K_VXLAN = 9;
export const K_GENEVE = 10;
export const K_GRE = 11;
export const K_ERSPAN2 = 12;
export const K_ERSPAN3 = 13;

/** UDP destination port table values. */
export const PORT_VXLAN = 1;
export const PORT_GENEVE = 2;

/**
 * The decoding position and what was learnt on the way down, reused for every frame.
 * Invariant kept by every layer: 0 <= off <= end <= buf.length.
 */
export class Walk {
  buf: Uint8Array = new Uint8Array(0);
  off = 0;
  end = 0;
  ts = 0;
  /** Next protocol number: an EtherType or an IP protocol, depending on the step. */
  proto = 0;
  /** Network layer of the innermost IP header seen, and where its addresses are. */
  family: 4 | 6 = 4;
  addr: Uint8Array = this.buf;
  srcOff = 0;
  dstOff = 0;
  node: TunnelNode;
  vni = -1;
  vlan = -1;
  /** Tunnels crossed so far. */
  depth = 0;
  /** VLAN tags in the current Ethernet header, IPv6 extension headers in the current packet. */
  tags = 0;
  ext = 0;

  constructor(
    readonly c: DecoderCounters,
    readonly interner: TunnelInterner,
    readonly frags: FragmentTable,
    /** 65536 entries: PORT_VXLAN, PORT_GENEVE or 0 per UDP destination port. */
    readonly ports: Uint8Array,
    readonly maxDepth: number,
  ) {
    this.node = interner.root;
  }

  reset(buf: Uint8Array, ts: number): void {
    this.buf = buf;
    this.off = 0;
    this.end = buf.length;
    this.ts = ts;
    this.node = this.interner.root;
    this.vni = -1;
    this.vlan = -1;
    this.depth = 0;
    this.tags = 0;
    this.ext = 0;
  }

  /** Appends one layer to the tunnel string. */
  push(kind: number, value: number): void {
    this.node = this.interner.child(this.node, kind, value);
  }

  /** Counts one more tunnel; false (and counted) past the bound. */
  enterTunnel(): boolean {
    if (++this.depth > this.maxDepth) {
      this.c.tunnelDepthExceeded++;
      return false;
    }
    return true;
  }

  truncated(): number {
    this.c.truncated++;
    return K_DONE;
  }

  malformed(): number {
    this.c.malformed++;
    return K_DONE;
  }
}

/**
 * What the packet decoders (src/capture/packet) hand to TCP reassembly (src/capture/tcp).
 *
 * The decoder fills one reusable object per packet instead of allocating: at a gigabit a
 * second the packet rate makes per-packet garbage the dominant cost. Every `Uint8Array` in
 * it is a view into the capture buffer and is valid only during the `PacketSink` call;
 * a consumer that keeps bytes copies them.
 */
export interface TcpPacket {
  /** Capture time, milliseconds since the epoch (fractional: pcap has µs or ns). */
  ts: number;
  /**
   * Encapsulation layers crossed, outermost first (`vxlan:42 vlan:10`), "" when none.
   * Part of the flow key. The decoder interns these strings, so comparing is cheap.
   */
  tunnel: string;
  /** Innermost VXLAN/GENEVE VNI, -1 when none. */
  vni: number;
  /** Innermost 802.1Q VLAN id, -1 when none. */
  vlan: number;
  /** 4 or 6. */
  family: 4 | 6;
  /**
   * Address bytes (4 or 16): views into the packet, or arrays the decoder reuses (cheaper
   * than a view per packet); either way valid only during the call, like the payload.
   */
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
  /** Unsigned 32-bit sequence and acknowledgement numbers. */
  seq: number;
  ack: number;
  /** TCP flag bits as on the wire (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10…). */
  flags: number;
  /** TCP payload, a view into the packet; empty for pure ACKs. */
  payload: Uint8Array;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

/** Receives decoded packets. Only TCP is needed by the HTTP path. */
export interface PacketSink {
  tcp(p: TcpPacket): void;
}

/**
 * Link-layer types, numbered as in pcap/pcapng (LINKTYPE_* in the tcpdump.org registry):
 * what the first bytes of a frame are.
 */
export const LINKTYPE_NULL = 0; // BSD loopback: 4-byte address family in host order
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101; // raw IPv4 or IPv6, version from the first nibble
export const LINKTYPE_LOOP = 108; // OpenBSD loopback: address family in network order
export const LINKTYPE_LINUX_SLL = 113; // Linux cooked capture v1 (`tcpdump -i any`)
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276; // Linux cooked capture v2

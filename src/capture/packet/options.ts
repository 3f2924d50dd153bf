/** Settings of a PacketDecoder; every field has a default (see DEFAULT_DECODER_OPTIONS). */
export interface DecoderOptions {
  /** UDP destination ports carrying VXLAN (RFC 7348 assigns 4789). */
  vxlanPorts: readonly number[];
  /** UDP destination ports carrying GENEVE (RFC 8926 assigns 6081). */
  genevePorts: readonly number[];
  /**
   * Tunnels (VXLAN, GENEVE, GRE/ERSPAN) one packet may cross. AWS Traffic Mirroring behind a
   * Gateway Load Balancer needs 2 (GENEVE → VXLAN); the bound stops a crafted packet from
   * nesting tunnels until the step budget runs out.
   */
  maxTunnelDepth: number;
  /** Only packets whose innermost VXLAN/GENEVE VNI is in this set reach the sink. */
  vnis?: ReadonlySet<number>;
  /** IP datagrams being reassembled at once (IPv4 and IPv6 together); the oldest is evicted. */
  maxFragmentDatagrams: number;
  /** Bytes held by all datagrams being reassembled; the oldest are evicted to make room. */
  maxFragmentBytes: number;
  /** Pieces one datagram may be made of before it is abandoned. */
  maxFragmentsPerDatagram: number;
  /** A datagram not complete this long (ms of capture time) after its first fragment is dropped. */
  fragmentTimeoutMs: number;
  /** Distinct tunnel strings kept interned; past it the table starts over. */
  maxInternedTunnels: number;
}

export const DEFAULT_DECODER_OPTIONS: Readonly<DecoderOptions> = {
  vxlanPorts: [4789],
  genevePorts: [6081],
  maxTunnelDepth: 4,
  maxFragmentDatagrams: 1024,
  maxFragmentBytes: 16 * 1024 * 1024,
  maxFragmentsPerDatagram: 64,
  fragmentTimeoutMs: 30_000,
  maxInternedTunnels: 4096,
};

/**
 * What the decoder saw and dropped, as plain numbers (a metrics exporter reads them as they
 * are). No frame is dropped silently: each moves at least one of tcp, udp, otherIpProto,
 * nonIp, unsupportedLink, truncated, malformed, unsupportedTunnel, tunnelDepthExceeded,
 * vniFiltered, ipv6ExtLimit, fragments or errors (the property tests check it).
 */
export interface DecoderCounters {
  /** Calls to frame(), vxlan() and geneve(). */
  frames: number;
  /** TCP segments handed to the sink. */
  tcp: number;
  /** UDP datagrams not addressed to a tunnel port (dropped). */
  udp: number;
  /** IP datagrams carrying neither TCP, UDP nor a tunnel (ICMP, ESP…). */
  otherIpProto: number;
  /** Frames whose link layer carries something other than IP (ARP, LLC, LLDP…). */
  nonIp: number;
  /** A link type this decoder does not read. */
  unsupportedLink: number;
  /** A header or a length field pointing past the captured bytes (snaplen, damage). */
  truncated: number;
  /** A header that is not what it claims (bad version, impossible length, reserved bits). */
  malformed: number;
  /** A GRE/ERSPAN/GENEVE variant this decoder does not read (GRE routing, ERSPAN frame type). */
  unsupportedTunnel: number;
  /** Tunnel layers crossed, per kind. */
  vxlan: number;
  geneve: number;
  gre: number;
  erspan: number;
  /** More nested tunnels than maxTunnelDepth. */
  tunnelDepthExceeded: number;
  /** TCP segments whose innermost VNI is not in the allow-list. */
  vniFiltered: number;
  /** IPv6 extension headers past the per-packet bound. */
  ipv6ExtLimit: number;
  /** IP fragments received (IPv4 and IPv6). */
  fragments: number;
  /** Datagrams rebuilt from fragments. */
  fragmentsReassembled: number;
  /** Fragments thrown away: timeout, caps, overlap (IPv6), inconsistent lengths. */
  fragmentsDropped: number;
  /** Of the dropped: datagrams abandoned because their first fragment is older than the timeout. */
  fragmentTimeouts: number;
  /** IPv4 fragments overlapping data already held (the bytes already held are kept). */
  fragmentOverlaps: number;
  /** Times the tunnel string table was full and started over. */
  internResets: number;
  /** Exceptions caught at the public entry points (a bug, or a sink that threw). */
  errors: number;
}

export function newCounters(): DecoderCounters {
  return {
    frames: 0,
    tcp: 0,
    udp: 0,
    otherIpProto: 0,
    nonIp: 0,
    unsupportedLink: 0,
    truncated: 0,
    malformed: 0,
    unsupportedTunnel: 0,
    vxlan: 0,
    geneve: 0,
    gre: 0,
    erspan: 0,
    tunnelDepthExceeded: 0,
    vniFiltered: 0,
    ipv6ExtLimit: 0,
    fragments: 0,
    fragmentsReassembled: 0,
    fragmentsDropped: 0,
    fragmentTimeouts: 0,
    fragmentOverlaps: 0,
    internResets: 0,
    errors: 0,
  };
}

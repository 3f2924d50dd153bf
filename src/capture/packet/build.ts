/**
 * Frame builders for tests and benchmarks (not used by the decoder). Each returns a new
 * Uint8Array holding one header followed by its payload, so layers compose by nesting:
 *   ethernet({ etherType: 0x0800, payload: ipv4({ src, dst, proto: 6, payload: tcp({...}) }) })
 * Lengths and the IPv4 header checksum are computed; ipv4()/ipv6() also fill in the TCP or
 * UDP checksum of their payload (RFC 9293 §3.1, RFC 768, pseudo-headers of RFC 791/8200), so
 * the frames are ones a real stack or tshark would accept.
 */

export type Addr = string | Uint8Array;

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function put16(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 8) & 0xff;
  b[i + 1] = v & 0xff;
}

export function put32(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 24) & 0xff;
  b[i + 1] = (v >>> 16) & 0xff;
  b[i + 2] = (v >>> 8) & 0xff;
  b[i + 3] = v & 0xff;
}

/** Dotted IPv4 text to 4 bytes. */
export function ip4(s: string): Uint8Array {
  const parts = s.split(".");
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${s}`);
  return Uint8Array.from(parts, (p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new Error(`not an IPv4 address: ${s}`);
    return n;
  });
}

/** IPv6 text (with `::`, without embedded IPv4) to 16 bytes. */
export function ip6(s: string): Uint8Array {
  const halves = s.split("::");
  if (halves.length > 2) throw new Error(`not an IPv6 address: ${s}`);
  const head = halves[0] === "" ? [] : halves[0]!.split(":");
  const tail = halves.length === 2 && halves[1] !== "" ? halves[1]!.split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(fill).fill("0"), ...tail];
  if (groups.length !== 8) throw new Error(`not an IPv6 address: ${s}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`not an IPv6 address: ${s}`);
    put16(out, 2 * i, Number.parseInt(g, 16));
  });
  return out;
}

function addr4(a: Addr): Uint8Array {
  const b = typeof a === "string" ? ip4(a) : a;
  if (b.length !== 4) throw new Error("IPv4 address must be 4 bytes");
  return b;
}

function addr6(a: Addr): Uint8Array {
  const b = typeof a === "string" ? ip6(a) : a;
  if (b.length !== 16) throw new Error("IPv6 address must be 16 bytes");
  return b;
}

/** RFC 1071 ones' complement sum over several buffers (each treated as starting even). */
function checksum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i + 1 < p.length; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
    if (p.length & 1) sum += p[p.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Copies a TCP/UDP segment and fills its checksum from the pseudo-header. */
function withL4Checksum(proto: number, payload: Uint8Array, pseudo: Uint8Array): Uint8Array {
  const at = proto === 6 ? 16 : proto === 17 ? 6 : -1;
  if (at < 0 || payload.length < at + 2) return payload;
  const seg = payload.slice();
  put16(seg, at, 0);
  let c = checksum(pseudo, seg);
  if (proto === 17 && c === 0) c = 0xffff; // RFC 768: zero means "no checksum"
  put16(seg, at, c);
  return seg;
}

export interface EthernetOptions {
  dst?: Uint8Array;
  src?: Uint8Array;
  etherType: number;
  /** VLAN ids, outermost first; each becomes a tag (TPID 0x8100, or `tpids[i]`). */
  vlans?: readonly number[];
  tpids?: readonly number[];
  payload: Uint8Array;
}

const MAC_A = Uint8Array.of(0x02, 0, 0, 0, 0, 0x0a);
const MAC_B = Uint8Array.of(0x02, 0, 0, 0, 0, 0x0b);

/** Ethernet II, with optional 802.1Q/802.1ad tags. */
export function ethernet(o: EthernetOptions): Uint8Array {
  const vlans = o.vlans ?? [];
  let inner = o.payload;
  let type = o.etherType;
  for (let i = vlans.length - 1; i >= 0; i--) {
    inner = vlan(vlans[i]!, type, inner);
    type = o.tpids?.[i] ?? 0x8100;
  }
  const h = new Uint8Array(14);
  h.set(o.dst ?? MAC_A, 0);
  h.set(o.src ?? MAC_B, 6);
  put16(h, 12, type);
  return concat(h, inner);
}

/** One VLAN tag's last 4 bytes (TCI with `pcp`, inner EtherType) followed by the payload. */
export function vlan(vid: number, etherType: number, payload: Uint8Array, pcp = 0): Uint8Array {
  const h = new Uint8Array(4);
  put16(h, 0, ((pcp & 7) << 13) | (vid & 0x0fff));
  put16(h, 2, etherType);
  return concat(h, payload);
}

export interface Ipv4Options {
  src: Addr;
  dst: Addr;
  proto: number;
  payload: Uint8Array;
  id?: number;
  /** 3-bit flags field: 0x2 DF, 0x1 MF. */
  flags?: number;
  /** Fragment offset in bytes (a multiple of 8). */
  fragOffset?: number;
  ttl?: number;
  /** IP options, padded to 4 bytes here. */
  options?: Uint8Array;
  /** Overrides the total length field (to build broken packets). */
  totalLength?: number;
  /** Leave the payload's TCP/UDP checksum alone (fragments carry only part of it). */
  rawPayload?: boolean;
}

/** IPv4 header (RFC 791) with its checksum. */
export function ipv4(o: Ipv4Options): Uint8Array {
  const src = addr4(o.src);
  const dst = addr4(o.dst);
  const opt = o.options ?? new Uint8Array(0);
  const optLen = (opt.length + 3) & ~3;
  const hl = 20 + optLen;
  const h = new Uint8Array(hl);
  h[0] = 0x40 | (hl >> 2);
  put16(h, 2, o.totalLength ?? hl + o.payload.length);
  put16(h, 4, o.id ?? 0);
  put16(h, 6, (((o.flags ?? 0) & 7) << 13) | (((o.fragOffset ?? 0) >> 3) & 0x1fff));
  h[8] = o.ttl ?? 64;
  h[9] = o.proto;
  h.set(src, 12);
  h.set(dst, 16);
  h.set(opt, 20);
  put16(h, 10, checksum(h));
  const pseudo = new Uint8Array(12);
  pseudo.set(src, 0);
  pseudo.set(dst, 4);
  pseudo[9] = o.proto;
  put16(pseudo, 10, o.payload.length);
  return concat(h, o.rawPayload ? o.payload : withL4Checksum(o.proto, o.payload, pseudo));
}

/** One IPv6 extension header: `type` is its own protocol number (0, 43, 51, 60). */
export interface Ipv6Ext {
  type: number;
  /** Body after the next-header and length bytes; padded here to the header's unit. */
  data?: Uint8Array;
}

export interface Ipv6Options {
  src: Addr;
  dst: Addr;
  /** Protocol of the payload (after all extension headers). */
  proto: number;
  payload: Uint8Array;
  ext?: readonly Ipv6Ext[];
  /** Adds a fragment header after `ext`; offset in bytes. */
  fragment?: { id: number; offset: number; more: boolean };
  hopLimit?: number;
  payloadLength?: number;
  rawPayload?: boolean;
}

/** IPv6 header (RFC 8200) with extension headers and an optional fragment header. */
export function ipv6(o: Ipv6Options): Uint8Array {
  const src = addr6(o.src);
  const dst = addr6(o.dst);
  const chain: { type: number; bytes: Uint8Array }[] = [];
  for (const e of o.ext ?? []) {
    const data = e.data ?? new Uint8Array(0);
    if (e.type === 51) {
      // AH: length in 4-octet units minus 2 (RFC 4302); keep it a multiple of 8 for IPv6.
      const len = Math.max(16, (2 + data.length + 7) & ~7) + 0;
      const b = new Uint8Array(len);
      b[1] = len / 4 - 2;
      b.set(data.subarray(0, len - 2), 2);
      chain.push({ type: e.type, bytes: b });
    } else {
      const len = Math.max(8, (2 + data.length + 7) & ~7);
      const b = new Uint8Array(len);
      b[1] = len / 8 - 1;
      b.set(data, 2);
      chain.push({ type: e.type, bytes: b });
    }
  }
  if (o.fragment) {
    const b = new Uint8Array(8);
    put16(b, 2, (o.fragment.offset & 0xfff8) | (o.fragment.more ? 1 : 0));
    put32(b, 4, o.fragment.id);
    chain.push({ type: 44, bytes: b });
  }
  for (let i = 0; i < chain.length; i++) chain[i]!.bytes[0] = chain[i + 1]?.type ?? o.proto;
  const exts = concat(...chain.map((c) => c.bytes));
  const pseudo = new Uint8Array(40);
  pseudo.set(src, 0);
  pseudo.set(dst, 16);
  put32(pseudo, 32, o.payload.length);
  pseudo[39] = o.proto;
  const payload = o.rawPayload || o.fragment ? o.payload : withL4Checksum(o.proto, o.payload, pseudo);
  const h = new Uint8Array(40);
  h[0] = 0x60;
  put16(h, 4, o.payloadLength ?? exts.length + payload.length);
  h[6] = chain[0]?.type ?? o.proto;
  h[7] = o.hopLimit ?? 64;
  h.set(src, 8);
  h.set(dst, 24);
  return concat(h, exts, payload);
}

export interface TcpOptions {
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  /** Flag bits as on the wire (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10). */
  flags?: number;
  window?: number;
  /** TCP options, padded with NOPs... here zeros (end of list) to 4 bytes. */
  options?: Uint8Array;
  payload?: Uint8Array;
}

/** TCP header (RFC 9293 §3.1); the checksum is filled by ipv4()/ipv6(). */
export function tcp(o: TcpOptions): Uint8Array {
  const opt = o.options ?? new Uint8Array(0);
  const hl = 20 + ((opt.length + 3) & ~3);
  const h = new Uint8Array(hl);
  put16(h, 0, o.srcPort);
  put16(h, 2, o.dstPort);
  put32(h, 4, o.seq ?? 0);
  put32(h, 8, o.ack ?? 0);
  h[12] = (hl >> 2) << 4;
  h[13] = o.flags ?? 0x10;
  put16(h, 14, o.window ?? 65535);
  h.set(opt, 20);
  return concat(h, o.payload ?? new Uint8Array(0));
}

/** UDP header (RFC 768); the checksum is filled by ipv4()/ipv6(). */
export function udp(o: { srcPort: number; dstPort: number; payload: Uint8Array }): Uint8Array {
  const h = new Uint8Array(8);
  put16(h, 0, o.srcPort);
  put16(h, 2, o.dstPort);
  put16(h, 4, 8 + o.payload.length);
  return concat(h, o.payload);
}

/** VXLAN header (RFC 7348 §5, I flag set) and the inner Ethernet frame: a UDP payload. */
export function vxlan(vni: number, innerFrame: Uint8Array): Uint8Array {
  const h = new Uint8Array(8);
  h[0] = 0x08;
  put32(h, 4, (vni & 0xffffff) << 8);
  return concat(h, innerFrame);
}

/**
 * GENEVE header (RFC 8926 §3.4) and payload: a UDP payload. `options` is the raw TLV area
 * (a multiple of 4 bytes, at most 252).
 */
export function geneve(
  vni: number,
  protocolType: number,
  inner: Uint8Array,
  options?: Uint8Array,
): Uint8Array {
  const opt = options ?? new Uint8Array(0);
  if (opt.length % 4 !== 0 || opt.length > 252) throw new Error("GENEVE options: multiple of 4, at most 252");
  const h = new Uint8Array(8);
  h[0] = opt.length >> 2;
  put16(h, 2, protocolType);
  put32(h, 4, (vni & 0xffffff) << 8);
  return concat(h, opt, inner);
}

/** One GENEVE option TLV (class, type, data padded to 4 bytes). */
export function geneveOption(optClass: number, type: number, data: Uint8Array): Uint8Array {
  const len = (data.length + 3) & ~3;
  const h = new Uint8Array(4 + len);
  put16(h, 0, optClass);
  h[2] = type;
  h[3] = len >> 2;
  h.set(data, 4);
  return h;
}

export interface GreOptions {
  protocol: number;
  payload: Uint8Array;
  key?: number;
  seq?: number;
  /** Adds the checksum field (RFC 2784), computed over the GRE header and payload. */
  checksum?: boolean;
}

/** GRE header (RFC 2784, key and sequence of RFC 2890) and payload: an IP payload (proto 47). */
export function gre(o: GreOptions): Uint8Array {
  let hl = 4;
  if (o.checksum) hl += 4;
  if (o.key !== undefined) hl += 4;
  if (o.seq !== undefined) hl += 4;
  const h = new Uint8Array(hl);
  put16(
    h,
    0,
    (o.checksum ? 0x8000 : 0) | (o.key !== undefined ? 0x2000 : 0) | (o.seq !== undefined ? 0x1000 : 0),
  );
  put16(h, 2, o.protocol);
  let at = o.checksum ? 8 : 4;
  if (o.key !== undefined) {
    put32(h, at, o.key);
    at += 4;
  }
  if (o.seq !== undefined) put32(h, at, o.seq);
  if (o.checksum) put16(h, 4, checksum(h, o.payload));
  return concat(h, o.payload);
}

/** ERSPAN type II header (version 1) and the mirrored Ethernet frame: a GRE payload (0x88be, with seq). */
export function erspan2(o: {
  sessionId: number;
  vlan?: number;
  index?: number;
  frame: Uint8Array;
}): Uint8Array {
  const h = new Uint8Array(8);
  put16(h, 0, 0x1000 | ((o.vlan ?? 0) & 0x0fff));
  put16(h, 2, o.sessionId & 0x3ff);
  put32(h, 4, (o.index ?? 0) & 0xfffff);
  return concat(h, o.frame);
}

/**
 * ERSPAN type III header (version 2) and the mirrored frame: a GRE payload (0x22eb).
 * `platform` (8 bytes) adds the optional platform-specific subheader (O bit);
 * `frameType` 0 is Ethernet, 2 is IP.
 */
export function erspan3(o: {
  sessionId: number;
  vlan?: number;
  timestamp?: number;
  frameType?: number;
  platform?: Uint8Array;
  frame: Uint8Array;
}): Uint8Array {
  const h = new Uint8Array(o.platform ? 20 : 12);
  put16(h, 0, 0x2000 | ((o.vlan ?? 0) & 0x0fff));
  put16(h, 2, o.sessionId & 0x3ff);
  put32(h, 4, o.timestamp ?? 0);
  put16(h, 10, (((o.frameType ?? 0) & 0x1f) << 10) | (o.platform ? 1 : 0));
  if (o.platform) h.set(o.platform.subarray(0, 8), 12);
  return concat(h, o.frame);
}

/** Linux cooked capture v1 header (16 bytes) and payload. */
export function sll(o: {
  protocol: number;
  payload: Uint8Array;
  packetType?: number;
  arphrd?: number;
}): Uint8Array {
  const h = new Uint8Array(16);
  put16(h, 0, o.packetType ?? 0);
  put16(h, 2, o.arphrd ?? 1);
  put16(h, 4, 6);
  h.set(MAC_A, 6);
  put16(h, 14, o.protocol);
  return concat(h, o.payload);
}

/** Linux cooked capture v2 header (20 bytes) and payload. */
export function sll2(o: {
  protocol: number;
  payload: Uint8Array;
  ifindex?: number;
  packetType?: number;
  arphrd?: number;
}): Uint8Array {
  const h = new Uint8Array(20);
  put16(h, 0, o.protocol);
  put32(h, 4, o.ifindex ?? 1);
  put16(h, 8, o.arphrd ?? 1);
  h[10] = o.packetType ?? 0;
  h[11] = 6;
  h.set(MAC_A, 12);
  return concat(h, o.payload);
}

/** BSD loopback (LINKTYPE_NULL, host order: `littleEndian`) or LOOP (big-endian) header. */
export function loopback(af: number, payload: Uint8Array, littleEndian = true): Uint8Array {
  const h = new Uint8Array(4);
  if (littleEndian) {
    h[0] = af & 0xff;
    h[1] = (af >>> 8) & 0xff;
    h[2] = (af >>> 16) & 0xff;
    h[3] = (af >>> 24) & 0xff;
  } else {
    put32(h, 0, af);
  }
  return concat(h, payload);
}

/**
 * Splits an IPv4 datagram's payload into fragments of at most `size` payload bytes (a
 * multiple of 8), each a full IPv4 packet; the TCP/UDP checksum is computed over the whole.
 */
export function fragmentIpv4(o: Ipv4Options, size: number): Uint8Array[] {
  if (size <= 0 || size % 8 !== 0) throw new Error("fragment size: a positive multiple of 8");
  const whole = ipv4(o);
  const hl = (whole[0]! & 15) << 2;
  const payload = whole.subarray(hl);
  const out: Uint8Array[] = [];
  for (let at = 0; at < payload.length || at === 0; at += size) {
    const end = Math.min(payload.length, at + size);
    out.push(
      ipv4({
        ...o,
        payload: payload.slice(at, end),
        fragOffset: at,
        flags: ((o.flags ?? 0) & 2) | (end < payload.length ? 1 : 0),
        rawPayload: true,
      }),
    );
    if (end >= payload.length) break;
  }
  return out;
}

/** Splits an IPv6 packet's payload (after `ext`) into fragments, as fragmentIpv4. */
export function fragmentIpv6(o: Ipv6Options, size: number, id: number): Uint8Array[] {
  if (size <= 0 || size % 8 !== 0) throw new Error("fragment size: a positive multiple of 8");
  const pseudo = new Uint8Array(40);
  pseudo.set(addr6(o.src), 0);
  pseudo.set(addr6(o.dst), 16);
  put32(pseudo, 32, o.payload.length);
  pseudo[39] = o.proto;
  const payload = o.rawPayload ? o.payload : withL4Checksum(o.proto, o.payload, pseudo);
  const out: Uint8Array[] = [];
  for (let at = 0; ; at += size) {
    const end = Math.min(payload.length, at + size);
    out.push(
      ipv6({
        ...o,
        payload: payload.slice(at, end),
        fragment: { id, offset: at, more: end < payload.length },
        rawPayload: true,
      }),
    );
    if (end >= payload.length) break;
  }
  return out;
}

/**
 * The Ethernet/IPv4 frames of one fresh TCP connection carrying HTTP exchanges: the
 * three-way handshake, each request followed by its response, then FIN both ways and the
 * last ACK (RFC 9293 §3.5). Sequence numbers follow the bytes sent; for tests and examples.
 */
export function tcpConversation(o: {
  client: Addr;
  server: Addr;
  clientPort: number;
  serverPort?: number;
  exchanges: readonly (readonly [request: string, response: string])[];
  clientIsn?: number;
  serverIsn?: number;
}): Uint8Array[] {
  const SYN = 0x02;
  const FIN = 0x01;
  const PSH_ACK = 0x18;
  const ACK = 0x10;
  const serverPort = o.serverPort ?? 80;
  const frame = (toServer: boolean, seq: number, ack: number, flags: number, payload: Uint8Array) =>
    ethernet({
      etherType: 0x0800,
      payload: ipv4({
        src: toServer ? o.client : o.server,
        dst: toServer ? o.server : o.client,
        proto: 6,
        payload: tcp({
          srcPort: toServer ? o.clientPort : serverPort,
          dstPort: toServer ? serverPort : o.clientPort,
          seq: seq >>> 0,
          ack: ack >>> 0,
          flags,
          payload,
        }),
      }),
    });
  const none = new Uint8Array(0);
  let c = o.clientIsn ?? 1000;
  let s = o.serverIsn ?? 9000;
  const out = [frame(true, c, 0, SYN, none), frame(false, s, c + 1, SYN | ACK, none)];
  c += 1;
  s += 1;
  out.push(frame(true, c, s, ACK, none));
  for (const [request, response] of o.exchanges) {
    const q = new TextEncoder().encode(request);
    const r = new TextEncoder().encode(response);
    out.push(frame(true, c, s, PSH_ACK, q));
    c += q.length;
    out.push(frame(false, s, c, PSH_ACK, r));
    s += r.length;
  }
  out.push(frame(true, c, s, FIN | ACK, none), frame(false, s, c + 1, FIN | ACK, none));
  out.push(frame(true, c + 1, s + 1, ACK, none));
  return out;
}

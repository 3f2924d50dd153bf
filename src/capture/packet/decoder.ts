import { u16, u32 } from "./bytes.js";
import { ethernet, etherType } from "./ethernet.js";
import { FragmentTable } from "./fragments.js";
import { TunnelInterner } from "./intern.js";
import { ipPayload, ipVersion, ipv4, ipv6 } from "./ip.js";
import { linkLayer } from "./link.js";
import {
  DEFAULT_DECODER_OPTIONS,
  type DecoderCounters,
  type DecoderOptions,
  newCounters,
} from "./options.js";
import { erspan2, erspan3, geneve, gre, vxlan } from "./tunnels.js";
import type { PacketSink, TcpPacket } from "./types.js";
import { udp } from "./udp.js";
import {
  K_DONE,
  K_ERSPAN2,
  K_ERSPAN3,
  K_ETHER,
  K_ETHERTYPE,
  K_GENEVE,
  K_GRE,
  K_IP,
  K_IP_PAYLOAD,
  K_IPV4,
  K_IPV6,
  K_TCP,
  K_UDP,
  K_VXLAN,
  PORT_GENEVE,
  PORT_VXLAN,
  Walk,
} from "./walk.js";

/**
 * Steps one frame may take. Each tunnel costs at most ~8 steps (IP, extension headers,
 * UDP, tunnel, Ethernet, VLAN tags) and the tunnel depth is bounded too: this is a second
 * guard so that no combination of headers keeps the loop going.
 */
const MAX_STEPS = 256;

const EMPTY = new Uint8Array(0);

function copy(from: Uint8Array, at: number, to: Uint8Array, n: number): void {
  for (let i = 0; i < n; i++) to[i] = from[at + i]!;
}

/**
 * Captured frames and tunnel datagrams in, TCP segments out (to the sink), everything else
 * counted. One reusable TcpPacket is filled per segment; its views are valid only during
 * the sink call (see types.ts). Never throws on any input.
 */
export class PacketDecoder {
  readonly counters: DecoderCounters = newCounters();
  readonly options: Readonly<DecoderOptions>;
  private readonly w: Walk;
  private readonly interner: TunnelInterner;
  private readonly frags: FragmentTable;
  private readonly vnis: ReadonlySet<number> | undefined;
  private readonly p: TcpPacket;
  private readonly src4 = new Uint8Array(4);
  private readonly dst4 = new Uint8Array(4);
  private readonly src6 = new Uint8Array(16);
  private readonly dst6 = new Uint8Array(16);

  constructor(
    private readonly sink: PacketSink,
    opts: Partial<DecoderOptions> = {},
  ) {
    const o: DecoderOptions = { ...DEFAULT_DECODER_OPTIONS, ...opts };
    this.options = o;
    this.vnis = o.vnis;
    const ports = new Uint8Array(65536);
    for (const port of o.vxlanPorts) if (port >= 0 && port < 65536) ports[port] = PORT_VXLAN;
    for (const port of o.genevePorts) if (port >= 0 && port < 65536) ports[port] = PORT_GENEVE;
    this.interner = new TunnelInterner(Math.max(1, o.maxInternedTunnels));
    this.frags = new FragmentTable(o, this.counters);
    this.w = new Walk(this.counters, this.interner, this.frags, ports, o.maxTunnelDepth);
    this.p = {
      ts: 0,
      tunnel: "",
      vni: -1,
      vlan: -1,
      family: 4,
      src: this.src4,
      dst: this.dst4,
      srcPort: 0,
      dstPort: 0,
      seq: 0,
      ack: 0,
      flags: 0,
      payload: EMPTY,
    };
  }

  /** One captured frame; `linkType` as in pcap (LINKTYPE_* in types.ts); `ts` in ms. */
  frame(linkType: number, bytes: Uint8Array, ts: number): void {
    this.counters.frames++;
    this.w.reset(bytes, ts);
    this.run(linkLayer(this.w, linkType));
  }

  /** A datagram received on a VXLAN UDP socket: the 8-byte VXLAN header, then Ethernet. */
  vxlan(udpPayload: Uint8Array, ts: number): void {
    this.counters.frames++;
    this.w.reset(udpPayload, ts);
    this.run(K_VXLAN);
  }

  /** A datagram received on a GENEVE UDP socket: the GENEVE header, options, payload. */
  geneve(udpPayload: Uint8Array, ts: number): void {
    this.counters.frames++;
    this.w.reset(udpPayload, ts);
    this.run(K_GENEVE);
  }

  /** Drops fragment reassembly state whose first fragment is older than the timeout. */
  tick(now: number): void {
    this.frags.tick(now);
  }

  /** Datagrams and bytes held for reassembly. */
  get fragmentsHeld(): { datagrams: number; bytes: number } {
    return { datagrams: this.frags.size, bytes: this.frags.heldBytes };
  }

  private run(first: number): void {
    // The only try/catch: layers check bounds rather than catch, so this is for a bug in
    // them or an exception from the sink, which must not stop the capture loop.
    try {
      this.walk(first);
    } catch {
      this.counters.errors++;
    }
    this.counters.internResets = this.interner.resets;
  }

  private walk(first: number): void {
    const w = this.w;
    let kind = first;
    for (let steps = 0; kind !== K_DONE; steps++) {
      if (steps >= MAX_STEPS) {
        w.c.malformed++;
        return;
      }
      switch (kind) {
        case K_ETHER:
          kind = ethernet(w);
          break;
        case K_ETHERTYPE:
          kind = etherType(w);
          break;
        case K_IP:
          kind = ipVersion(w);
          break;
        case K_IPV4:
          kind = ipv4(w);
          break;
        case K_IPV6:
          kind = ipv6(w);
          break;
        case K_IP_PAYLOAD:
          kind = ipPayload(w);
          break;
        case K_TCP:
          this.tcp(w);
          return;
        case K_UDP:
          kind = udp(w);
          break;
        case K_VXLAN:
          kind = vxlan(w);
          break;
        case K_GENEVE:
          kind = geneve(w);
          break;
        case K_GRE:
          kind = gre(w);
          break;
        case K_ERSPAN2:
          kind = erspan2(w);
          break;
        case K_ERSPAN3:
          kind = erspan3(w);
          break;
        default:
          return;
      }
    }
  }

  /** TCP header (RFC 9293 §3.1): ports, seq, ack, data offset, flags; options skipped. */
  private tcp(w: Walk): void {
    const b = w.buf;
    const off = w.off;
    const avail = w.end - off;
    if (avail < 20) {
      w.c.truncated++;
      return;
    }
    const hl = (b[off + 12]! >> 4) << 2;
    if (hl < 20) {
      w.c.malformed++;
      return;
    }
    if (hl > avail) {
      w.c.truncated++;
      return;
    }
    if (this.vnis !== undefined && !this.vnis.has(w.vni)) {
      w.c.vniFiltered++;
      return;
    }
    const p = this.p;
    p.ts = w.ts;
    p.tunnel = w.node.s;
    p.vni = w.vni;
    p.vlan = w.vlan;
    p.family = w.family;
    // Addresses are copied into arrays owned by the decoder rather than viewed: a view costs
    // an object per packet (measured: subarray views for both addresses halved the packet
    // rate), copying 8 or 32 bytes costs nothing. Same validity as a view (types.ts).
    const a = w.addr;
    if (w.family === 4) {
      copy(a, w.srcOff, this.src4, 4);
      copy(a, w.dstOff, this.dst4, 4);
      p.src = this.src4;
      p.dst = this.dst4;
    } else {
      copy(a, w.srcOff, this.src6, 16);
      copy(a, w.dstOff, this.dst6, 16);
      p.src = this.src6;
      p.dst = this.dst6;
    }
    p.srcPort = u16(b, off);
    p.dstPort = u16(b, off + 2);
    p.seq = u32(b, off + 4);
    p.ack = u32(b, off + 8);
    p.flags = b[off + 13]!;
    // The constructor is cheaper than subarray (no species lookup); pure ACKs share one
    // empty array, so they allocate nothing.
    const len = w.end - off - hl;
    p.payload = len === 0 ? EMPTY : new Uint8Array(b.buffer, b.byteOffset + off + hl, len);
    w.c.tcp++;
    this.sink.tcp(p);
  }
}

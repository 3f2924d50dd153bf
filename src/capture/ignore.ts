/**
 * `packet.ignore`: drop decoded TCP packets by address before reassembly, so that traffic an
 * operator does not want analysed (health checks, a scanner of their own, a backup network)
 * costs neither flow memory nor parsing. Rules apply after decapsulation: they see the
 * addresses of the mirrored packet, not those of the tunnel carrying it.
 *
 * Every address is compared in the IPv6 space, with IPv4 mapped to `::ffff:a.b.c.d`
 * (RFC 4291 §2.5.5.2): an IPv4 rule matches an IPv4 packet and the same address written
 * IPv4-mapped, a rule `::ffff:10.0.0.0/104` is the rule `10.0.0.0/8`, and `::/0` covers
 * IPv4 too. This is the same reading as the store's `source` filter.
 *
 * The per-packet check reads the address bytes into four 32-bit words and compares them
 * with each rule's masked network: no strings, no allocation. Rules are scanned in order;
 * the config bounds their number (a handful is the intended use).
 */
import { parseIPv4, parseIPv6 } from "./http-mirror/ip.js";
import type { PacketSink, TcpPacket } from "./packet/types.js";

export type IgnoreDirection = "source" | "destination" | "either";

/** As in the config's `packet.ignore`: an IP or a CIDR block, and which address it tests. */
export interface IgnoreRule {
  readonly cidr: string;
  readonly direction: IgnoreDirection;
}

/** A CIDR in the mapped IPv6 space: network and mask as four big-endian 32-bit words. */
export interface CompiledCidr {
  readonly net: Int32Array;
  readonly mask: Int32Array;
  /** Prefix length in the 128-bit space (an IPv4 /8 is 104). */
  readonly bits: number;
}

/**
 * An IP or CIDR text (`10.0.0.0/8`, `fd00::/8`, `::ffff:10.0.0.0/104`, `192.0.2.1`) in the
 * mapped space, or undefined when it is not one. Host bits set in the base are cleared
 * (10.1.2.3/8 is 10.0.0.0/8), as most tools read it. A zone id (`fe80::1%eth0`) is dropped:
 * packets carry none.
 */
export function compileCidr(text: string): CompiledCidr | undefined {
  const s = text.trim();
  const slash = s.indexOf("/");
  let ip = slash === -1 ? s : s.slice(0, slash);
  const pct = ip.indexOf("%");
  if (pct !== -1) ip = ip.slice(0, pct);
  const bytes = new Uint8Array(16);
  let max: number;
  const v4 = parseIPv4(ip);
  if (v4 !== null) {
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    bytes.set(v4, 12);
    max = 32;
  } else {
    const v6 = parseIPv6(ip);
    if (v6 === null) return undefined;
    bytes.set(v6);
    max = 128;
  }
  let prefix = max;
  if (slash !== -1) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  const bits = prefix + (max === 32 ? 96 : 0);
  const net = new Int32Array(4);
  const mask = new Int32Array(4);
  for (let w = 0; w < 4; w++) {
    const keep = Math.max(0, Math.min(32, bits - 32 * w));
    const m = keep === 0 ? 0 : keep === 32 ? -1 : -1 << (32 - keep);
    mask[w] = m;
    net[w] = word(bytes, 4 * w) & m;
  }
  return { net, mask, bits };
}

function word(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

/** Rules of one direction, packed: rule i is words [4i, 4i + 4) of both arrays. */
class RuleSet {
  readonly net: Int32Array;
  readonly mask: Int32Array;
  readonly count: number;

  constructor(cidrs: readonly CompiledCidr[]) {
    this.count = cidrs.length;
    this.net = new Int32Array(4 * cidrs.length);
    this.mask = new Int32Array(4 * cidrs.length);
    cidrs.forEach((c, i) => {
      this.net.set(c.net, 4 * i);
      this.mask.set(c.mask, 4 * i);
    });
  }

  /** Whether `addr` (4 or 16 bytes; anything else never matches) is in one of the rules. */
  matches(addr: Uint8Array): boolean {
    let w0: number;
    let w1: number;
    let w2: number;
    let w3: number;
    if (addr.length === 4) {
      w0 = 0;
      w1 = 0;
      w2 = 0xffff;
      w3 = (addr[0]! << 24) | (addr[1]! << 16) | (addr[2]! << 8) | addr[3]!;
    } else if (addr.length === 16) {
      w0 = (addr[0]! << 24) | (addr[1]! << 16) | (addr[2]! << 8) | addr[3]!;
      w1 = (addr[4]! << 24) | (addr[5]! << 16) | (addr[6]! << 8) | addr[7]!;
      w2 = (addr[8]! << 24) | (addr[9]! << 16) | (addr[10]! << 8) | addr[11]!;
      w3 = (addr[12]! << 24) | (addr[13]! << 16) | (addr[14]! << 8) | addr[15]!;
    } else {
      return false;
    }
    const net = this.net;
    const mask = this.mask;
    for (let i = 0; i < net.length; i += 4) {
      if (
        (w0 & mask[i]!) === net[i] &&
        (w1 & mask[i + 1]!) === net[i + 1] &&
        (w2 & mask[i + 2]!) === net[i + 2] &&
        (w3 & mask[i + 3]!) === net[i + 3]
      ) {
        return true;
      }
    }
    return false;
  }
}

/**
 * A PacketSink in front of another: TCP packets matching a rule are counted in `ignored`
 * and go no further; the others are passed on unchanged. Throws at construction on a rule
 * that is not an IP or CIDR (the config has validated them; this is start-up, not traffic).
 */
export class IgnoreFilter implements PacketSink {
  /** Packets dropped by a rule. */
  ignored = 0;
  private readonly src: RuleSet;
  private readonly dst: RuleSet;

  constructor(
    rules: readonly IgnoreRule[],
    private readonly next: PacketSink,
  ) {
    const src: CompiledCidr[] = [];
    const dst: CompiledCidr[] = [];
    for (const r of rules) {
      const c = compileCidr(r.cidr);
      if (c === undefined) throw new TypeError(`ignore rule: ${JSON.stringify(r.cidr)} is not an IP or CIDR`);
      if (r.direction !== "destination") src.push(c);
      if (r.direction !== "source") dst.push(c);
    }
    this.src = new RuleSet(src);
    this.dst = new RuleSet(dst);
  }

  /** How many rules test the source and the destination address (`either` counts in both). */
  get ruleCounts(): { readonly source: number; readonly destination: number } {
    return { source: this.src.count, destination: this.dst.count };
  }

  tcp(p: TcpPacket): void {
    if ((this.src.count > 0 && this.src.matches(p.src)) || (this.dst.count > 0 && this.dst.matches(p.dst))) {
      this.ignored++;
      return;
    }
    this.next.tcp(p);
  }
}

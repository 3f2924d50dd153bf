import { ipv4Value, normalizeIp, parseIPv6Into, parsePort } from "./ip.js";

/**
 * Names accepted in a trusted-proxy list besides CIDRs and single addresses, so that the
 * usual cases read plainly in a config file.
 */
export const TRUSTED_ALIASES: Readonly<Record<string, readonly string[]>> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  // RFC 1918 and RFC 4193 (unique local) networks.
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
};

/** The address being checked, as 16 bytes (IPv4 as IPv4-mapped IPv6); reused, never kept. */
const ADDR = new Uint8Array(16);

/** Writes an address as 16 bytes into ADDR: IPv4 as `::ffff:a.b.c.d`. False if unreadable. */
function toBytes(ip: string, family: 4 | 6): boolean {
  if (family === 4) {
    const v = ipv4Value(ip);
    if (v < 0) return false;
    ADDR.fill(0, 0, 10);
    ADDR[10] = 0xff;
    ADDR[11] = 0xff;
    ADDR[12] = v >>> 24;
    ADDR[13] = (v >>> 16) & 0xff;
    ADDR[14] = (v >>> 8) & 0xff;
    ADDR[15] = v & 0xff;
    return true;
  }
  return parseIPv6Into(ip, ADDR);
}

/** A trusted-proxy list entry that is neither a CIDR, an address nor an alias. */
export class TrustedNetworkError extends Error {
  readonly code = "mirror_trusted_network";
  constructor(readonly entry: string) {
    super(
      `trusted proxy entry "${entry}" is not an address, a CIDR (10.0.0.0/8) or one of loopback, private, linklocal`,
    );
    this.name = "TrustedNetworkError";
  }
}

/**
 * The networks whose forwarding information (PROXY protocol, Forwarded, X-Forwarded-For,
 * X-Real-IP, X-Server-Addr…) is believed. Every network is kept as a 128-bit prefix, IPv4
 * ones inside the IPv4-mapped range (`::ffff:0:0/96`), so that one comparison covers both
 * families and IPv4-mapped IPv6 matches IPv4 networks, as node:net BlockList does. Unlike
 * BlockList.check, which builds a SocketAddress per call, a check allocates nothing: it runs
 * for the peer and for every hop a forwarding header names, with however many distinct
 * client addresses the traffic has.
 */
export class TrustedNetworks {
  /** Per network: 16 address bytes (already masked), then the prefix length. */
  readonly #nets: Uint8Array;
  readonly #prefixes: readonly number[];
  readonly #entries: readonly string[];

  /** Throws TrustedNetworkError on the first entry it cannot read (a start-up config error). */
  constructor(entries: readonly string[]) {
    const seen: string[] = [];
    const nets: { bytes: Uint8Array; prefix: number }[] = [];
    for (const raw of entries) {
      const entry = raw.trim();
      const alias = TRUSTED_ALIASES[entry.toLowerCase()];
      for (const e of alias ?? [entry]) nets.push(parseEntry(e, raw));
      seen.push(entry);
    }
    this.#nets = new Uint8Array(nets.length * 16);
    for (let i = 0; i < nets.length; i++) this.#nets.set(nets[i]!.bytes, i * 16);
    this.#prefixes = nets.map((n) => n.prefix);
    this.#entries = seen;
  }

  /** The entries as configured (aliases unexpanded), for start-up logs. */
  get entries(): readonly string[] {
    return this.#entries;
  }

  get empty(): boolean {
    return this.#entries.length === 0;
  }

  /** Whether this canonical address (see normalizeIp) lies in a trusted network. */
  has(ip: string, family: 4 | 6): boolean {
    const prefixes = this.#prefixes;
    if (prefixes.length === 0 || !toBytes(ip, family)) return false;
    const nets = this.#nets;
    for (let n = 0; n < prefixes.length; n++) {
      if (inPrefix(nets, n * 16, prefixes[n]!)) return true;
    }
    return false;
  }
}

/** Whether ADDR lies in the network of `prefix` bits stored at nets[at…at+16]. */
function inPrefix(nets: Uint8Array, at: number, prefix: number): boolean {
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) if (ADDR[i] !== nets[at + i]) return false;
  const bits = prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (ADDR[whole]! & mask) === nets[at + whole];
}

/** One CIDR or address as a masked 128-bit prefix. */
function parseEntry(entry: string, original: string): { bytes: Uint8Array; prefix: number } {
  const slash = entry.indexOf("/");
  const ip = normalizeIp(slash < 0 ? entry : entry.slice(0, slash));
  if (ip === null) throw new TrustedNetworkError(original);
  const max = ip.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = parsePort(entry.slice(slash + 1));
    if (p === null || p > max) throw new TrustedNetworkError(original);
    prefix = p;
  }
  if (!toBytes(ip.text, ip.family)) throw new TrustedNetworkError(original);
  const bytes = ADDR.slice();
  const bits = ip.family === 4 ? prefix + 96 : prefix;
  // Mask the host bits, as BlockList.addSubnet does (10.1.2.3/8 is 10.0.0.0/8).
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  return { bytes, prefix: bits };
}

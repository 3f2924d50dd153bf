import { BlockList } from "node:net";
import { normalizeIp, parsePort } from "./ip.js";

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

/** Addresses whose trust is remembered. */
const CACHE_SIZE = 4096;

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
 * X-Real-IP, X-Server-Addr…) is believed. Backed by node:net BlockList, which matches
 * IPv4-mapped IPv6 against IPv4 subnets as well.
 */
export class TrustedNetworks {
  readonly #list = new BlockList();
  readonly #cache = new Map<string, boolean>();
  readonly #entries: readonly string[];

  /** Throws TrustedNetworkError on the first entry it cannot read (a start-up config error). */
  constructor(entries: readonly string[]) {
    const seen: string[] = [];
    for (const raw of entries) {
      const entry = raw.trim();
      const alias = TRUSTED_ALIASES[entry.toLowerCase()];
      for (const e of alias ?? [entry]) this.#add(e, raw);
      seen.push(entry);
    }
    this.#entries = seen;
  }

  #add(entry: string, original: string): void {
    const slash = entry.indexOf("/");
    const ip = normalizeIp(slash < 0 ? entry : entry.slice(0, slash));
    if (ip === null) throw new TrustedNetworkError(original);
    const type = ip.family === 4 ? "ipv4" : "ipv6";
    if (slash < 0) {
      this.#list.addAddress(ip.text, type);
      return;
    }
    const prefix = parsePort(entry.slice(slash + 1));
    if (prefix === null || prefix > (ip.family === 4 ? 32 : 128)) throw new TrustedNetworkError(original);
    this.#list.addSubnet(ip.text, prefix, type);
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
    if (this.#entries.length === 0) return false;
    // BlockList.check builds a SocketAddress per call; the same few proxy and client
    // addresses repeat, so answers are cached (bounded: cleared when full).
    const hit = this.#cache.get(ip);
    if (hit !== undefined) return hit;
    const v = this.#list.check(ip, family === 4 ? "ipv4" : "ipv6");
    if (this.#cache.size >= CACHE_SIZE) this.#cache.clear();
    this.#cache.set(ip, v);
    return v;
  }
}

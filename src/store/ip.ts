import { isIP } from "node:net";

/**
 * Client IPs are stored twice: as text for display and as a fixed-width key, the 16 bytes
 * of the IPv6 address in lower-case hex with IPv4 mapped to `::ffff:a.b.c.d` (RFC 4291
 * §2.5.5.2). Keys compare like the addresses they encode, so a CIDR becomes one range
 * `lo <= key <= hi` that an index answers, for both families in one column.
 */

const HEX = "0123456789abcdef";

/** The 16 bytes of an address (IPv4 mapped), or undefined when `ip` is not an address. */
export function ipBytes(ip: string): Uint8Array | undefined {
  // A zone id (fe80::1%eth0, RFC 6874) names an interface, not part of the address.
  const pct = ip.indexOf("%");
  const addr = pct === -1 ? ip : ip.slice(0, pct);
  const family = isIP(addr);
  if (family === 4) {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    writeV4(addr, out, 12);
    return out;
  }
  if (family === 6) return v6Bytes(addr);
  return undefined;
}

/** `isIP` has validated the text, so these parsers only split it. */
function writeV4(s: string, out: Uint8Array, at: number): void {
  const parts = s.split(".");
  for (let i = 0; i < 4; i++) out[at + i] = Number(parts[i]);
}

function v6Bytes(s: string): Uint8Array {
  const out = new Uint8Array(16);
  const dbl = s.indexOf("::");
  const head = dbl === -1 ? s : s.slice(0, dbl);
  const tail = dbl === -1 ? "" : s.slice(dbl + 2);
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === "" ? [] : tail.split(":");
  // The last group may be an embedded IPv4 address (::ffff:1.2.3.4, 64:ff9b::1.2.3.4).
  const words = (groups: string[]): number[] => {
    const w: number[] = [];
    for (const g of groups) {
      if (g.includes(".")) {
        const b = new Uint8Array(4);
        writeV4(g, b, 0);
        w.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else w.push(Number.parseInt(g, 16));
    }
    return w;
  };
  const hw = words(headGroups);
  const tw = words(tailGroups);
  const all = [...hw, ...new Array<number>(8 - hw.length - tw.length).fill(0), ...tw];
  for (let i = 0; i < 8; i++) {
    out[2 * i] = (all[i]! >> 8) & 0xff;
    out[2 * i + 1] = all[i]! & 0xff;
  }
  return out;
}

function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += HEX[x >> 4]! + HEX[x & 15]!;
  return s;
}

/** The comparable key of an address (32 hex digits), or undefined when it is not one. */
export function ipKey(ip: string): string | undefined {
  const b = ipBytes(ip);
  return b === undefined ? undefined : hex(b);
}

/** An inclusive key range; `lo === hi` for a single address. */
export interface IpRange {
  readonly lo: string;
  readonly hi: string;
}

/**
 * The key range of an address or a CIDR (`10.0.0.0/8`, `2001:db8::/32`). An IPv4 prefix
 * counts from the mapped address, so `/8` covers 96 + 8 bits. Host bits set in the base
 * (10.1.2.3/8) are ignored rather than refused, as most tools do.
 */
export function ipRange(text: string): IpRange | undefined {
  const slash = text.indexOf("/");
  const base = ipBytes(slash === -1 ? text : text.slice(0, slash));
  if (base === undefined) return undefined;
  if (slash === -1) {
    const k = hex(base);
    return { lo: k, hi: k };
  }
  const bitsText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const v4 = isIP(text.slice(0, slash)) === 4;
  const prefix = Number(bitsText);
  if (prefix > (v4 ? 32 : 128)) return undefined;
  const bits = prefix + (v4 ? 96 : 0);
  const lo = new Uint8Array(base);
  const hi = new Uint8Array(base);
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    lo[i] = base[i]! & mask;
    hi[i] = (base[i]! & mask) | (~mask & 0xff);
  }
  return { lo: hex(lo), hi: hex(hi) };
}

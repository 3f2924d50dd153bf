/**
 * Host classification for SSRF: is this host (as a URL parser would read it) the
 * server itself, an internal network, or a cloud metadata service?
 *
 * IPv4 numbers are read the way `inet_aton(3)` and the WHATWG URL "IPv4 parser" read
 * them (https://url.spec.whatwg.org/#concept-ipv4-parser): one to four parts, each
 * decimal, octal (leading `0`) or hexadecimal (`0x`), the last part filling the
 * remaining bytes. That is why `2130706433`, `0x7f000001`, `0177.0.0.1` and `127.1` all
 * reach 127.0.0.1; attackers use exactly these spellings to pass naive filters.
 */

export type HostClass =
  | "metadata"
  | "loopback"
  | "private"
  | "link-local"
  | "unspecified"
  | "internal-name"
  | "rebinding"
  | "public";

export interface HostInfo {
  readonly cls: HostClass;
  /** The host is an IP written in a non-canonical way (dotless, hex, octal, short, overflow). */
  readonly obfuscated: boolean;
  /** The host is an IP literal (v4 in any spelling, or a bracketed v6). */
  readonly ip: boolean;
  readonly ipv6: boolean;
}

const TWO32 = 4294967296;

/**
 * Parses one IPv4 part; returns its value (already reduced modulo 2^32, as several
 * libc implementations silently truncate) or -1. `canon` says whether it was plain decimal.
 */
function parsePart(s: string, from: number, to: number, out: { canon: boolean }): number {
  if (to <= from || to - from > 40) return -1;
  let base = 10;
  let i = from;
  if (to - from >= 2 && s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 0x20) === 120) {
    base = 16;
    i += 2;
    out.canon = false;
    if (i === to) return 0;
  } else if (to - from >= 2 && s.charCodeAt(i) === 48) {
    base = 8;
    i += 1;
    out.canon = false;
  }
  let v = 0;
  for (; i < to; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (base === 16 && (c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
    else return -1;
    if (d >= base) return -1;
    v = (v * base + d) % TWO32;
  }
  return v;
}

/** IPv4 in any inet_aton spelling → 32-bit number, or -1. */
export function parseIPv4(host: string): { addr: number; canonical: boolean } | null {
  const n = host.length;
  if (n === 0 || n > 64) return null;
  const parts: number[] = [];
  const out = { canon: true };
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i === n || host.charCodeAt(i) === 46) {
      if (i === start) {
        // A trailing dot is allowed once (fully qualified form).
        if (i === n && parts.length > 0) break;
        return null;
      }
      const v = parsePart(host, start, i, out);
      if (v < 0) return null;
      parts.push(v);
      if (parts.length > 4) return null;
      start = i + 1;
    }
  }
  if (parts.length === 0) return null;
  let addr = 0;
  const last = parts.length - 1;
  for (let k = 0; k < last; k++) {
    const p = parts[k]!;
    if (p > 255) out.canon = false;
    addr = addr * 256 + (p & 255);
  }
  const rem = 4 - last;
  addr = (addr * 256 ** rem + (parts[last]! % 256 ** rem)) % TWO32;
  if (parts.length !== 4 || parts[last]! > 255) out.canon = false;
  return { addr, canonical: out.canon };
}

function classifyV4(a: number): HostClass {
  const o1 = Math.floor(a / 16777216);
  const o2 = Math.floor(a / 65536) & 255;
  if (a === 0xa9fea9fe || a === 0xa9feaa02 /* 169.254.170.2, ECS task metadata */) return "metadata";
  if (a === 0x646464c8 /* 100.100.100.200, Alibaba Cloud */) return "metadata";
  if (a === 0xc00000c0 /* 192.0.0.192, Oracle Cloud */) return "metadata";
  if (o1 === 127) return "loopback";
  if (o1 === 0) return "unspecified";
  if (o1 === 169 && o2 === 254) return "link-local";
  if (o1 === 10 || (o1 === 172 && o2 >= 16 && o2 < 32) || (o1 === 192 && o2 === 168)) return "private";
  if (o1 === 100 && o2 >= 64 && o2 < 128) return "private";
  return "public";
}

function hexGroup(s: string): number {
  if (s.length === 0 || s.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c >= 48 && c <= 57) v = v * 16 + (c - 48);
    else if (c >= 97 && c <= 102) v = v * 16 + (c - 87);
    else return -1;
  }
  return v;
}

/** RFC 4291 §2.2 text form (with optional embedded IPv4 and zone) → 8 groups, or null. */
export function parseIPv6(text: string): number[] | null {
  let s = text;
  const pct = s.indexOf("%");
  if (pct !== -1) s = s.slice(0, pct);
  if (s.length < 2 || s.length > 64) return null;
  const lastColon = s.lastIndexOf(":");
  if (lastColon !== -1 && s.indexOf(".", lastColon) !== -1) {
    // Embedded dotted IPv4 (RFC 4291 §2.2 form 3): rewrite it as two hex groups.
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(v4.addr / 65536).toString(16)}:${(v4.addr & 0xffff).toString(16)}`;
  }
  const dbl = s.indexOf("::");
  const toGroups = (part: string): number[] | null => {
    if (part.length === 0) return [];
    const out: number[] = [];
    for (const g of part.split(":")) {
      const v = hexGroup(g);
      if (v < 0) return null;
      out.push(v);
    }
    return out;
  };
  let groups: number[];
  if (dbl !== -1) {
    const head = toGroups(s.slice(0, dbl));
    const rest = toGroups(s.slice(dbl + 2));
    if (head === null || rest === null) return null;
    const fill = 8 - head.length - rest.length;
    if (fill < 0) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    const all = toGroups(s.endsWith(":") ? s.slice(0, -1) : s);
    if (all === null) return null;
    groups = all;
  }
  return groups.length === 8 ? groups : null;
}

function classifyV6(g: number[]): HostClass {
  const zeroTo = (n: number) => {
    for (let i = 0; i < n; i++) if (g[i] !== 0) return false;
    return true;
  };
  if (zeroTo(8)) return "unspecified";
  if (zeroTo(7) && g[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) forms.
  if (zeroTo(5) && (g[5] === 0xffff || g[5] === 0)) {
    const c = classifyV4((g[6]! * 65536 + g[7]!) >>> 0);
    return c === "public" && g[5] === 0 ? "private" : c;
  }
  // fd00:ec2::254 is the AWS instance metadata service over IPv6.
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g[7] === 0x254) return "metadata";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xfe00) === 0xfc00) return "private";
  return "public";
}

/** Names that resolve to the machine itself, its container host or its cluster. */
const LOOPBACK_NAMES = new Set([
  "localhost",
  "localhost.localdomain",
  "localhost4",
  "localhost4.localdomain4",
  "localhost6",
  "localhost6.localdomain6",
  "ip6-localhost",
  "ip6-loopback",
  "ipv6-localhost",
  "ipv6-loopback",
  "loopback",
]);

const INTERNAL_SUFFIXES = [
  ".internal",
  ".localhost",
  ".local",
  ".localdomain",
  ".cluster.local",
  ".home.arpa",
];
const INTERNAL_NAMES = new Set([
  "metadata",
  "metadata.packet.net",
  "metadata.platformequinix.com",
  "instance-data",
  "kubernetes",
  "kubernetes.default",
  "kubernetes.default.svc",
]);
const METADATA_NAMES = new Set([
  "metadata.google.internal",
  "metadata",
  "instance-data",
  "metadata.packet.net",
]);

/**
 * Public DNS names that answer with 127.0.0.1 (or any IP written inside the name):
 * the classic way past a "no IP literals" filter.
 */
const REBINDING_DOMAINS = [
  "localtest.me",
  "lvh.me",
  "vcap.me",
  "lacolhost.com",
  "fuf.me",
  "localh.st",
  "nip.io",
  "sslip.io",
  "xip.io",
  "nip.direct",
  "traefik.me",
  "1u.ms",
  "rbndr.us",
  "localdev.me",
];

function endsWithLabel(host: string, domain: string): boolean {
  return (
    host === domain ||
    (host.length > domain.length &&
      host.endsWith(domain) &&
      host.charCodeAt(host.length - domain.length - 1) === 46)
  );
}

/**
 * Classifies a host as written in a URL (lower-cased, already mapped from look-alike
 * Unicode). Brackets mark IPv6.
 */
export function classifyHost(hostIn: string): HostInfo {
  let host = hostIn;
  if (host.length === 0) return { cls: "public", obfuscated: false, ip: false, ipv6: false };
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf("]");
    const g = parseIPv6(host.slice(1, close === -1 ? host.length : close));
    if (g === null) return { cls: "public", obfuscated: false, ip: false, ipv6: false };
    return { cls: classifyV6(g), obfuscated: false, ip: true, ipv6: true };
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  const c0 = host.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    const v4 = parseIPv4(host);
    if (v4 !== null) return { cls: classifyV4(v4.addr), obfuscated: !v4.canonical, ip: true, ipv6: false };
  }
  // Every special name below ends in one of a few labels: any other host is public.
  if (!SPECIAL_LAST_LABELS.has(host.slice(host.lastIndexOf(".") + 1))) return PUBLIC;
  if (METADATA_NAMES.has(host)) return { cls: "metadata", obfuscated: false, ip: false, ipv6: false };
  if (LOOPBACK_NAMES.has(host)) return { cls: "loopback", obfuscated: false, ip: false, ipv6: false };
  if (INTERNAL_NAMES.has(host)) return { cls: "internal-name", obfuscated: false, ip: false, ipv6: false };
  for (const s of INTERNAL_SUFFIXES) {
    if (host.endsWith(s) && host.length > s.length)
      return { cls: "internal-name", obfuscated: false, ip: false, ipv6: false };
  }
  for (const d of REBINDING_DOMAINS) {
    if (endsWithLabel(host, d)) return { cls: "rebinding", obfuscated: false, ip: false, ipv6: false };
  }
  return PUBLIC;
}

const PUBLIC: HostInfo = Object.freeze({ cls: "public", obfuscated: false, ip: false, ipv6: false });

/** The last label of every name the lists above match (cheap first test in classifyHost). */
const SPECIAL_LAST_LABELS = new Set<string>(
  [...METADATA_NAMES, ...LOOPBACK_NAMES, ...INTERNAL_NAMES, ...INTERNAL_SUFFIXES, ...REBINDING_DOMAINS].map(
    (n) => n.slice(n.lastIndexOf(".") + 1),
  ),
);

/** True for the classes an SSRF payload aims at. */
export function isInternal(cls: HostClass): boolean {
  return cls !== "public";
}

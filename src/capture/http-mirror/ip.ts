/**
 * IP address text ⇄ bytes, written out so that every address the listener reports has one
 * spelling: IPv4 dotted-quad, IPv6 in the RFC 5952 canonical form, and IPv4-mapped IPv6
 * (`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4 peer) as plain IPv4.
 * Everything here takes attacker-written text and returns null rather than throwing.
 */

/** One address, its family and its canonical text. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly text: string;
}

/** Longest text worth parsing as an address (a full IPv6 with an embedded IPv4 is 45). */
const MAX_IP_TEXT = 64;

function digitValue(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : -1;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * Strict dotted-quad as a 32-bit unsigned value, or -1: four decimal parts 0–255 without
 * leading zeros (as inet_pton). No allocation: it runs for every address a request names.
 */
export function ipv4Value(s: string): number {
  if (s.length < 7 || s.length > 15) return -1;
  let acc = 0;
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 3) return -1;
      acc = acc * 256 + value;
      part++;
      value = 0;
      digits = 0;
      continue;
    }
    const d = digitValue(c);
    if (d < 0 || (digits > 0 && value === 0) || ++digits > 3) return -1;
    value = value * 10 + d;
    if (value > 255) return -1;
  }
  return part === 4 ? acc : -1;
}

/** Strict dotted-quad (see ipv4Value) as four bytes. */
export function parseIPv4(s: string): Uint8Array | null {
  const v = ipv4Value(s);
  if (v < 0) return null;
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** Scratch groups of parseIPv6Into (single-threaded use, filled before every read). */
const GROUPS = new Uint16Array(8);

/**
 * RFC 4291 §2.2 text forms, including `::` and a trailing dotted-quad; no zone id. Writes
 * the 16 bytes into `out` (from `at`) and returns true, or returns false (out is then
 * undefined). No allocation, for the trust checks that run per request.
 */
export function parseIPv6Into(s: string, out: Uint8Array, at = 0): boolean {
  if (s.length < 2 || s.length > 45) return false;
  const groups = GROUPS;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
    if (s.length === 2) {
      out.fill(0, at, at + 16);
      return true;
    }
  } else if (s.charCodeAt(0) === 58) return false;
  while (i < s.length) {
    // A group is 1–4 hex digits; the last one may instead be an IPv4 address.
    let j = i;
    let v = 0;
    while (j < s.length && j - i < 5) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
      j++;
    }
    if (j < s.length && s.charCodeAt(j) === 46) {
      const v4 = ipv4Value(s.slice(i));
      if (v4 < 0 || count > 6) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      i = s.length;
      break;
    }
    if (j === i || j - i > 4) return false;
    if (count === 8) return false;
    groups[count++] = v;
    if (j === s.length) {
      i = j;
      break;
    }
    if (s.charCodeAt(j) !== 58) return false;
    if (j + 1 < s.length && s.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i = j + 2;
      if (i === s.length) break;
    } else {
      i = j + 1;
      if (i === s.length) return false;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  out.fill(0, at, at + 16);
  const tail = gap < 0 ? 0 : count - gap;
  for (let g = 0; g < count; g++) {
    const to = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
    out[at + to * 2] = groups[g]! >> 8;
    out[at + to * 2 + 1] = groups[g]! & 0xff;
  }
  return true;
}

/** RFC 4291 §2.2 text forms (see parseIPv6Into) as 16 bytes, or null. */
export function parseIPv6(s: string): Uint8Array | null {
  const out = new Uint8Array(16);
  return parseIPv6Into(s, out) ? out : null;
}

export function formatIPv4(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** RFC 5952 §4: lower-case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIPv6(b: Uint8Array): string {
  if (isV4Mapped(b)) return `::ffff:${formatIPv4(b, 12)}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[i * 2]! << 8) | b[i * 2 + 1]!);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(":");
  if (bestAt < 0) return hex(0, 8);
  return `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
}

/**
 * Canonical form of an address as text, or null. Accepts IPv4, IPv6 (a zone id after `%`
 * is dropped: it names an interface on the sender's host, not an address) and brackets
 * around IPv6. IPv4-mapped IPv6 becomes IPv4 so that one client has one spelling.
 */
export function normalizeIp(s: string): IpAddress | null {
  if (s.length === 0 || s.length > MAX_IP_TEXT) return null;
  let t = s;
  if (t.charCodeAt(0) === 91 && t.charCodeAt(t.length - 1) === 93) t = t.slice(1, -1);
  if (t.includes(":")) {
    const pct = t.indexOf("%");
    if (pct >= 0) t = t.slice(0, pct);
    const b = parseIPv6(t);
    if (b === null) return null;
    if (isV4Mapped(b)) return { family: 4, text: formatIPv4(b, 12) };
    return { family: 6, text: formatIPv6(b) };
  }
  // A strict dotted-quad is its own canonical text: no need to format it again.
  return ipv4Value(t) < 0 ? null : { family: 4, text: t };
}

/** A port as decimal text, 0–65535, at most 5 digits. */
export function parsePort(s: string): number | null {
  if (s.length === 0 || s.length > 5) return null;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (d < 0) return null;
    v = v * 10 + d;
  }
  return v <= 65535 ? v : null;
}

/**
 * A node as forwarding headers write it: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`,
 * `[2001:db8::1]:4711` or a bare IPv6 (X-Forwarded-For writers often omit the brackets).
 */
export function parseNode(s: string): { ip: string; family: 4 | 6; port?: number } | null {
  const t = s.trim();
  if (t.length === 0 || t.length > MAX_IP_TEXT) return null;
  if (t.charCodeAt(0) === 91) {
    const close = t.indexOf("]");
    if (close < 0) return null;
    const ip = normalizeIp(t.slice(1, close));
    if (ip === null || ip.family !== 6) return null;
    const rest = t.slice(close + 1);
    if (rest === "") return { ip: ip.text, family: 6 };
    if (rest.charCodeAt(0) !== 58) return null;
    const port = parsePort(rest.slice(1));
    return port === null ? null : { ip: ip.text, family: 6, port };
  }
  const colon = t.indexOf(":");
  if (colon >= 0 && t.indexOf(":", colon + 1) < 0) {
    // Exactly one colon: IPv4 with a port.
    const ip = normalizeIp(t.slice(0, colon));
    const port = parsePort(t.slice(colon + 1));
    if (ip === null || ip.family !== 4 || port === null) return null;
    return { ip: ip.text, family: 4, port };
  }
  const ip = normalizeIp(t);
  return ip === null ? null : { ip: ip.text, family: ip.family };
}

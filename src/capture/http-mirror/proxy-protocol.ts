import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, parsePort } from "./ip.js";

/**
 * The PROXY protocol, versions 1 (text) and 2 (binary), as specified by HAProxy in
 * proxy-protocol.txt (https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt).
 * A proxy writes one header at the very start of a connection to say which client and
 * server addresses the connection stands for. parse* never throws and never reads past
 * the buffer; serialize* is its inverse (used by tests and tools).
 */

/** §2.1: "a receiver may limit the line to 107 characters" — the longest valid v1 line. */
export const V1_MAX_LENGTH = 107;
/** §2.2: the 12-byte v2 signature, chosen to never begin a valid HTTP request. */
export const V2_SIGNATURE = Uint8Array.of(
  0x0d,
  0x0a,
  0x0d,
  0x0a,
  0x00,
  0x0d,
  0x0a,
  0x51,
  0x55,
  0x49,
  0x54,
  0x0a,
);
const V1_PREFIX = Uint8Array.of(0x50, 0x52, 0x4f, 0x58, 0x59, 0x20); // "PROXY "
/** v2: 16 fixed bytes, then at most 65535 bytes of addresses and TLVs. */
export const V2_MAX_LENGTH = 16 + 0xffff;

export interface ProxyInetAddress {
  readonly ip: string;
  readonly port: number;
}
/** §2.2 AF_UNIX: a path of at most 108 bytes, NUL-padded on the wire. */
export interface ProxyUnixAddress {
  readonly path: string;
}

export interface ProxyHeaderV1 {
  readonly version: 1;
  readonly family: "TCP4" | "TCP6" | "UNKNOWN";
  /** Absent for UNKNOWN: the receiver uses the real connection's addresses. */
  readonly source?: ProxyInetAddress;
  readonly destination?: ProxyInetAddress;
}

/** §2.2.7: type-length-value extensions (ALPN, authority, CRC32C, unique id, SSL…). */
export interface ProxyTlv {
  readonly type: number;
  readonly value: Uint8Array;
}

export interface ProxyHeaderV2 {
  readonly version: 2;
  /** LOCAL: the proxy's own connection (health check); use the real addresses. */
  readonly command: "LOCAL" | "PROXY";
  readonly family: "UNSPEC" | "INET" | "INET6" | "UNIX";
  readonly transport: "UNSPEC" | "STREAM" | "DGRAM";
  readonly source?: ProxyInetAddress | ProxyUnixAddress;
  readonly destination?: ProxyInetAddress | ProxyUnixAddress;
  readonly tlvs: readonly ProxyTlv[];
}

export type ProxyHeader = ProxyHeaderV1 | ProxyHeaderV2;

export type ProxyParseResult =
  /** The bytes do not start a PROXY header: the connection speaks plain HTTP. */
  | { readonly status: "none" }
  /** The bytes so far are the beginning of a header: read more. */
  | { readonly status: "incomplete" }
  | { readonly status: "error"; readonly reason: string }
  /** A header of `length` bytes; what follows belongs to the proxied protocol. */
  | { readonly status: "ok"; readonly header: ProxyHeader; readonly length: number };

const FAMILIES = ["UNSPEC", "INET", "INET6", "UNIX"] as const;
const TRANSPORTS = ["UNSPEC", "STREAM", "DGRAM"] as const;
const ADDRESS_BYTES = [0, 12, 36, 216] as const;
const UNIX_PATH_BYTES = 108;

/** -1: b is a proper prefix of sig; 1: b starts with sig; 0: neither. */
function prefixState(b: Uint8Array, sig: Uint8Array): -1 | 0 | 1 {
  const n = Math.min(b.length, sig.length);
  for (let i = 0; i < n; i++) if (b[i] !== sig[i]) return 0;
  return b.length >= sig.length ? 1 : -1;
}

/** Parses a PROXY header (v1 or v2, told apart by their signatures) at the start of `b`. */
export function parseProxyHeader(b: Uint8Array): ProxyParseResult {
  if (b.length === 0) return { status: "incomplete" };
  const v2 = prefixState(b, V2_SIGNATURE);
  if (v2 === 1) return parseV2(b);
  const v1 = prefixState(b, V1_PREFIX);
  if (v1 === 1) return parseV1(b);
  return v1 === -1 || v2 === -1 ? { status: "incomplete" } : { status: "none" };
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function parseV1(b: Uint8Array): ProxyParseResult {
  const limit = Math.min(b.length, V1_MAX_LENGTH);
  let cr = -1;
  for (let i = V1_PREFIX.length; i < limit; i++) {
    if (b[i] === 0x0a) return { status: "error", reason: "v1: line feed without carriage return" };
    if (b[i] === 0x0d) {
      cr = i;
      break;
    }
  }
  if (cr < 0) {
    return b.length >= V1_MAX_LENGTH
      ? { status: "error", reason: "v1: no CRLF within 107 bytes" }
      : { status: "incomplete" };
  }
  if (cr + 1 >= b.length) return { status: "incomplete" };
  if (b[cr + 1] !== 0x0a) return { status: "error", reason: "v1: CR not followed by LF" };
  const length = cr + 2;
  const line = latin1(b, V1_PREFIX.length, cr);
  // §2.1: "PROXY UNKNOWN" may be followed by anything up to the CRLF, which is ignored.
  if (line === "UNKNOWN" || line.startsWith("UNKNOWN ")) {
    return { status: "ok", header: { version: 1, family: "UNKNOWN" }, length };
  }
  const parts = line.split(" ");
  if (parts.length !== 5)
    return { status: "error", reason: "v1: expected 5 fields separated by single spaces" };
  const [family, src, dst, sport, dport] = parts as [string, string, string, string, string];
  if (family !== "TCP4" && family !== "TCP6") return { status: "error", reason: "v1: unknown protocol" };
  const parse = family === "TCP4" ? parseIPv4 : parseIPv6;
  const format = family === "TCP4" ? (x: Uint8Array) => formatIPv4(x) : formatIPv6;
  const s = parse(src);
  const d = parse(dst);
  const sp = parsePort(sport);
  const dp = parsePort(dport);
  if (s === null || d === null) return { status: "error", reason: `v1: address is not ${family}` };
  if (sp === null || dp === null) return { status: "error", reason: "v1: bad port" };
  return {
    status: "ok",
    header: {
      version: 1,
      family,
      source: { ip: format(s), port: sp },
      destination: { ip: format(d), port: dp },
    },
    length,
  };
}

function parseV2(b: Uint8Array): ProxyParseResult {
  if (b.length < 16) return { status: "incomplete" };
  const verCmd = b[12]!;
  if (verCmd >> 4 !== 2) return { status: "error", reason: "v2: version is not 2" };
  const cmd = verCmd & 0x0f;
  if (cmd > 1) return { status: "error", reason: "v2: unknown command" };
  const famByte = b[13]!;
  const fam = famByte >> 4;
  const proto = famByte & 0x0f;
  if (fam > 3) return { status: "error", reason: "v2: unknown address family" };
  if (proto > 2) return { status: "error", reason: "v2: unknown transport protocol" };
  const len = (b[14]! << 8) | b[15]!;
  if (b.length < 16 + len) return { status: "incomplete" };
  const family = FAMILIES[fam]!;
  const addrBytes = ADDRESS_BYTES[fam]!;
  if (len < addrBytes) return { status: "error", reason: "v2: length shorter than the address block" };
  const at = 16;
  let source: ProxyInetAddress | ProxyUnixAddress | undefined;
  let destination: ProxyInetAddress | ProxyUnixAddress | undefined;
  const port = (i: number) => (b[i]! << 8) | b[i + 1]!;
  if (family === "INET") {
    source = { ip: formatIPv4(b, at), port: port(at + 8) };
    destination = { ip: formatIPv4(b, at + 4), port: port(at + 10) };
  } else if (family === "INET6") {
    source = { ip: formatIPv6(b.subarray(at, at + 16)), port: port(at + 32) };
    destination = { ip: formatIPv6(b.subarray(at + 16, at + 32)), port: port(at + 34) };
  } else if (family === "UNIX") {
    source = { path: unixPath(b, at) };
    destination = { path: unixPath(b, at + UNIX_PATH_BYTES) };
  }
  const tlvs: ProxyTlv[] = [];
  const end = 16 + len;
  let p = at + addrBytes;
  while (p < end) {
    if (p + 3 > end) return { status: "error", reason: "v2: truncated TLV header" };
    const tlen = (b[p + 1]! << 8) | b[p + 2]!;
    if (p + 3 + tlen > end) return { status: "error", reason: "v2: TLV runs past the header" };
    tlvs.push({ type: b[p]!, value: new Uint8Array(b.subarray(p + 3, p + 3 + tlen)) });
    p += 3 + tlen;
  }
  const header: ProxyHeaderV2 = {
    version: 2,
    command: cmd === 0 ? "LOCAL" : "PROXY",
    family,
    transport: TRANSPORTS[proto]!,
    ...(source === undefined ? {} : { source }),
    ...(destination === undefined ? {} : { destination }),
    tlvs,
  };
  return { status: "ok", header, length: end };
}

function unixPath(b: Uint8Array, at: number): string {
  let end = at;
  while (end < at + UNIX_PATH_BYTES && b[end] !== 0) end++;
  return latin1(b, at, end);
}

/** The header as bytes. Throws RangeError on a header that cannot be written. */
export function serializeProxyHeader(h: ProxyHeader): Uint8Array {
  return h.version === 1 ? serializeV1(h) : serializeV2(h);
}

function serializeV1(h: ProxyHeaderV1): Uint8Array {
  let line: string;
  if (h.family === "UNKNOWN") line = "PROXY UNKNOWN\r\n";
  else {
    const { source: s, destination: d } = h;
    if (s === undefined || d === undefined) throw new RangeError("v1 TCP header needs both addresses");
    line = `PROXY ${h.family} ${s.ip} ${d.ip} ${s.port} ${d.port}\r\n`;
  }
  if (line.length > V1_MAX_LENGTH) throw new RangeError("v1 line too long");
  return Uint8Array.from(line, (c) => c.charCodeAt(0) & 0xff);
}

function ipBytes(ip: string, family: "INET" | "INET6"): Uint8Array {
  const b = family === "INET" ? parseIPv4(ip) : parseIPv6(ip);
  if (b === null) throw new RangeError(`not an ${family} address: ${ip}`);
  return b;
}

function serializeV2(h: ProxyHeaderV2): Uint8Array {
  const fam = FAMILIES.indexOf(h.family);
  const addrBytes = ADDRESS_BYTES[fam]!;
  let len = addrBytes;
  for (const t of h.tlvs) len += 3 + t.value.length;
  if (len > 0xffff) throw new RangeError("v2 header longer than 65535 bytes");
  const out = new Uint8Array(16 + len);
  out.set(V2_SIGNATURE, 0);
  out[12] = 0x20 | (h.command === "LOCAL" ? 0 : 1);
  out[13] = (fam << 4) | TRANSPORTS.indexOf(h.transport);
  out[14] = len >> 8;
  out[15] = len & 0xff;
  const at = 16;
  const { source: s, destination: d } = h;
  if (h.family === "INET" || h.family === "INET6") {
    if (s === undefined || d === undefined || !("ip" in s) || !("ip" in d))
      throw new RangeError("v2 INET header needs IP source and destination");
    const w = h.family === "INET" ? 4 : 16;
    out.set(ipBytes(s.ip, h.family), at);
    out.set(ipBytes(d.ip, h.family), at + w);
    out[at + 2 * w] = s.port >> 8;
    out[at + 2 * w + 1] = s.port & 0xff;
    out[at + 2 * w + 2] = d.port >> 8;
    out[at + 2 * w + 3] = d.port & 0xff;
  } else if (h.family === "UNIX") {
    if (s === undefined || d === undefined || !("path" in s) || !("path" in d))
      throw new RangeError("v2 UNIX header needs path source and destination");
    for (const [i, path] of [s.path, d.path].entries()) {
      if (path.length > UNIX_PATH_BYTES) throw new RangeError("unix path longer than 108 bytes");
      for (let k = 0; k < path.length; k++) out[at + i * UNIX_PATH_BYTES + k] = path.charCodeAt(k) & 0xff;
    }
  }
  let p = at + addrBytes;
  for (const t of h.tlvs) {
    out[p] = t.type & 0xff;
    out[p + 1] = t.value.length >> 8;
    out[p + 2] = t.value.length & 0xff;
    out.set(t.value, p + 3);
    p += 3 + t.value.length;
  }
  return out;
}

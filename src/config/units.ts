/**
 * Parsers for the value shapes a config file and the environment share: sizes
 * (`64KiB`, `1MB`, or a plain number of bytes), durations (`10s`, `1h`, or a plain number
 * of milliseconds) and listen addresses (`host:port`). Each returns the value or an
 * error message (never throws), so that the schema can report the setting's path.
 */
import { isIP } from "node:net";

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

// Bounded digit runs and a single optional space: linear, nothing to backtrack over.
const SIZE_RE = /^(\d{1,15}) ?([a-z]{1,3})?$/i;
const DURATION_RE = /^(\d{1,15}) ?([a-z]{1,2})$/i;

/** Bytes from a whole number or `<n><unit>` (B, K/KiB, KB, M/MiB, MB, G/GiB, GB). */
export function parseSize(v: unknown): number | string {
  if (typeof v === "number") {
    return Number.isSafeInteger(v) && v >= 0 ? v : "expected a whole number of bytes or a size like 64KiB";
  }
  if (typeof v !== "string") return "expected a size like 64KiB, 1MB or a number of bytes";
  const m = SIZE_RE.exec(v.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? "b").toLowerCase()];
  if (m === null || unit === undefined) {
    return `"${v}" is not a size (use a number of bytes or a unit: B, KiB, KB, MiB, MB, GiB, GB)`;
  }
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : `"${v}" is too large`;
}

/** Milliseconds from a whole number or `<n><unit>` (ms, s, m, h, d). */
export function parseDuration(v: unknown): number | string {
  if (typeof v === "number") {
    return Number.isSafeInteger(v) && v >= 0
      ? v
      : "expected a whole number of milliseconds or a duration like 10s";
  }
  if (typeof v !== "string") return "expected a duration like 500ms, 10s, 5m, 1h, 7d or a number of ms";
  const t = v.trim();
  if (/^\d{1,15}$/.test(t)) return Number(t);
  const m = DURATION_RE.exec(t);
  const unit = DURATION_UNITS[(m?.[2] ?? "").toLowerCase()];
  if (m === null || unit === undefined) return `"${v}" is not a duration (use ms, s, m, h or d, e.g. 10s)`;
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : `"${v}" is too large`;
}

/** A listening address. `host` is an IP or a name; IPv6 is written `[::1]:8445`. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const HOSTNAME_RE = /^[a-z0-9](?:[a-z0-9.-]{0,252})$/i;

/** `host:port`, `[v6]:port`. Port 0 asks the system for a free port (tests). */
export function parseListen(v: unknown): ListenAddress | string {
  if (typeof v !== "string") return 'expected "host:port", e.g. "127.0.0.1:8445"';
  const s = v.trim();
  let host: string;
  let portText: string;
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close === -1 || s[close + 1] !== ":") return `"${v}" is not [IPv6]:port`;
    host = s.slice(1, close);
    portText = s.slice(close + 2);
    if (isIP(host) !== 6) return `"${host}" is not an IPv6 address`;
  } else {
    const colon = s.lastIndexOf(":");
    if (colon <= 0) return `"${v}" is not host:port (e.g. 127.0.0.1:8445, 0.0.0.0:8445, [::1]:8445)`;
    host = s.slice(0, colon);
    portText = s.slice(colon + 1);
    if (host.includes(":")) return `"${v}": write an IPv6 address in brackets, e.g. [::1]:8445`;
    if (isIP(host) === 0 && !HOSTNAME_RE.test(host)) return `"${host}" is not an IP address or host name`;
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return `"${portText}" is not a port (0–65535)`;
  }
  return { host, port: Number(portText) };
}

export function formatListen(a: ListenAddress): string {
  return a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** An IP or a CIDR block (v4 or v6), e.g. `10.0.0.0/8`, `::1`, `fd00::/8`. */
export function parseNetwork(v: unknown): string | { error: string } {
  if (typeof v !== "string") return { error: "expected an IP address or a CIDR block like 10.0.0.0/8" };
  const s = v.trim();
  const slash = s.indexOf("/");
  const ip = slash === -1 ? s : s.slice(0, slash);
  const family = isIP(ip);
  if (family === 0) return { error: `"${v}" is not an IP address or CIDR block` };
  if (slash !== -1) {
    const bits = s.slice(slash + 1);
    const max = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) {
      return { error: `"${v}": the prefix length must be 0–${max}` };
    }
  }
  return s;
}

import { isIP } from "node:net";
import { ATTACK_TYPES, isAttackType } from "../model/index.js";

/**
 * Value formats of the API's inputs. Each is both an Ajv format (so route schemas
 * validate it and the OpenAPI document names it) and a parser used by the handlers, so
 * that the check and the conversion can never disagree.
 */

/** Epoch milliseconds: up to 15 digits (year 33658), no sign. */
const EPOCH_MS = /^\d{1,15}$/;
/**
 * ISO 8601 / RFC 3339 profile: a date, or a date-time with seconds optional and a
 * mandatory zone (`Z` or ±hh:mm) so that a query never depends on the server's zone.
 */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Parses a time parameter to epoch ms, or undefined when it is not one. */
export function parseTime(s: string): number | undefined {
  if (EPOCH_MS.test(s)) return Number(s);
  const m = ISO_TIME.exec(s);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Date.parse rolls 2024-02-30 over to March 1st: check the calendar date ourselves.
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59))
    return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : undefined;
}

/** An IP address or a CIDR block, v4 or v6 (no zone ids). */
export function parseSource(s: string): { ip: string; prefix?: number; family: 4 | 6 } | undefined {
  const slash = s.indexOf("/");
  const ip = slash === -1 ? s : s.slice(0, slash);
  const family = isIP(ip);
  if ((family !== 4 && family !== 6) || ip.includes("%")) return undefined;
  if (slash === -1) return { ip, family };
  const p = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  return { ip, prefix, family };
}

/** Splits repeated or comma-separated attack type names; undefined when one is unknown. */
export function parseTypes(values: readonly string[]): string[] | undefined {
  const out = new Set<string>();
  for (const v of values) {
    for (const part of v.split(",")) {
      const t = part.trim();
      if (t === "") continue;
      if (!isAttackType(t)) return undefined;
      out.add(t);
    }
  }
  return [...out];
}

/** One attack type list item (a name or a comma list of names). */
function typeListItem(s: string): boolean {
  const parsed = parseTypes([s]);
  return parsed !== undefined && parsed.length > 0;
}

/** Durations for stats buckets: `90s`, `5m`, `1h`, `1d`, or plain milliseconds. */
const DURATION = /^(\d{1,10})(ms|s|m|h|d)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(s: string): number | undefined {
  const m = DURATION.exec(s);
  if (m === null) return undefined;
  const ms = Number(m[1]) * (UNIT_MS[m[2] ?? "ms"] ?? 1);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/** Ajv formats for the route schemas, by name. */
export const FORMATS = {
  "mw-time": (s: string) => parseTime(s) !== undefined,
  "mw-ip-or-cidr": (s: string) => parseSource(s) !== undefined,
  "mw-attack-types": typeListItem,
  "mw-duration": (s: string) => parseDuration(s) !== undefined,
} as const;

/** What a value of each format must look like, for error messages. */
export const FORMAT_HINTS: Readonly<Record<string, string>> = {
  "mw-time":
    "must be epoch milliseconds or an ISO 8601 date (2024-05-01) or date-time with a zone (2024-05-01T12:00:00Z)",
  "mw-ip-or-cidr": "must be an IP address or a CIDR block (v4 or v6)",
  "mw-attack-types": `must be attack type names, repeated or comma-separated, among: ${ATTACK_TYPES.join(", ")}`,
  "mw-duration": "must be a duration such as 90s, 5m, 1h, 1d, or milliseconds",
};

import { POINT_SEPARATOR } from "../../model/index.js";
import { StoreError } from "../errors.js";
import { toSqliteGlob } from "../glob.js";
import { ipRange } from "../ip.js";
import type { HitFilter } from "../types.js";

/**
 * HitFilter → SQL conditions with bound parameters. Values are never spliced into SQL:
 * the text of a condition depends only on which filters are present (so a bounded set of
 * statements gets prepared and cached), the values go in `params`.
 */
export interface Where {
  readonly conds: string[];
  readonly params: unknown[];
}

/** Longest filter string accepted (host, method, point, attack id). */
const MAX_TEXT = 2048;
/** Most types in one filter (there are fewer attack types than this). */
const MAX_TYPES = 64;

function text(name: string, v: string): string {
  if (typeof v !== "string" || v.length > MAX_TEXT)
    throw bad(`${name} must be a string of at most ${MAX_TEXT} characters`);
  return v;
}

function int(name: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw bad(`${name} must be an integer`);
  return v;
}

function bad(msg: string): StoreError {
  return new StoreError("invalid_filter", msg);
}

/**
 * The half-open range of point names under a ` › *` prefix: every name starting with
 * `prefix` sorts in [prefix, prefix with its last character bumped). SQLite compares TEXT
 * bytewise in UTF-8, which orders like code points, so bumping the final space works.
 */
function pointPrefix(point: string): { lo: string; hi: string } | undefined {
  const suffix = `${POINT_SEPARATOR}*`;
  if (!point.endsWith(suffix)) return undefined;
  const lo = point.slice(0, point.length - 1);
  const last = lo.charCodeAt(lo.length - 1);
  return { lo, hi: lo.slice(0, -1) + String.fromCharCode(last + 1) };
}

/** Conditions on the hit-level columns of `hits` (alias `h`). */
function hitColumns(f: HitFilter, w: Where, withTime: boolean): void {
  if (withTime && f.from !== undefined) {
    w.conds.push("h.ts >= ?");
    w.params.push(int("from", f.from));
  }
  if (withTime && f.to !== undefined) {
    w.conds.push("h.ts < ?");
    w.params.push(int("to", f.to));
  }
  if (f.source !== undefined) {
    const r = ipRange(text("source", f.source));
    if (r === undefined) throw bad("source must be an IP address or a CIDR (v4 or v6)");
    if (r.lo === r.hi) {
      w.conds.push("h.ip_key = ?");
      w.params.push(r.lo);
    } else {
      w.conds.push("h.ip_key BETWEEN ? AND ?");
      w.params.push(r.lo, r.hi);
    }
  }
  if (f.path !== undefined) {
    const g = toSqliteGlob(text("path", f.path));
    if (g === undefined) throw bad("path glob is too long or has too many '*'");
    w.conds.push("h.path GLOB ?");
    w.params.push(g);
  }
  if (f.method !== undefined) {
    w.conds.push("h.method = ?");
    w.params.push(text("method", f.method));
  }
  if (f.status !== undefined) {
    w.conds.push("h.status = ?");
    w.params.push(int("status", f.status));
  }
  if (f.vni !== undefined) {
    w.conds.push("h.vni = ?");
    w.params.push(int("vni", f.vni));
  }
}

/** Conditions shared by hits and attacks on type, host and point (alias `t`). */
function groupColumns(f: HitFilter, w: Where, t: string): void {
  if (f.types !== undefined) {
    if (!Array.isArray(f.types) || f.types.length > MAX_TYPES) throw bad(`at most ${MAX_TYPES} types`);
    if (f.types.length === 0) {
      w.conds.push("0");
    } else {
      w.conds.push(`${t}.type IN (${f.types.map(() => "?").join(", ")})`);
      for (const ty of f.types) w.params.push(text("type", ty));
    }
  }
  if (f.host !== undefined) {
    w.conds.push(`${t}.host = ?`);
    w.params.push(text("host", f.host));
  }
  if (f.point !== undefined) {
    const p = text("point", f.point);
    const range = pointPrefix(p);
    if (range === undefined) {
      w.conds.push(`${t}.point = ?`);
      w.params.push(p);
    } else {
      w.conds.push(`${t}.point >= ? AND ${t}.point < ?`);
      w.params.push(range.lo, range.hi);
    }
  }
}

/** WHERE conditions for `hits h`. */
export function hitWhere(f: HitFilter): Where {
  const w: Where = { conds: [], params: [] };
  hitColumns(f, w, true);
  groupColumns(f, w, "h");
  if (f.attackId !== undefined) {
    w.conds.push("h.attack_id = ?");
    w.params.push(text("attackId", f.attackId));
  }
  return w;
}

/** WHERE conditions for `attacks a` (see HitFilter for what each filter means there). */
export function attackWhere(f: HitFilter): Where {
  const w: Where = { conds: [], params: [] };
  if (f.from !== undefined) {
    w.conds.push("a.last_seen >= ?");
    w.params.push(int("from", f.from));
  }
  if (f.to !== undefined) {
    w.conds.push("a.first_seen < ?");
    w.params.push(int("to", f.to));
  }
  groupColumns(f, w, "a");
  if (f.attackId !== undefined) {
    w.conds.push("a.id = ?");
    w.params.push(text("attackId", f.attackId));
  }
  const sub: Where = { conds: [], params: [] };
  hitColumns(f, sub, false);
  if (sub.conds.length > 0) {
    // One of its hits matches: stored in full, or counted only (sampled out, see
    // migrations.ts hit_counts, whose filter columns carry the same names). An attack
    // whose only hits from a source are past the sampling limit is still that source's.
    const cond = sub.conds.join(" AND ");
    w.conds.push(
      `(EXISTS (SELECT 1 FROM hits h WHERE h.attack_id = a.id AND ${cond}) OR ` +
        `EXISTS (SELECT 1 FROM hit_counts h WHERE h.attack_id = a.id AND ${cond}))`,
    );
    w.params.push(...sub.params, ...sub.params);
  }
  return w;
}

export function whereSql(w: Where, extra: string[] = []): string {
  const all = [...w.conds, ...extra];
  return all.length === 0 ? "" : ` WHERE ${all.join(" AND ")}`;
}

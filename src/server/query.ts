import type { AttackType } from "../model/index.js";
import type { HitFilter, PageRequest } from "../store/types.js";
import { ApiError } from "./errors.js";
import { parseSource, parseTime, parseTypes } from "./formats.js";

/**
 * Query strings (already validated by the route schemas) turned into store filters. The
 * parsers are the same functions the schema formats use, so a value that passed the
 * schema always converts; the checks here are the ones a schema cannot state (e.g.
 * `from` after `to`).
 */

export interface FilterQuery {
  readonly from?: string;
  readonly to?: string;
  readonly type?: readonly string[];
  readonly source?: string;
  readonly host?: string;
  readonly path?: string;
  readonly method?: string;
  readonly point?: string;
  readonly status?: number;
  readonly vni?: number;
}

export interface PageQuery {
  readonly limit?: number;
  readonly cursor?: string;
}

function invalid(field: string, message: string): ApiError {
  return new ApiError("invalid_request", `'${field}' ${message}`, [
    { in: "querystring", field, message: `'${field}' ${message}` },
  ]);
}

export function timeParam(field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = parseTime(value);
  if (t === undefined) throw invalid(field, "is not a valid time");
  return t;
}

export function toHitFilter(q: FilterQuery, extra: { attackId?: string } = {}): HitFilter {
  const from = timeParam("from", q.from);
  const to = timeParam("to", q.to);
  if (from !== undefined && to !== undefined && from > to) throw invalid("from", "must not be after 'to'");
  let types: AttackType[] | undefined;
  if (q.type !== undefined) {
    const parsed = parseTypes(q.type);
    if (parsed === undefined) throw invalid("type", "names an unknown attack type");
    types = parsed as AttackType[];
  }
  if (q.source !== undefined && parseSource(q.source) === undefined) {
    throw invalid("source", "must be an IP address or a CIDR block");
  }
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(types === undefined || types.length === 0 ? {} : { types }),
    ...(q.source === undefined ? {} : { source: q.source }),
    ...(q.host === undefined ? {} : { host: q.host }),
    ...(q.path === undefined ? {} : { path: q.path }),
    ...(q.method === undefined ? {} : { method: q.method }),
    ...(q.point === undefined ? {} : { point: q.point }),
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(q.vni === undefined ? {} : { vni: q.vni }),
    ...(extra.attackId === undefined ? {} : { attackId: extra.attackId }),
  };
}

export function toPage(q: PageQuery): PageRequest {
  return {
    limit: q.limit ?? 50,
    ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
  };
}

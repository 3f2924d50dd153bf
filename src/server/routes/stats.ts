import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors.js";
import { parseDuration } from "../formats.js";
import { type FilterQuery, toHitFilter } from "../query.js";
import { authErrors, statsQuery, statsReply } from "../schemas.js";
import { isoTime } from "../views.js";
import type { RouteContext } from "./context.js";

type StatsQuery = FilterQuery & { readonly bucket?: string; readonly top?: number };

/** Default window when `from` is not given. */
const DEFAULT_WINDOW_MS = 24 * 3_600_000;
/** Narrowest bucket: finer series belong to a metrics system, not the attack store. */
const MIN_BUCKET_MS = 60_000;
/** Most buckets one series may have, so one query cannot ask for millions. */
const MAX_BUCKETS = 10_000;

function invalid(field: string, message: string): ApiError {
  const m = `'${field}' ${message}`;
  return new ApiError("invalid_request", m, [{ in: "querystring", field, message: m }]);
}

export function statsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: StatsQuery }>(
    "/api/v1/stats",
    {
      schema: {
        tags: ["stats"],
        summary: "Hit counts per type and per time bucket, top sources and top targets.",
        description:
          "Counts every hit, stored in full or only counted by sampling (identical hits beyond 5 an hour), so a flood shows its full size; /api/v1/hits lists the stored ones. Counted hits are placed at the start of their minute.",
        querystring: statsQuery,
        response: { 200: statsReply, ...authErrors },
      },
    },
    async (req) => {
      const q = req.query;
      const filter = toHitFilter(q);
      const to = filter.to ?? ctx.now();
      const from = filter.from ?? to - DEFAULT_WINDOW_MS;
      if (from > to) throw invalid("from", "must not be after 'to'");
      const bucketMs = parseDuration(q.bucket ?? "1h");
      if (bucketMs === undefined) throw invalid("bucket", "is not a valid duration");
      if (bucketMs < MIN_BUCKET_MS) throw invalid("bucket", "must be at least 1 minute");
      if ((to - from) / bucketMs > MAX_BUCKETS) {
        throw invalid("bucket", `is too narrow for this time range (at most ${MAX_BUCKETS} buckets)`);
      }
      const s = await ctx.store.stats({ ...filter, from, to, bucketMs, top: q.top ?? 10 });
      return {
        from: isoTime(from),
        to: isoTime(to),
        bucketMs,
        total: s.total,
        byType: s.byType,
        series: s.series.map((b) => ({ ts: b.ts, time: isoTime(b.ts), byType: b.byType })),
        topSources: s.topSources,
        topTargets: s.topTargets,
      };
    },
  );
}

import type { AnalysisLimits, Anomaly, HttpRequest, Point } from "../../model/index.js";
import { DEFAULT_LIMITS } from "../../model/index.js";
import { emitBody } from "./body/index.js";
import { emitHeaders } from "./headers.js";
import { PointSink } from "./sink.js";
import { emitPairs, emitPath, splitTarget } from "./url.js";

export { emitValue } from "./decode.js";
export { type NestedDecoder, nestedDecoders } from "./decoders/index.js";
export { hasPercentEscape, percentDecode, utf8Decode } from "./percent.js";
export { type PointMeta, PointSink } from "./sink.js";

export interface ExtractedPoints {
  readonly points: readonly Point[];
  readonly anomalies: readonly Anomaly[];
}

const QUERY_PREFIX: readonly string[] = ["query"];

/** Breaks one request into decoded points. Never throws; bounds become anomalies. */
export function extractPoints(req: HttpRequest, limits: AnalysisLimits = DEFAULT_LIMITS): ExtractedPoints {
  const sink = new PointSink(limits);
  try {
    const { path, query } = splitTarget(req.target);
    emitPath(sink, path);
    if (query !== null && query.length > 0) emitPairs(sink, "query", QUERY_PREFIX, query, 0);
    emitHeaders(sink, req.headers);
    emitBody(sink, req);
  } catch (e) {
    // Parsers are written not to throw; should one still do, the request keeps the points
    // read so far and says so, rather than taking the worker down.
    sink.anomaly("parser_error", "request", e instanceof Error ? e.name : "error");
  }
  return { points: sink.points, anomalies: sink.anomalies };
}

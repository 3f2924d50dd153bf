import type { AnalysisLimits, Anomaly, HttpRequest, Point } from "../../model/index.js";
import { DEFAULT_LIMITS } from "../../model/index.js";
import { emitBody } from "./body/index.js";
import { emitHeaders } from "./headers.js";
import { PointSink } from "./sink.js";
import { emitPairs, emitPath, splitTarget } from "./url.js";

export { percentDecode, utf8Decode } from "./percent.js";
export { PointSink } from "./sink.js";

export interface ExtractedPoints {
  readonly points: readonly Point[];
  readonly anomalies: readonly Anomaly[];
}

/** Breaks one request into decoded points. Never throws; bounds become anomalies. */
export function extractPoints(req: HttpRequest, limits: AnalysisLimits = DEFAULT_LIMITS): ExtractedPoints {
  const sink = new PointSink(limits);
  const { path, query } = splitTarget(req.target);
  emitPath(sink, path);
  if (query !== null && query.length > 0) emitPairs(sink, "query", ["query"], query, 0);
  emitHeaders(sink, req.headers);
  emitBody(sink, req);
  return { points: sink.points, anomalies: sink.anomalies };
}

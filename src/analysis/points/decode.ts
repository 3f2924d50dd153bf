import type { PointKind, PointZone } from "../../model/index.js";
import { DECODERS } from "./decoders/index.js";
import type { PointMeta, PointSink } from "./sink.js";

/**
 * Emits a value as a point, then offers it to every nested decoder (base64, JWT,
 * embedded JSON, double percent-encoding…) which may emit children with one more step.
 * Depth is bounded by `limits.maxDepth`.
 */
export function emitValue(
  sink: PointSink,
  steps: readonly string[],
  zone: PointZone,
  kind: PointKind,
  value: string,
  depth: number,
  meta?: PointMeta,
): void {
  const p = sink.add(steps, zone, kind, value, depth, meta);
  if (p === undefined || value.length < 4) return;
  if (depth >= sink.limits.maxDepth) {
    sink.anomaly("depth_limit", steps.join(" › "));
    return;
  }
  for (const d of DECODERS) {
    if (!sink.open) return;
    if (d.applies(p.value, kind)) d.run(sink, steps, zone, p.value, depth + 1, meta);
  }
}

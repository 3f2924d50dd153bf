import type { PointKind, PointZone } from "../../model/index.js";
import { DECODERS } from "./decoders/index.js";
import type { DecodeInput } from "./decoders/types.js";
import type { PointMeta, PointSink } from "./sink.js";
import { stepsName } from "./sink.js";

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
  emitV(sink, steps, zone, kind, value, depth, meta?.header, meta?.name);
}

/** `emitValue` with the optional header and name as plain arguments (no meta object). */
export function emitV(
  sink: PointSink,
  steps: readonly string[],
  zone: PointZone,
  kind: PointKind,
  value: string,
  depth: number,
  header: string | undefined,
  name: string | undefined,
): void {
  const v = sink.push(steps, zone, kind, value, depth, header, name);
  if (v === undefined || v.length < 4) return;
  offerDecoders(sink, steps, zone, kind, v, depth, header, name);
}

/** Offers an already emitted value to the nested decoders. */
export function offerDecoders(
  sink: PointSink,
  steps: readonly string[],
  zone: PointZone,
  kind: PointKind,
  value: string,
  depth: number,
  header: string | undefined,
  name: string | undefined,
): void {
  let input: DecodeInput | null = null;
  for (let i = 0; i < DECODERS.length; i++) {
    const d = DECODERS[i]!;
    if (!d.applies(value, kind, name)) continue;
    if (!sink.open) return;
    if (depth >= sink.limits.maxDepth) {
      sink.anomaly("depth_limit", stepsName(steps));
      return;
    }
    if (input === null) input = { sink, steps, zone, kind, value, depth: depth + 1, header, name };
    d.run(input);
  }
}

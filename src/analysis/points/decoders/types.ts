import type { PointKind, PointZone } from "../../../model/index.js";
import type { PointMeta, PointSink } from "../sink.js";

/**
 * A nested decoder: recognises a value that carries another encoding or structure and
 * emits what is inside as child points (registered by name, ARCHITECTURE.md principle 2).
 * `applies` must be cheap: it runs on every value. `run` never throws.
 */
export interface NestedDecoder {
  /** The step appended to the point path, e.g. `base64`. */
  readonly step: string;
  applies(value: string, kind: PointKind): boolean;
  run(sink: PointSink, steps: readonly string[], zone: PointZone, value: string, depth: number, meta?: PointMeta): void;
}

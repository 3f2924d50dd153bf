import type { PointKind, PointZone } from "../../../model/index.js";
import type { PointSink } from "../sink.js";

/** What a nested decoder is offered: the point just emitted. */
export interface DecodeInput {
  readonly sink: PointSink;
  readonly steps: readonly string[];
  readonly zone: PointZone;
  readonly kind: PointKind;
  readonly value: string;
  /** Depth of the children this decoder emits (parent depth + 1). */
  readonly depth: number;
  readonly header: string | undefined;
  readonly name: string | undefined;
}

/**
 * A nested decoder: recognises a value that carries another encoding or structure and
 * emits what is inside as child points with one more step (registered by name,
 * ARCHITECTURE.md principle 2). `applies` must be cheap: it runs on every value
 * (an `indexOf` or a check of the first characters; native `indexOf` beats any JS loop). `run`
 * never throws and emits nothing when the value does not decode.
 */
export interface NestedDecoder {
  /** The step appended to the point path, e.g. `base64`. */
  readonly step: string;
  applies(value: string, kind: PointKind, name: string | undefined): boolean;
  run(input: DecodeInput): void;
}

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
  /** The value's own point in `sink.points`, or -1 (see `PointSink.cover`). */
  readonly index: number;
}

/**
 * Cheap facts about a value, computed once per value (`triggerFacts`), so that a decoder's
 * `applies` is only called when the value could concern it.
 */
export const T_PCT = 1; // has `%`
export const T_AMP = 2; // has `&`
export const T_BSL = 4; // has `\`
export const T_NUL = 8; // a byte-order mark or NULs among the first characters
export const T_OPEN = 16; // starts with `{` or `[`
export const T_TOKEN = 32; // starts with `e` (`eyJ…`) or `B`/`b` (`Bearer …`)
export const T_LONG = 64; // long enough for base64 (`base64Length`), and not a key
export const T_QUERY = 128; // the parameter is named `query`

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
  /** `T_*` facts of which at least one must hold for `applies` to be asked. */
  readonly triggers: number;
  applies(value: string, kind: PointKind, name: string | undefined): boolean;
  /**
   * Returns true when the value was wholly structured data that parsed cleanly (JSON,
   * a JWT): its parts were emitted with their own decoders, so the value as a whole is
   * not offered to the remaining (textual) decoders.
   */
  run(input: DecodeInput): boolean;
}

import type { PointKind, PointZone } from "../../model/index.js";
import { base64Length } from "./decoders/base64.js";
import { nestedDecoders } from "./decoders/index.js";
import {
  type DecodeInput,
  T_AMP,
  T_BSL,
  T_LONG,
  T_NUL,
  T_OPEN,
  T_PCT,
  T_QUERY,
  T_TOKEN,
} from "./decoders/types.js";
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

/**
 * `emitValue` with the optional header and name as plain arguments (no meta object).
 * `absent`: `T_PCT | T_AMP | T_BSL` bits the caller already knows do not occur in the
 * value (e.g. a segment of a path that has no `%`), so they are not searched again;
 * `T_OPEN` when the value was already read as a JSON document (not again as embedded JSON).
 */
export function emitV(
  sink: PointSink,
  steps: readonly string[],
  zone: PointZone,
  kind: PointKind,
  value: string,
  depth: number,
  header: string | undefined,
  name: string | undefined,
  absent = 0,
): void {
  const v = sink.push(steps, zone, kind, value, depth, header, name);
  if (v === undefined || v.length < 4) return;
  offerDecoders(sink, steps, zone, kind, v, depth, header, name, absent, sink.points.length - 1);
}

/**
 * Offers an already emitted value to the nested decoders. `index`: the value's point in
 * `sink.points` (-1 when unknown), which a decoder may mark as covered by its children.
 */
export function offerDecoders(
  sink: PointSink,
  steps: readonly string[],
  zone: PointZone,
  kind: PointKind,
  value: string,
  depth: number,
  header: string | undefined,
  name: string | undefined,
  absent = 0,
  index = -1,
): void {
  const facts = triggerFacts(value, kind, name, absent);
  if (facts === 0) return;
  let input: DecodeInput | null = null;
  const decoders = nestedDecoders();
  for (let i = 0; i < decoders.length; i++) {
    const d = decoders[i]!;
    if ((d.triggers & facts) === 0 || !d.applies(value, kind, name)) continue;
    if (!sink.open) return;
    if (depth >= sink.limits.maxDepth) {
      sink.anomaly("depth_limit", stepsName(steps));
      return;
    }
    if (input === null) input = { sink, steps, zone, kind, value, depth: depth + 1, header, name, index };
    if (d.run(input)) return;
  }
}

/**
 * The `T_*` facts of a value: three native `indexOf`s and a look at the first
 * characters. Most values (short, plain) come out 0 and meet no decoder at all.
 */
export function triggerFacts(value: string, kind: PointKind, name: string | undefined, absent = 0): number {
  const c0 = value.charCodeAt(0);
  const c1 = value.charCodeAt(1);
  let f = 0;
  if (c0 === 123 || c0 === 91) {
    if ((absent & T_OPEN) === 0) f |= T_OPEN;
  } else if (c0 === 101 || c0 === 66 || c0 === 98) f |= T_TOKEN;
  else if (c0 === 0 || c0 === 0xff || c0 === 0xfe) f |= T_NUL;
  if (c1 === 0) f |= T_NUL;
  if (kind !== "key" && base64Length(value)) f |= T_LONG;
  if (name === "query") f |= T_QUERY;
  if ((absent & T_PCT) === 0 && value.indexOf("%") !== -1) f |= T_PCT;
  if ((absent & T_AMP) === 0 && value.indexOf("&") !== -1) f |= T_AMP;
  if ((absent & T_BSL) === 0 && value.indexOf("\\") !== -1) f |= T_BSL;
  return f;
}

/** `T_PCT | T_AMP | T_BSL` bits NOT present in `s` (for `emitV`'s `absent`). */
export function absentBits(s: string): number {
  let a = 0;
  if (s.indexOf("%") === -1) a |= T_PCT;
  if (s.indexOf("&") === -1) a |= T_AMP;
  if (s.indexOf("\\") === -1) a |= T_BSL;
  return a;
}

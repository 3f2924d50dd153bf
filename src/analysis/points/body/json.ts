import type { PointZone } from "../../../model/index.js";
import { emitValue } from "../decode.js";
import type { PointSink } from "../sink.js";

/**
 * Emits every key and scalar of a JSON document (RFC 8259) as points:
 * `body › json › user › name`, array items as `body › json › items › 0`.
 * Returns false when the text is not JSON (the caller may fall back).
 */
export function emitJson(
  sink: PointSink,
  prefix: readonly string[],
  zone: PointZone,
  text: string,
  depth: number,
  noteInvalid: boolean,
): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    if (noteInvalid) sink.anomaly("bad_json", prefix.join(" › "));
    return false;
  }
  walk(sink, prefix, zone, doc, depth, 0);
  return true;
}

function walk(sink: PointSink, steps: readonly string[], zone: PointZone, v: unknown, depth: number, level: number): void {
  if (!sink.open) return;
  if (level > 32) {
    sink.anomaly("depth_limit", steps.join(" › "));
    return;
  }
  if (typeof v === "string") {
    emitValue(sink, steps, zone, "value", v, depth, { name: steps[steps.length - 1] ?? "" });
  } else if (typeof v === "number" || typeof v === "boolean") {
    // Scalars carry no payload beyond their digits; still points for completeness
    // (API discovery and NoSQL operators look at them).
    sink.add(steps, zone, "value", String(v), depth, { name: steps[steps.length - 1] ?? "" });
  } else if (Array.isArray(v)) {
    let i = 0;
    for (const item of v) {
      if (i >= sink.limits.maxParts) {
        sink.anomaly("parts_limit", steps.join(" › "));
        break;
      }
      walk(sink, [...steps, String(i++)], zone, item, depth, level + 1);
    }
  } else if (v !== null && typeof v === "object") {
    let i = 0;
    for (const k of Object.keys(v)) {
      if (i++ >= sink.limits.maxParts) {
        sink.anomaly("parts_limit", steps.join(" › "));
        break;
      }
      const child = [...steps, k];
      sink.add([...child, "#key"], zone, "key", k, depth, { name: k });
      walk(sink, child, zone, (v as Record<string, unknown>)[k], depth, level + 1);
    }
  }
}

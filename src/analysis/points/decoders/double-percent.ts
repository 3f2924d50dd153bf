import { emitV } from "../decode.js";
import { type DecodeFlags, hasPercentEscape, percentDecode } from "../percent.js";
import { stepsName, stepsPlus } from "../sink.js";
import { type NestedDecoder, T_PCT } from "./types.js";

/** A value that still holds `%XX` after the parser decoded it once: double encoding. */
export const doublePercent: NestedDecoder = {
  step: "urlenc",
  triggers: T_PCT,
  applies(value) {
    return hasPercentEscape(value);
  },
  run(x) {
    const flags: DecodeFlags = { badEscape: false, badUtf8: false, overlong: false };
    const decoded = percentDecode(x.value, false, flags);
    if (flags.overlong) x.sink.anomaly("overlong_utf8", stepsName(x.steps));
    if (decoded !== x.value) {
      const before = x.sink.points.length;
      const events = x.sink.anomalyEvents;
      emitV(x.sink, stepsPlus(x.steps, "urlenc"), x.zone, x.kind, decoded, x.depth, x.header, x.name);
      // The decoded text holds everything the encoded one does, and is what the
      // application reads: detectors need not read both (unless the child was cut).
      if (
        x.sink.points.length > before &&
        x.sink.points[before]!.value === decoded &&
        x.sink.anomalyEvents === events
      )
        x.sink.cover(x.index);
    }
    return false;
  },
};

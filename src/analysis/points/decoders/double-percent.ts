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
    if (decoded !== x.value)
      emitV(x.sink, stepsPlus(x.steps, "urlenc"), x.zone, x.kind, decoded, x.depth, x.header, x.name);
    return false;
  },
};

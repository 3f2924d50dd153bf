import { hasPercentEscape, percentDecode } from "../percent.js";
import { emitValue } from "../decode.js";
import type { NestedDecoder } from "./types.js";

/** A value that still holds `%XX` after the parser decoded it once: double encoding. */
export const doublePercent: NestedDecoder = {
  step: "urlenc",
  applies(value) {
    return value.indexOf("%") !== -1 && hasPercentEscape(value);
  },
  run(sink, steps, zone, value, depth, meta) {
    const decoded = percentDecode(value, false);
    if (decoded !== value) emitValue(sink, [...steps, "urlenc"], zone, "value", decoded, depth, meta);
  },
};

import { emitJson } from "../body/json.js";
import type { NestedDecoder } from "./types.js";

/** A value that is itself a JSON object or array (common in query strings and cookies). */
export const embeddedJson: NestedDecoder = {
  step: "json",
  applies(value, kind) {
    if (kind === "key" || value.length < 2) return false;
    const a = value.charCodeAt(0);
    const z = value.charCodeAt(value.length - 1);
    return (a === 123 && z === 125) || (a === 91 && z === 93);
  },
  run(sink, steps, zone, value, depth) {
    emitJson(sink, [...steps, "json"], zone, value, depth, false);
  },
};

import { emitJson } from "../body/json.js";
import { stepsPlus } from "../sink.js";
import { type NestedDecoder, T_OPEN } from "./types.js";

/** Index of the first non-whitespace character at or after `i` (or `s.length`). */
function skipWs(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  return i;
}

/**
 * A value that is itself a JSON object or array (common in query strings and cookies).
 * Conservative: an object must open with a quoted key (or be empty) so that GraphQL
 * selections (`{ user { id } }`) and template text (`{name}`) are left alone.
 */
export const embeddedJson: NestedDecoder = {
  step: "json",
  triggers: T_OPEN,
  applies(value, kind) {
    if (kind === "key" || value.length < 2) return false;
    const a = value.charCodeAt(0);
    const z = value.charCodeAt(value.length - 1);
    if (a === 123 && z === 125) {
      const c = value.charCodeAt(skipWs(value, 1));
      return c === 34 || c === 125 || c === 39;
    }
    if (a === 91 && z === 93) {
      const c = value.charCodeAt(skipWs(value, 1));
      // `"`, `{`, `[`, `]`, digit, `-`, t/f/n
      return (
        c === 34 ||
        c === 123 ||
        c === 91 ||
        c === 93 ||
        (c >= 48 && c <= 57) ||
        c === 45 ||
        c === 116 ||
        c === 102 ||
        c === 110
      );
    }
    return false;
  },
  run(x) {
    const events = x.sink.anomalyEvents;
    const clean = emitJson(x.sink, stepsPlus(x.steps, "json"), x.zone, x.value, x.depth, false, x.header);
    // Parsed cleanly and whole (no limit cut anything): every key and value is a point of
    // its own, so the JSON text itself (its quotes, braces, colons) need not be read again.
    if (clean && x.sink.open && x.sink.anomalyEvents === events) x.sink.cover(x.index);
    return clean;
  },
};

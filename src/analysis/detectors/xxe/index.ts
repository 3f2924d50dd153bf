import type { Point } from "../../../model/index.js";
import type { Detector, DetectorMatch } from "../types.js";
import { findXxe } from "./dtd.js";

/**
 * XML external entities and their relatives (dtd.ts): external entity and DTD
 * declarations, parameter entities, XInclude, XSLT `document()`. Works on any value
 * that holds XML — a raw body, a SOAP envelope, a form field, a JSON string — and on the
 * `markup` points the XML body parser emits for DTDs and entity declarations.
 * Entity-expansion bombs (billion laughs) are the points layer's `data_bomb`, not ours.
 */
/** Every sign needs one of these (case-insensitive, like the scanner). */
const PREFILTER = /<!|nclude|document\(/i;

export function detectXxe(p: Point): DetectorMatch | null {
  if (p.kind === "ext" || p.kind === "segment") return null;
  const r = findXxe(p.value);
  return r === null ? null : { signature: `xxe.${r.sign}`, start: r.start, end: r.end };
}

export const xxeDetector: Detector = {
  type: "xxe",
  prefilter(v) {
    return PREFILTER.test(v);
  },
  detect: detectXxe,
};

import type { Point } from "../../../model/index.js";
import { CH } from "../charmask.js";
import type { Detector, DetectorMatch } from "../types.js";
import { findXxe } from "./dtd.js";

/**
 * XML external entities and their relatives (dtd.ts): external entity and DTD
 * declarations, parameter entities, XInclude, XSLT `document()`. Works on any value
 * that holds XML — a raw body, a SOAP envelope, a form field, a JSON string — and on the
 * `markup` points the XML body parser emits for DTDs and entity declarations.
 * Entity-expansion bombs (billion laughs) are the points layer's `data_bomb`, not ours.
 */
/**
 * Every sign but one needs a `<` (a declaration, an `xi:include` element, an `xsl:`
 * stylesheet, an element naming its schema) and then `<!`, `include`, `schemaLocation`
 * or `document(`. Values without `<` — nearly all — cost one scan. The scanner runs only when this holds, so the two agree whatever the case.
 */
/** `m`: the engine's character mask; without it (in `detect`) every bit counts as present and the native searches decide alone. */
export function xxePrefilter(v: string, m = ~0): boolean {
  // `!ENTITY … SYSTEM` cut from its `<` (dtd.ts) is the one sign without a `<`.
  // It names a parameter entity (`%`) or a quoted system literal.
  if ((m & CH.PUNCT) !== 0 && (m & (CH.PERCENT | CH.SQUOTE | CH.DQUOTE)) !== 0) {
    const bang = v.indexOf("!");
    if (bang !== -1 && (v.indexOf("NTITY", bang) !== -1 || v.indexOf("ntity", bang) !== -1)) return true;
  }
  if ((m & CH.LT) === 0) return false;
  const lt = v.indexOf("<");
  if (lt === -1) return false;
  return (
    ((m & CH.PUNCT) !== 0 && v.indexOf("<!", lt) !== -1) ||
    v.indexOf("nclude") !== -1 ||
    v.indexOf("chemaLocation") !== -1 ||
    v.indexOf("chemalocation") !== -1 ||
    v.indexOf("CHEMALOCATION") !== -1 ||
    v.indexOf("NCLUDE") !== -1 ||
    ((m & CH.LPAREN) !== 0 && (v.indexOf("ocument(") !== -1 || v.indexOf("OCUMENT(") !== -1))
  );
}

export function detectXxe(p: Point): DetectorMatch | null {
  if (p.kind === "ext" || p.kind === "segment" || !xxePrefilter(p.value)) return null;
  const r = findXxe(p.value);
  return r === null ? null : { signature: `xxe.${r.sign}`, start: r.start, end: r.end };
}

export const xxeDetector: Detector = {
  type: "xxe",
  prefilter: xxePrefilter,
  // `<`, or the `!` of a `!ENTITY` cut from its `<`.
  needs: CH.LT | CH.PUNCT,
  detect: detectXxe,
};

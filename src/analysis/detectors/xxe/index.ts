import type { Hit, Point } from "../../../model/index.js";
import { excerpt, pointName } from "../../../model/index.js";
import { CH } from "../charmask.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { findXxe } from "./dtd.js";

/**
 * XML external entities and their relatives (dtd.ts): external entity and DTD
 * declarations, parameter entities, XInclude, XSLT `document()`. Works on any value
 * that holds XML — a raw body, a SOAP envelope, a form field, a JSON string — and on the
 * `markup` points the XML body parser emits for DTDs and entity declarations.
 * Entity-expansion bombs: the declaration pattern (an entity whose text repeats a
 * reference, billion laughs) is ours, `xxe.entity-expansion`, wherever the XML sits —
 * a query parameter, a JSON string, or an XML body's entity declaration (a `markup`
 * point). The points layer measures what an XML body's DTD would actually expand to
 * and reports `data_bomb` on top when it passes the limit (points/body/dtd.ts).
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

/** An XInclude element's name as the XML body parser emits it: `xi:include`, or `include`. */
const INCLUDE_ELEMENT = /^(?:[A-Za-z_][\w.-]{0,31}:)?include$/;

/**
 * XInclude in an XML body. The body parser splits a document into elements and
 * attributes, so no single point holds `<xi:include href=…>` whole: find the element
 * (its name is a `key` point) with an `href` attribute of its own. (`<include>` without
 * `href`, as in Maven or Ant files, is no XInclude.)
 */
function detectRequest(view: RequestView): Hit[] {
  const points = view.points;
  for (let i = 0; i < points.length; i++) {
    const e = points[i]!;
    if (e.zone !== "body" || e.kind !== "key" || e.steps[1] !== "xml" || !INCLUDE_ELEMENT.test(e.value))
      continue;
    // Its attributes follow it: the element's steps, `#key` replaced by `@href`.
    const n = e.steps.length;
    for (let j = i + 1; j < points.length && j < i + 16; j++) {
      const a = points[j]!;
      if (a.kind !== "value" || a.steps.length !== n || a.steps[n - 1] !== "@href") continue;
      let same = true;
      for (let k = 0; k < n - 1 && same; k++) same = a.steps[k] === e.steps[k];
      if (same)
        return [
          {
            type: "xxe",
            point: pointName(a),
            payload: excerpt(a.value, 0, a.value.length),
            signature: "xxe.xinclude",
          },
        ];
    }
  }
  return [];
}

export const xxeDetector: Detector = {
  type: "xxe",
  prefilter: xxePrefilter,
  // `<`, or the `!` of a `!ENTITY` cut from its `<`.
  needs: CH.LT | CH.PUNCT,
  detect: detectXxe,
  detectRequest,
};

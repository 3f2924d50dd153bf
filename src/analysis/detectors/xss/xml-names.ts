/**
 * XML bodies reach the detector as structure (`body › xml › script › @src`): the element
 * and attribute names are key points without their `<` and `=`. An XML document a browser
 * renders (XHTML, SVG) runs a `script` element and `on…` attributes, so those names are
 * signs on their own.
 */
import type { Point } from "../../../model/index.js";
import { KNOWN_EVENTS } from "./events.js";

/** Elements that run or load code in an XML document rendered by a browser. */
export const XML_ACTIVE_ELEMENTS: readonly string[] = ["script", "iframe", "embed", "applet", "frameset"];

function localName(v: string): string {
  return v.slice(v.lastIndexOf(":") + 1).toLowerCase();
}

export function xmlNameSign(p: Point): string | null {
  const parent = p.steps[p.steps.length - 2] ?? "";
  const local = localName(p.value);
  if (parent.startsWith("@")) return KNOWN_EVENTS.has(local) ? "xss.xml-event-attr" : null;
  return XML_ACTIVE_ELEMENTS.includes(local) ? "xss.xml-script-element" : null;
}

/** Does `v` from `start` to its end spell `word` (lower case), in any case? No allocation. */
function isWordAt(v: string, start: number, word: string): boolean {
  if (v.length - start !== word.length) return false;
  for (let k = 0; k < word.length; k++)
    if ((v.charCodeAt(start + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** Cheap: could `v` be one of the names above (for the prefilter)? */
export function mayBeXmlActiveName(v: string): boolean {
  const n = v.length;
  if (n > 64 || n < 5) return false;
  const a = v.charCodeAt(0) | 0x20;
  const z = v.charCodeAt(n - 1) | 0x20;
  // `onload` (an attribute), `…script`/`…iframe`/`…embed`/`…applet`/`…frameset`
  // (elements, maybe prefixed): look closer only when the first or last letter fits.
  if (a !== 111 && z !== 116 && z !== 101 && z !== 100) return false;
  const start = v.lastIndexOf(":") + 1;
  const len = n - start;
  if ((v.charCodeAt(start) | 0x20) === 111) {
    return (
      len >= 5 && (v.charCodeAt(start + 1) | 0x20) === 110 && KNOWN_EVENTS.has(v.slice(start).toLowerCase())
    );
  }
  // Element names are 5, 6 or 8 letters long: compare in place, without cutting a word.
  if (len !== 5 && len !== 6 && len !== 8) return false;
  for (const e of XML_ACTIVE_ELEMENTS) if (isWordAt(v, start, e)) return true;
  return false;
}

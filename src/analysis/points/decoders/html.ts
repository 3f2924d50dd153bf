import { emitV } from "../decode.js";
import { stepsPlus } from "../sink.js";
import { decodeEntities, hasEntity } from "./entities.js";
import { type NestedDecoder, T_AMP } from "./types.js";

/** A tag as markup starts one (`<p`, `</p`, `<!--`). */
function hasMarkup(value: string): boolean {
  let i = value.indexOf("<");
  for (let n = 0; i !== -1 && n < 16; n++) {
    const c = value.charCodeAt(i + 1) | 0x20;
    if ((c >= 97 && c <= 122) || c === 0x2f || c === 0x21) return true;
    i = value.indexOf("<", i + 1);
  }
  return false;
}

// safe-regex: alternation of literals with bounded zero runs.
const ESCAPED_LT = /&(?:lt|#0{0,8}60|#x0{0,8}3c)(?![0-9a-z])/gi;

/**
 * The value is markup as sent and also holds escaped markup in its text
 * (`<p>Use &lt;script&gt; tags</p>`, as rich-text editors send what their users typed):
 * there the escaped part is text a browser shows, never tags it parses. An escaped `<`
 * inside a tag (`<iframe srcdoc='&lt;body onload=…'>`) is parsed again by the browser,
 * so a value with one is read decoded as before, as are references that reveal no `<`
 * (`<img src=&#106;…>`).
 */
export function escapedTextInMarkup(value: string): boolean {
  if (!hasMarkup(value)) return false;
  ESCAPED_LT.lastIndex = 0;
  let seen = 0;
  for (let m = ESCAPED_LT.exec(value); m !== null && seen < 32; m = ESCAPED_LT.exec(value), seen++) {
    // Inside a tag when the last real `<` before it is not closed yet.
    if (value.lastIndexOf("<", m.index) > value.lastIndexOf(">", m.index)) return false;
  }
  return seen > 0;
}

/** HTML/XML character references (`&lt;`, `&#x3c;`, `&#60`, `&colon;`); see escapedTextInMarkup. */
export const htmlEntities: NestedDecoder = {
  step: "html",
  triggers: T_AMP,
  applies(value) {
    return hasEntity(value);
  },
  run(x) {
    const d = decodeEntities(x.value);
    if (d !== x.value && !escapedTextInMarkup(x.value))
      emitV(x.sink, stepsPlus(x.steps, "html"), x.zone, x.kind, d, x.depth, x.header, x.name);
    return false;
  },
};

/**
 * What makes a tag active: the element itself (script, iframe, object…), an event-handler
 * attribute, a URL attribute carrying a script scheme, CSS that runs script or breaks out
 * of its declaration, `srcdoc`, IE data binding, SVG animation of attributes, or a
 * framework attribute evaluating an expression. A tag without any of these (`<b>`,
 * `<p>`, `<div class=x>`, `<a href="/x">`) is markup, not XSS.
 */
import { cssIsActive, cssIsMalformed } from "./css.js";
import { decodeEntities } from "./entities.js";
// html-scan.ts imports this file too; the cycle is safe, as neither uses the other at load.
import { findHtmlSign } from "./html-scan.js";
import type { Attr, Tag } from "./html-tokenizer.js";
import { findJsSign } from "./js-rules.js";
import { tokenizeJs } from "./js-tokenizer.js";
import { findScheme } from "./scheme.js";

/** Elements that load or run code, or redirect the document, by their presence alone. */
const ACTIVE_ELEMENTS: ReadonlySet<string> = new Set([
  "script",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "base",
  "bgsound",
  "layer",
  "ilayer",
  "isindex",
  "vmlframe",
  "style",
  "portal",
  "?import",
  "import",
  "xss",
  // Foreign content: the parser switches to SVG/MathML rules, the ground of mutation XSS.
  "svg",
  "math",
  // PyScript runs Python (with DOM access) from the page.
  "py-script",
  "py-repl",
]);

/** Elements that are active when they carry attributes (a bare `<meta>` is inert). */
const ACTIVE_WITH_ATTRS: ReadonlySet<string> = new Set([
  "meta",
  "link",
  "xml",
  "?xml:namespace",
  "handler",
  "listener",
]);

/** SVG/SMIL animation elements: they can set `href` or `on…` on their target. */
const ANIMATION: ReadonlySet<string> = new Set([
  "set",
  "animate",
  "animatemotion",
  "animatetransform",
  "animatecolor",
]);

/** End tags that break out of a raw-text context the value was reflected into. */
const BREAKOUT_END_TAGS: ReadonlySet<string> = new Set([
  "script",
  "style",
  "iframe",
  "noscript",
  "xmp",
  "noembed",
]);

/** IE data binding (`datasrc`/`datafld`/`dataformatas=html`) renders bound data as HTML. */
const DATA_BINDING: ReadonlySet<string> = new Set(["datasrc", "dataformatas", "datafld"]);

export interface TagSign {
  readonly sig: string;
}

/**
 * An event-handler content attribute (HTML §8.1.8.2): `on` and a name. Unknown names
 * count too (`onbeforehellfreezes`): a browser ignores them, but an attacker sending them
 * is probing which names a filter knows.
 */
export function isEventAttr(name: string): boolean {
  if (name.length < 5 || name.charCodeAt(0) !== 111 || name.charCodeAt(1) !== 110) return false;
  for (let k = 2; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (!((c >= 97 && c <= 122) || c === 45 || c === 95)) return false;
  }
  return true;
}

/** Attributes whose value AngularJS, Vue, Alpine and friends evaluate as an expression. */
function isFrameworkAttr(name: string): boolean {
  return (
    name.startsWith("ng-") ||
    name.startsWith("data-ng-") ||
    name.startsWith("x-ng-") ||
    name.startsWith("v-") ||
    name.startsWith("x-on") ||
    name.startsWith("@") ||
    name.startsWith(":")
  );
}

/**
 * JSX in a developer's post (`<button onClick={() => setX(x + 1)}>`): an unquoted
 * attribute value ends at the first blank (or `>`), so the handler a browser compiles is
 * `{()` — a block that never closes, a syntax error, so nothing runs. Only that shape is
 * let through: a brace-wrapped value whose braces close is a block statement and runs
 * (`onerror={alert(1)}`), and a value the end of the input cut off may be completed by
 * the page. Character references are decoded first (`&#125;` is `}`); braces inside
 * string literals do not count.
 */
export function unclosedBlock(raw: string): boolean {
  const v = raw.indexOf("&") === -1 ? raw : decodeEntities(raw);
  if (v.charCodeAt(0) !== 123) return false;
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92) i++;
      else if (c === quote) quote = 0;
    } else if (c === 34 || c === 39 || c === 96) quote = c;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0 && i < v.length - 1) return false;
  }
  return depth > 0;
}

function jsxHandler(a: Attr): boolean {
  if (!a.bare || a.value === null) return false;
  return unclosedBlock(a.value);
}

function attrSign(tag: Tag, a: Attr, depth: number): TagSign | null {
  const colon = a.name.lastIndexOf(":");
  // `x:ontimer`, `ev:handler`: the namespace prefix does not change what the name does.
  const name = colon > 0 ? a.name.slice(colon + 1) : a.name;
  if (isEventAttr(name)) return jsxHandler(a) ? null : { sig: "xss.event-handler" };
  if (name === "srcdoc") return { sig: "xss.srcdoc" };
  if (DATA_BINDING.has(name)) return { sig: "xss.data-binding" };
  if (colon > 0 && (name === "href" || name === "handler")) return { sig: "xss.xlink-href" };
  if (name === "attributename" && ANIMATION.has(tag.name)) return { sig: "xss.svg-animation" };
  if (a.value === null) return null;
  const v = a.value.indexOf("&") === -1 ? a.value : decodeEntities(a.value);
  if (name === "style") {
    if (cssIsActive(v) || cssIsMalformed(v)) return { sig: "xss.css-script" };
    return null;
  }
  if (v.indexOf(":") !== -1) {
    const onData = depth < 2 ? (payload: string) => findHtmlSign(payload, depth + 1) !== null : undefined;
    const hit = findScheme(v, true, onData);
    if (hit !== null) return { sig: hit.kind === "data" ? "xss.data-uri" : "xss.script-uri" };
  }
  if (isFrameworkAttr(name) && findJsSign(tokenizeJs(v), true) !== null) return { sig: "xss.framework-expr" };
  if (tag.name === "meta" && name === "http-equiv") return { sig: "xss.meta-refresh" };
  // A namespace that makes the element script-capable or transforming: XHTML inside XML,
  // XSLT, IE's `x-schema:` data islands.
  if (name === "xmlns" || a.name.startsWith("xmlns:")) {
    const ns = v.toLowerCase();
    if (ns.includes("xsl") || ns.includes("xhtml") || ns.startsWith("x-schema:"))
      return { sig: "xss.xml-namespace" };
  }
  return null;
}

/**
 * A tag cut off by the end of the value with nothing after its name (`q=<script`,
 * "binary<script is…") is someone typing about HTML; one closed by `>`, followed by `/`,
 * or carrying an `attr=value` is a tag.
 */
function isSubstantive(tag: Tag): boolean {
  if (tag.closed || tag.slashAfterName) return true;
  for (const a of tag.attrs) if (a.value !== null || URL_ATTRS.has(a.name)) return true;
  return false;
}
const URL_ATTRS: ReadonlySet<string> = new Set([
  "src",
  "href",
  "data",
  "code",
  "action",
  "codebase",
  "srcdoc",
]);

/** Judges one tag. `depth` bounds recursion through `data:` URLs. */
export function tagSign(tag: Tag, depth: number, cut = false): TagSign | null {
  if (tag.endTag)
    return BREAKOUT_END_TAGS.has(tag.name) && tag.closed ? { sig: "xss.context-breakout" } : null;
  if (ACTIVE_ELEMENTS.has(tag.name) && (isSubstantive(tag) || (cut && tag.attrs.length > 0)))
    return { sig: `xss.tag-${tag.name.replace("?", "")}` };
  if (ACTIVE_WITH_ATTRS.has(tag.name) && tag.attrs.length > 0)
    return { sig: `xss.tag-${tag.name.replace(/[?:]/g, "")}` };
  // XSLT and XML Events in a document rendered by the browser run script too.
  if (tag.qname.startsWith("xsl:") || tag.qname.startsWith("ev:")) return { sig: "xss.tag-xml-script" };
  if ((tag.qname.startsWith("svg:") || tag.qname.startsWith("math:")) && isSubstantive(tag)) {
    return { sig: "xss.tag-foreign" };
  }
  for (const a of tag.attrs) {
    const s = attrSign(tag, a, depth);
    if (s !== null) return s;
  }
  return null;
}

import type { Point } from "../../../model/index.js";

/**
 * How much a line break in a point means, by where the point came from:
 *  - `name`: a parameter, cookie or header name: no client ever puts a line break there;
 *  - `path`: the URL path: same;
 *  - `header`: a header value (other than URL-carrying ones): the header is a single line;
 *  - `query`: a query value, cookie value, Referer/Origin URL: single-line by nature, but
 *    apps and identity providers do carry encoded multi-line messages there;
 *  - `body`: a form or JSON value: text areas are multi-line prose;
 *  - `raw`: a whole unparsed body (text, XML, multipart): line structure is its own.
 */
export type BreakContext = "name" | "path" | "header" | "query" | "body" | "raw";

/**
 * A name read straight off the request (not a key of JSON embedded in a value), possibly
 * after textual decodings of the name itself (`a%250d%250a` → `urlenc`).
 */
function directName(p: Point): boolean {
  if (p.kind !== "key") return false;
  if (p.depth === 0) return p.steps.indexOf("json") === -1;
  const k = p.steps.indexOf("#key");
  if (k === -1 || p.steps.indexOf("json") !== -1) return false;
  for (let i = k + 1; i < p.steps.length; i++) {
    const s = p.steps[i];
    if (s !== "urlenc" && s !== "html" && s !== "jsesc") return false;
  }
  return true;
}

export function breakContext(p: Point): BreakContext {
  switch (p.zone) {
    case "path":
      return "path";
    case "method":
      return "name";
    case "query":
    case "cookie":
      if (directName(p)) return "name";
      return p.kind === "key" ? "body" : "query";
    case "header":
      if (directName(p)) return "name";
      return p.header === "referer" || p.header === "origin" ? "query" : "header";
    default:
      if (p.kind === "raw") return "raw";
      // A form field name is as single-line as a query name; a JSON key may be any text.
      if (directName(p) && p.steps[1] === "form") return "name";
      return "body";
  }
}

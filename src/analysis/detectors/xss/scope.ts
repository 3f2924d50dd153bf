/**
 * Which points the XSS detector reads. Everything a client writes and an application may
 * reflect into a page: parameter values and names, cookies, path segments, bodies,
 * multipart file names, and free-text headers (User-Agent, Referer, custom `X-…`).
 * Headers with a fixed grammar that browsers fill in themselves (Accept-*, Sec-*,
 * caching and CORS headers…) and credentials are left out as sent: they are not reflected
 * as markup, and their syntax (`q=0.8`, tokens) would only cost time. What a decoder reads
 * out of them is application data and is read: the claims of a JWT bearer token.
 */
import type { Point } from "../../../model/index.js";
import { headerAsSent } from "../header-scope.js";

const STRUCTURED_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "accept",
  "accept-encoding",
  "accept-language",
  "accept-charset",
  "content-length",
  "content-type",
  "content-encoding",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "upgrade",
  "upgrade-insecure-requests",
  "cache-control",
  "pragma",
  "range",
  "date",
  "dnt",
  "priority",
  "purpose",
  "authorization",
  "proxy-authorization",
  "x-client-data",
]);

export function inScope(p: Point): boolean {
  if (p.zone === "method" || p.kind === "ext" || p.kind === "markup") return false;
  // A header as sent only: what is decoded from it (JWT claims) is read.
  const h = headerAsSent(p);
  if (h !== undefined) {
    if (STRUCTURED_HEADERS.has(h)) return false;
    if (h.startsWith("sec-") || h.startsWith("if-") || h.startsWith("access-control-")) return false;
  }
  return true;
}

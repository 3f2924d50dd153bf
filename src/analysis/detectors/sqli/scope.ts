/**
 * Which points the SQL injection detector reads. Values an application may splice into a
 * query: query/body values and keys, cookies, path segments, and headers whose value is
 * free text the client chooses (User-Agent, Referer, X-Forwarded-For, custom X-*…).
 * Headers a browser fills with a fixed grammar (RFC 9110 Accept*, Client Hints
 * `sec-ch-ua*`, Fetch Metadata `sec-fetch-*`, caching and connection headers) are not
 * stored by applications as text, and their quotes and `;` would only add noise. That is
 * their value as sent: what a decoder reads out of one (the claims of a JWT bearer token,
 * which applications do look up in their database) is read like any parameter.
 */
import type { Point } from "../../../model/index.js";
import { headerAsSent } from "../header-scope.js";

const STRUCTURED_HEADERS = new Set([
  "host",
  "connection",
  "content-type",
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "cache-control",
  "pragma",
  "upgrade",
  "upgrade-insecure-requests",
  "if-modified-since",
  "if-unmodified-since",
  "if-none-match",
  "if-match",
  "if-range",
  "range",
  "te",
  "trailer",
  "dnt",
  "priority",
  "keep-alive",
  "expect",
  "date",
  "purpose",
  "traceparent",
  "tracestate",
  "authorization",
  "proxy-authorization",
]);

/** Header names whose grammar is fixed by a specification (RFC 9110, Client Hints, Fetch). */
function isStructuredHeader(name: string): boolean {
  if (STRUCTURED_HEADERS.has(name)) return true;
  return (
    name.startsWith("accept") ||
    name.startsWith("sec-") ||
    name.startsWith("access-control-") ||
    name.startsWith("content-")
  );
}

export function inScope(p: Point): boolean {
  switch (p.kind) {
    case "ext":
    case "markup":
      return false;
    default:
      break;
  }
  // A header as sent only: what is decoded from it (JWT claims) is read.
  const h = headerAsSent(p);
  if (h !== undefined && isStructuredHeader(h)) return false;
  return true;
}

/**
 * Field names whose injection changes what a client or an intermediary does with a
 * response or request (RFC 9110, RFC 6265 for cookies, the Fetch standard for CORS, and
 * the common de-facto headers proxies act on). A line break followed by one of these is
 * a header injection even inside free text; an unknown name needs more context.
 */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  "set-cookie",
  "set-cookie2",
  "cookie",
  "location",
  "refresh",
  "content-length",
  "content-type",
  "content-encoding",
  "content-disposition",
  "content-language",
  "content-location",
  "content-range",
  "content-security-policy",
  "content-security-policy-report-only",
  "transfer-encoding",
  "te",
  "trailer",
  "connection",
  "keep-alive",
  "upgrade",
  "host",
  "expect",
  "authorization",
  "proxy-authorization",
  "www-authenticate",
  "proxy-authenticate",
  "cache-control",
  "pragma",
  "expires",
  "age",
  "vary",
  "etag",
  "last-modified",
  "link",
  "server",
  "status",
  "via",
  "forwarded",
  "referer",
  "origin",
  "user-agent",
  "range",
  "accept",
  "accept-ranges",
  "retry-after",
  "allow",
  "p3p",
  "strict-transport-security",
  "referrer-policy",
  "permissions-policy",
  "cross-origin-opener-policy",
  "cross-origin-embedder-policy",
  "cross-origin-resource-policy",
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-allow-headers",
  "access-control-allow-methods",
  "access-control-expose-headers",
  "x-xss-protection",
  "x-frame-options",
  "x-content-type-options",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
  "x-original-url",
  "x-rewrite-url",
  "x-http-method-override",
  "x-accel-redirect",
  "x-sendfile",
  "x-powered-by",
]);

/** Sensitive names that are also ordinary labels in text ("Location: Main hall"). */
export const PROSE_LABELS: ReadonlySet<string> = new Set([
  "location",
  "date",
  "host",
  "server",
  "status",
  "age",
  "link",
  "range",
  "accept",
  "allow",
  "via",
  "expires",
  "origin",
  "referer",
  "vary",
  "pragma",
  "connection",
  "upgrade",
  "expect",
  "te",
  "trailer",
  "forwarded",
  "cookie",
  "authorization",
  "user-agent",
  "content-language",
  "content-location",
  "content-range",
  "retry-after",
]);

/** The field value after the colon at/after `nameEnd` is a URL or an absolute path. */
export function urlValueAfter(v: string, nameEnd: number): boolean {
  let i = v.indexOf(":", nameEnd) + 1;
  if (i === 0) return false;
  while (i < v.length && (v.charCodeAt(i) === 32 || v.charCodeAt(i) === 9)) i++;
  const c = v.charCodeAt(i);
  if (c === 47) return true;
  const head = v.slice(i, i + 8).toLowerCase();
  return head.startsWith("http://") || head.startsWith("https://") || head.startsWith("//");
}

/** Lower-cases `v[from, to)` only when short enough to be a field name. */
export function headerKey(v: string, from: number, to: number): string {
  return to - from > 64 ? "" : v.slice(from, to).toLowerCase();
}

import { isToken } from "../../../model/index.js";

export { isTchar, isToken } from "../../../model/index.js";

/**
 * Request methods. RFC 9110 §9.1: a method is a case-sensitive token; §9.3 defines the
 * standard ones. The extension methods below are registered in the IANA HTTP Method
 * Registry (WebDAV RFC 4918, versioning RFC 3253, ACL RFC 3744, search RFC 5323,
 * binding RFC 5842, redirect refs RFC 4437, CalDAV RFC 4791, PATCH RFC 5789, the HTTP/2
 * preface `PRI` RFC 9113 §3.4) or in wide use by caches and UPnP (PURGE, NOTIFY,
 * SUBSCRIBE…). Anything else reaching an origin server is a tool probing how the stack
 * handles an unknown verb (verb tampering, access-control bypass).
 */

const KNOWN = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "OPTIONS",
  "PATCH",
  // WebDAV and its extensions
  "PROPFIND",
  "PROPPATCH",
  "MKCOL",
  "COPY",
  "MOVE",
  "LOCK",
  "UNLOCK",
  "SEARCH",
  "REPORT",
  "ACL",
  "BIND",
  "UNBIND",
  "REBIND",
  "MKCALENDAR",
  "MKACTIVITY",
  "MKWORKSPACE",
  "MKREDIRECTREF",
  "UPDATEREDIRECTREF",
  "ORDERPATCH",
  "CHECKIN",
  "CHECKOUT",
  "UNCHECKOUT",
  "VERSION-CONTROL",
  "BASELINE-CONTROL",
  "MERGE",
  "LABEL",
  "UPDATE",
  // Safe method for queries with a body (httpbis draft, registered)
  "QUERY",
  // Cache invalidation (Varnish, Squid, Fastly), link relations (RFC 2068), UPnP/GENA
  "PURGE",
  "LINK",
  "UNLINK",
  "NOTIFY",
  "SUBSCRIBE",
  "UNSUBSCRIBE",
  "M-SEARCH",
  "PRI",
]);

/**
 * Methods that have no business reaching an application: TRACE/TRACK echo the request
 * (cross-site tracing steals HttpOnly cookies), DEBUG is the IIS/ASP.NET remote-debug
 * verb, CONNECT asks the origin to act as a tunnelling proxy.
 */
const DANGEROUS = new Set(["TRACE", "TRACK", "DEBUG", "CONNECT"]);

/** Every method name a request line can carry in a smuggled request (upper case). */
export function isRequestLineMethod(m: string): boolean {
  return KNOWN.has(m) || DANGEROUS.has(m);
}

/** ASCII case-insensitive equality with a lower-case literal, without allocating. */
export function eqLower(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Classifies a method: null when it is a known, well-formed verb; otherwise the sign.
 *  - `invalid-method`: not a token at all (spaces, control characters, slashes…);
 *  - `dangerous-method`: TRACE, TRACK, DEBUG, CONNECT;
 *  - `method-case`: a known verb in the wrong case (`get`), which some servers accept
 *    and some access rules do not (methods are case-sensitive, RFC 9110 §9.1);
 *  - `unknown-method`: a token that is no registered method.
 */
export function classifyMethod(method: string): string | null {
  if (KNOWN.has(method)) return null;
  if (DANGEROUS.has(method)) return "dangerous-method";
  if (method.length > 32 || !isToken(method)) return "invalid-method";
  const upper = method.toUpperCase();
  if (DANGEROUS.has(upper)) return "dangerous-method";
  if (KNOWN.has(upper)) return "method-case";
  return "unknown-method";
}

/** For method-override values (`X-HTTP-Method-Override: TRACE`): the same verdict. */
export function classifyOverride(value: string): string | null {
  const v = value.trim();
  if (v.length === 0) return null;
  // Frameworks upper-case the override before dispatching, so case is not a sign here.
  return classifyMethod(v.toUpperCase());
}

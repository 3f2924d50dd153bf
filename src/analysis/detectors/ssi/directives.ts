/**
 * Server-side include vocabulary.
 *  - SSI elements of Apache mod_include, NGINX ngx_http_ssi_module and IIS: written
 *    `<!--#element attribute="value" -->`.
 *  - ESI (Edge Side Includes, W3C Note 2001 "ESI Language Specification 1.0" plus the
 *    Akamai/Varnish extensions): XML tags in the `esi:` namespace and `$(VARIABLE)`s.
 */

export const SSI_ELEMENTS: ReadonlySet<string> = new Set([
  "exec",
  "include",
  "echo",
  "config",
  "printenv",
  "set",
  "fsize",
  "flastmod",
  "if",
  "elif",
  "else",
  "endif",
  "block",
  "comment",
]);

/** Attributes that only SSI elements take: `#include file=` is not C's `#include <x>`. */
export const SSI_ATTRIBUTES: ReadonlySet<string> = new Set([
  "cmd",
  "cgi",
  "virtual",
  "file",
  "var",
  "value",
  "expr",
  "errmsg",
  "echomsg",
  "sizefmt",
  "timefmt",
  "encoding",
  "decoding",
  "stub",
  "wait",
  "onerror",
]);

export const ESI_TAGS: ReadonlySet<string> = new Set([
  "include",
  "inline",
  "choose",
  "when",
  "otherwise",
  "try",
  "attempt",
  "except",
  "comment",
  "remove",
  "vars",
  "eval",
  "assign",
  "debug",
  "text",
]);

/** ESI request variables (ESI 1.0 §5): `$(HTTP_COOKIE)`, `$(HTTP_COOKIE{name})`… */
export const ESI_VARIABLES: ReadonlySet<string> = new Set([
  "HTTP_ACCEPT_LANGUAGE",
  "HTTP_COOKIE",
  "HTTP_HOST",
  "HTTP_REFERER",
  "HTTP_USER_AGENT",
  "QUERY_STRING",
]);

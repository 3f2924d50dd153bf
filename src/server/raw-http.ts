import type { StoredRequest } from "../model/index.js";

/**
 * A stored request rendered as an HTTP/1.1 message (RFC 9112): request line, header
 * fields in their recorded order and spelling, blank line, body. Everything in it came
 * from an attacker, so the rendering keeps the message's structure intact whatever the
 * content: no value can start a new line or a new header.
 */

/**
 * RFC 9110 §5.5: CR, LF and NUL are invalid in field values, and a recipient may replace
 * each with SP; doing so here keeps one header per line.
 */
export function fieldText(s: string): string {
  return s.replace(/[\r\n\0]/g, " ");
}

/**
 * The request-target admits no whitespace or controls (RFC 9112 §3.2); a lenient capture
 * may have stored some, so they are percent-encoded as a client would have sent them.
 */
export function targetText(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    out += c <= 0x20 || c === 0x7f ? `%${c.toString(16).toUpperCase().padStart(2, "0")}` : ch;
  }
  return out;
}

/** HTTP/2 and HTTP/3 pseudo-header fields (`:authority`…) have no place in HTTP/1.1. */
export function isPseudoHeader(name: string): boolean {
  return name.startsWith(":");
}

/**
 * The message as text with CRLF line ends. The header fields are the recorded ones
 * (already masked by the store); a request recorded without a Host field (HTTP/2 carries
 * `:authority` instead) gets one from the recorded host, since HTTP/1.1 requires it
 * (RFC 9112 §3.2). The body is the stored body: masked, maybe truncated, so a recorded
 * Content-Length may no longer match it.
 */
export function rawHttp(r: StoredRequest): string {
  const lines = [`${targetText(fieldText(r.method))} ${targetText(r.target)} HTTP/1.1`];
  let hasHost = false;
  for (const [name, value] of r.headers) {
    if (isPseudoHeader(name)) continue;
    if (name.toLowerCase() === "host") hasHost = true;
    lines.push(`${fieldText(name)}: ${fieldText(value)}`);
  }
  if (!hasHost && r.host !== "") lines.splice(1, 0, `Host: ${fieldText(r.host)}`);
  return `${lines.join("\r\n")}\r\n\r\n${r.body}`;
}

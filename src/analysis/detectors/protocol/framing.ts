/**
 * Message framing: Content-Length and Transfer-Encoding, where request smuggling lives
 * (RFC 9112 §6 and §11.2). A front-end and a back-end that pick different framing for
 * the same bytes let an attacker prepend a request to someone else's.
 */

/** Registered transfer codings (IANA HTTP Transfer Coding Registry, RFC 9112 §7). */
const CODINGS = new Set(["chunked", "compress", "deflate", "gzip", "x-gzip", "x-compress"]);

/**
 * RFC 9110 §8.6: Content-Length = 1*DIGIT. A list of identical values (`5, 5`) may be
 * accepted by a recipient; anything else (signs, hex, spaces inside a number, differing
 * values) makes the framing invalid (RFC 9112 §6.3 rule 5).
 * Returns the canonical decimal text, or null when invalid.
 */
export function contentLengthValue(v: string): string | null {
  let value: string | null = null;
  let start = 0;
  const n = Math.min(v.length, 256);
  if (v.length > 256) return null;
  for (let guard = 0; guard < 64 && start <= n; guard++) {
    let end = v.indexOf(",", start);
    if (end === -1) end = n;
    const part = v.slice(start, end).trim();
    if (part.length === 0 || part.length > 19) return null;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
    // Leading zeros: `007` and `7` are the same length but different text; compare
    // numerically so that they do not count as a conflict.
    let z = 0;
    while (z < part.length - 1 && part.charCodeAt(z) === 48) z++;
    const canon = z === 0 ? part : part.slice(z);
    if (value === null) value = canon;
    else if (value !== canon) return null;
    start = end + 1;
  }
  return value;
}

/**
 * Checks the combined Transfer-Encoding list (all field lines joined with ","). Valid
 * when every coding is registered, `chunked` appears exactly once and last (RFC 9112
 * §6.1: "the sender MUST apply chunked as the final transfer coding"), and the text has
 * no characters outside token/OWS/comma/parameters. Obfuscations seen in smuggling
 * research — `xchunked`, `chunked, identity`, `chunked\x0b`, `"chunked"`, a repeated
 * `chunked` — fail here.
 */
export function transferEncodingValid(v: string): boolean {
  if (v.length > 256) return false;
  let chunked = 0;
  let lastIsChunked = false;
  let start = 0;
  for (let guard = 0; guard < 32 && start <= v.length; guard++) {
    let end = v.indexOf(",", start);
    if (end === -1) end = v.length;
    let part = v.slice(start, end);
    start = end + 1;
    // Parameters (`gzip;q=1`) are allowed by the grammar but no coding defines one.
    const semi = part.indexOf(";");
    if (semi !== -1) return false;
    part = trimOws(part);
    if (part.length === 0) continue; // empty list elements are allowed (RFC 9110 §5.6.1)
    const name = part.toLowerCase();
    if (!CODINGS.has(name)) return false;
    lastIsChunked = name === "chunked";
    if (lastIsChunked) chunked++;
  }
  return chunked === 1 && lastIsChunked;
}

/**
 * A header name that is not exactly a token but reads as `transfer-encoding` or
 * `content-length` once whitespace and control characters are dropped and `_` is read
 * as `-` (CGI-style normalisation): `Transfer-Encoding ` (space before the colon),
 * ` Transfer-Encoding`, `Transfer-Encoding\t`, `Content_Length`. Some servers honour
 * these and others ignore them — the desync smuggling needs.
 */
export function obfuscatedFramingName(rawName: string): "transfer-encoding" | "content-length" | null {
  if (rawName.length > 64) return null;
  let norm = "";
  for (let i = 0; i < rawName.length; i++) {
    const c = rawName.charCodeAt(i);
    if (c <= 32 || c === 127) continue;
    norm += c === 95 ? "-" : rawName[i];
  }
  norm = norm.toLowerCase();
  if (norm !== "transfer-encoding" && norm !== "content-length") return null;
  return rawName.toLowerCase() === norm ? null : norm;
}

import { trimOws } from "../../../model/index.js";

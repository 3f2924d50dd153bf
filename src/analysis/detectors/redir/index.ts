import type { Point } from "../../../model/index.js";
import { CH } from "../charmask.js";
import { isTopLevel } from "../ptrav/names.js";
import { classifyHost } from "../ssrf/host.js";
import { findUrls } from "../ssrf/urlish.js";
import type { Detector, DetectorMatch } from "../types.js";
import { isRedirectName } from "./names.js";

/**
 * Open redirect: a redirect-ish parameter (names.ts) whose value makes the browser
 * leave the site through a trick a "starts with /" or "same host" check misses:
 *  - protocol-relative `//evil`, `///evil`, `/\evil`, `\/\/evil`, `\\evil` (browsers
 *    treat `\` as `/` in special URLs, WHATWG URL §4.4);
 *  - `https:evil` / `https:/evil` (scheme without the double slash, still absolute);
 *  - `@evil.com` (read as userinfo once a prefix is prepended) and
 *    `https://trusted@evil` (userinfo hiding the real host);
 *  - an IP-literal host (`http://[::ffff:…]`, `http://3627734734`);
 *  - script schemes: `javascript:`, `vbscript:`, `data:`, with the control characters
 *    and whitespace browsers strip from a scheme (`java\r\nscript:`).
 *
 * Decided: a plain absolute URL to another site is NOT flagged, even in `redirect_uri`
 * or `url`. Real traffic is full of them (SSO, OAuth, trackers: ~4% of real browser
 * requests carry one) and only the application knows its allow-list.
 */

function m(sign: string, start: number, end: number): DetectorMatch {
  return { signature: `redir.${sign}`, start, end };
}

/** Leading characters browsers strip from a URL (C0 controls and space, URL §4.1). */
function skipLeading(v: string): number {
  let i = 0;
  while (i < v.length && i < 32 && v.charCodeAt(i) <= 32) i++;
  return i;
}

/** The scheme as a browser reads it: tabs and newlines inside are removed first. */
function browserScheme(v: string, from: number): string {
  let s = "";
  for (let i = from; i < v.length && i - from < 40; i++) {
    const c = v.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13) continue;
    if (c === 58) return s;
    const l = c | 0x20;
    if ((l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)
      s += String.fromCharCode(l);
    else return "";
  }
  return "";
}

function isHostStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 91 || c >= 0x80;
}

function isSlashy(c: number): boolean {
  return c === 47 || c === 92 || c === 9 || c === 10 || c === 13;
}

/**
 * A run of slashes that only a lenient browser reads as `//`: a backslash or a control
 * character inside. Exactly `\/` pairs are JSON string escapes of `/` and are left alone.
 */
function mixedRun(v: string, from: number, to: number): boolean {
  let jsonPairs = true;
  let mixed = false;
  for (let k = from; k < to; k++) {
    const c = v.charCodeAt(k);
    if (c !== 47) mixed = true;
    if ((k - from) % 2 === 0 ? c !== 92 : c !== 47) jsonPairs = false;
  }
  return mixed && !(jsonPairs && (to - from) % 2 === 0);
}

/** A host name with a dot right at k (`evil.example`), the shape of a real target. */
function dottedHost(v: string, k: number): boolean {
  let e = k;
  let dot = false;
  while (e < v.length && e - k < 256) {
    const c = v.charCodeAt(e);
    if (c === 46) dot = true;
    else if (
      !((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c >= 0x80)
    )
      break;
    e++;
  }
  return dot && e > k + 2;
}

export function detectRedir(p: Point): DetectorMatch | null {
  if (p.kind !== "value" || (p.zone !== "query" && p.zone !== "body" && p.zone !== "cookie")) return null;
  const top = isTopLevel(p);
  // Telemetry JSON is full of `url: "//cdn…"`: nested values need an unmistakable name.
  const named = isRedirectName(p.name, top);
  if (!named && !top) return null;
  const v = p.value;
  if (!redirPrefilter(v)) return null;
  const i = skipLeading(v);
  const c0 = v.charCodeAt(i);
  const c1 = v.charCodeAt(i + 1);

  // Protocol-relative, in any mix of slashes, backslashes and stripped controls.
  if ((c0 === 47 || c0 === 92) && isSlashy(c1)) {
    let k = i;
    while (k < v.length && k - i < 16 && isSlashy(v.charCodeAt(k))) k++;
    if (k < v.length && isHostStart(v.charCodeAt(k))) {
      if (named) return m("protocol-relative", i, Math.min(v.length, k + 40));
      // Outside a redirect-ish name only the browser-only spellings count.
      if (mixedRun(v, i, k) && dottedHost(v, k)) return m("slash-trick", i, Math.min(v.length, k + 40));
    }
  }
  if (named && c0 === 64 /* @ */ && isHostStart(c1)) return m("userinfo", i, Math.min(v.length, i + 40));

  const scheme = browserScheme(v, i);
  if (scheme === "") return null;
  if (named && (scheme === "javascript" || scheme === "vbscript" || scheme === "data")) {
    return m("script-scheme", i, v.length);
  }
  if (scheme !== "http" && scheme !== "https") return null;
  if (!named) {
    // Outside a redirect-ish name only a malformed `http(s):` counts; `https://x` is not.
    const colon = v.indexOf(":", i);
    const a = v.charCodeAt(colon + 1);
    const b = v.charCodeAt(colon + 2);
    const c = v.charCodeAt(colon + 3);
    if (a === 47 && b === 47 && c !== 47 && c !== 92) return null;
  }
  for (const u of findUrls(v)) {
    if (u.start !== i || (u.scheme !== "http" && u.scheme !== "https")) continue;
    const colon = u.start + u.scheme.length;
    const hostAt = colon + 1 + u.slashes;
    if (!isHostStart(v.charCodeAt(hostAt))) return null;
    // `https:evil`, `https:/evil`, `https:\\evil`: absolute, yet no `//` for a filter to see.
    // (Outside a redirect-ish name, `https:\/\/host` is only a JSON-escaped URL.)
    const run = v.slice(colon + 1, hostAt);
    const malformed = u.slashes !== 2 || run.indexOf("\\") !== -1;
    if (malformed && (named || (run !== "\\/\\/" && dottedHost(v, hostAt)))) {
      return m("malformed-scheme", u.start, u.authEnd);
    }
    if (!named) return null;
    if (u.userinfo && (u.host.indexOf(".") !== -1 || u.host.charCodeAt(0) === 91))
      return m("userinfo", u.start, u.authEnd);
    const h = classifyHost(u.host);
    // `http://[::1]:port/` is the IPv6 loopback redirect RFC 8252 §7.3 tells native
    // apps to register (as `http://127.0.0.1:port/`, which is no sign either).
    if (h.ip && (h.obfuscated || (h.ipv6 && u.host !== "[::1]"))) return m("ip-host", u.start, u.authEnd);
    if (u.disguised) return m("disguised-host", u.start, u.authEnd);
    return null;
  }
  return null;
}

/**
 * Every sign sits at the start of the value (after the characters browsers strip): a
 * slash or backslash, an `@`, or a scheme ending in `:` within its first 40 characters.
 * So the prefilter reads a few characters instead of the whole value.
 */
export function redirPrefilter(v: string, mask = -1): boolean {
  if (mask !== -1 && (mask & (CH.SLASH | CH.BACKSLASH | CH.AT | CH.COLON)) === 0) return false;
  const i = skipLeading(v);
  if (v.length - i < 3) return false;
  const c = v.charCodeAt(i);
  if (c === 47 || c === 92 || c === 64) return true;
  // A scheme needs its colon.
  return (mask === -1 || (mask & CH.COLON) !== 0) && hasScheme(v, i);
}

/** Same walk as browserScheme, without building the string. */
function hasScheme(v: string, from: number): boolean {
  for (let i = from; i < v.length && i - from < 40; i++) {
    const c = v.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13) continue;
    if (c === 58) return i > from;
    const l = c | 0x20;
    if (!((l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return false;
  }
  return false;
}

export const redirDetector: Detector = {
  type: "redir",
  prefilter: redirPrefilter,
  needs: CH.SLASH | CH.BACKSLASH | CH.AT | CH.COLON,
  detect: detectRedir,
};

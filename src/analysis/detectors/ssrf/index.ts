import type { Point } from "../../../model/index.js";
import { CH } from "../charmask.js";
import type { Detector, DetectorMatch } from "../types.js";
import { classifyHost, type HostClass } from "./host.js";
import { FETCHER_SCHEMES, HOST_SCHEMES } from "./schemes.js";
import { findUrls, isWebScheme, readHost, type UrlRef } from "./urlish.js";

/**
 * SSRF: a value the server may fetch that points back inside — cloud metadata,
 * loopback, private ranges, cluster names — or uses a scheme only a server-side fetcher
 * follows (gopher, dict, file…). Obfuscated IP spellings and look-alike hosts are signs
 * of their own: nobody writes `0x7f000001` or `①②⑦.⓪.⓪.①` by accident, nor
 * `trusted.com.evil.net` (a site name in front of the real one), nor a second `@host`
 * where URL parsers disagree on which one wins.
 *
 * Scope: parameters (query, body, cookie, keys) get every check. Header values only get
 * the unambiguous ones (fetcher schemes, metadata, obfuscation), because a Referer or
 * Origin of `http://localhost:3000` is ordinary developer traffic.
 */

/** Headers that carry protocol data, never a URL the application fetches. */
const SKIP_HEADERS = new Set([
  "host",
  "accept",
  "accept-encoding",
  "accept-language",
  "content-type",
  "content-length",
]);

function m(signature: string, start: number, end: number): DetectorMatch {
  return { signature: `ssrf.${signature}`, start, end };
}

/** `file:` must be followed by a path-ish character to be a URL and not prose ("file: a.txt"). */
function fileLike(v: string, colon: number): boolean {
  const c = v.charCodeAt(colon + 1);
  return c === 47 || c === 92 || c === 36 /* $ */ || c === 37 /* % */ || c === 123 /* { */ || c === 96;
}

function internalSign(cls: HostClass): string {
  return cls === "metadata" ? "cloud-metadata" : cls === "rebinding" ? "rebinding-domain" : "internal-host";
}

function checkUrl(u: UrlRef, v: string, strict: boolean): DetectorMatch | null {
  const colon = u.start + u.scheme.length;
  if (FETCHER_SCHEMES.has(u.scheme)) {
    if (u.scheme === "file" || u.scheme === "local_file" || u.scheme === "netdoc") {
      if (fileLike(v, colon)) return m("file-scheme", u.start, u.end);
    } else if (u.scheme === "jar") {
      // jar:<url>!/entry — the inner URL is what gets fetched.
      if (u.slashes > 0 || /^[a-z]{3,6}:/i.test(v.slice(colon + 1, colon + 8)))
        return m("fetcher-scheme", u.start, u.end);
    } else if (u.slashes >= 2) {
      return m("fetcher-scheme", u.start, u.end);
    }
  }
  const hosty = u.slashes >= 2 ? HOST_SCHEMES.has(u.scheme) || u.scheme.length >= 3 : isWebScheme(u.scheme);
  if (!hosty || u.authority.length === 0) return null;
  const h = classifyHost(u.host);
  if (h.cls === "metadata") return m("cloud-metadata", u.start, u.end);
  if (h.ip && h.obfuscated) return m("obfuscated-ip", u.start, u.end);
  if (u.disguised) return m("disguised-host", u.start, u.end);
  if (strict) {
    if (h.cls !== "public") return m(internalSign(h.cls), u.start, u.end);
    if (h.ipv6) return m("ipv6-literal", u.start, u.end);
    if (embedsDomain(u.host)) return m("embedded-domain", u.start, u.authEnd);
    const c = confusion(u, v);
    if (c !== null) return c;
  }
  return null;
}

/**
 * `trusted.com.evil.net`: a complete site name in front of the real one, made to pass a
 * "starts with trusted.com" allow-list. A `com`/`net`/`org` label followed by two or more
 * labels (`example.com.cn` has only one, a country code).
 */
function embedsDomain(host: string): boolean {
  let i = host.indexOf(".");
  let guard = 0;
  while (i !== -1 && guard++ < 16) {
    const j = host.indexOf(".", i + 1);
    if (j === -1) return false;
    if (j - i === 4 && siteLabel(host, i + 1) && host.indexOf(".", j + 1) !== -1) return true;
    i = j;
  }
  return false;
}

/** `com`, `net` or `org` at host[i, i+3) (compared in place: no slice per label). */
function siteLabel(host: string, i: number): boolean {
  const a = host.charCodeAt(i);
  const b = host.charCodeAt(i + 1);
  const c = host.charCodeAt(i + 2);
  return (
    (a === 99 && b === 111 && c === 109) ||
    (a === 110 && b === 101 && c === 116) ||
    (a === 111 && b === 114 && c === 103)
  );
}

/**
 * Parsers disagree on which `@` ends the userinfo and whether space or `#` ends the
 * authority (Orange Tsai, "A New Era of SSRF", 2017). Any host after a later `@` that
 * is internal is what one of them will connect to.
 */
function confusion(u: UrlRef, v: string): DetectorMatch | null {
  let at = v.indexOf("@", u.authEnd);
  let guard = 0;
  while (at !== -1 && at < u.end + 64 && guard++ < 4) {
    let e = at + 1;
    while (e < v.length && e - at < 260) {
      const c = v.charCodeAt(e);
      if (c === 47 || c === 63 || c === 35 || c <= 32 || c === 64) break;
      e++;
    }
    const h = readHost(v.slice(at + 1, e));
    const cls = classifyHost(h.host).cls;
    if (cls !== "public") return m("parser-confusion", u.start, e);
    at = v.indexOf("@", at + 1);
  }
  // `http://trusted%2f@evil/` once decoded: the first path segment holds `@host`.
  const s0 = v.charCodeAt(u.authEnd + 1);
  if (v.charCodeAt(u.authEnd) === 47 && (s0 === 64 || s0 === 58)) {
    const segEnd = v.indexOf("/", u.authEnd + 1);
    const seg = v.slice(u.authEnd + 1, segEnd === -1 ? Math.min(v.length, u.authEnd + 260) : segEnd);
    const c0 = seg.charCodeAt(0);
    const lastAt = seg.lastIndexOf("@");
    if (
      // `/@evil.com` (one `@`, so not Mastodon's `/@user@instance`) or `/:pw@evil.com`.
      ((c0 === 64 && lastAt === 0) || (c0 === 58 && lastAt !== -1)) &&
      lastAt < seg.length - 3 &&
      commonTld(seg.slice(lastAt + 1))
    ) {
      return m("authority-confusion", u.start, u.authEnd + 1 + seg.length);
    }
  }
  return null;
}

/**
 * The host after `/@` ends in a common TLD. Profile URLs (`/@user.name` on TikTok,
 * `/@user@instance.social` on Mastodon) share the shape but rarely end like a domain.
 */
const COMMON_TLDS = new Set(["com", "net", "org", "io", "info", "biz", "xyz", "top", "ru", "cn"]);
function commonTld(host: string): boolean {
  let h = host;
  const colon = h.indexOf(":");
  if (colon !== -1) h = h.slice(0, colon);
  const dot = h.lastIndexOf(".");
  return dot > 0 && COMMON_TLDS.has(h.slice(dot + 1).toLowerCase());
}

function isHostChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95
  );
}

/** `localhost/admin`, `host.docker.internal:2375`: an internal name with no scheme at all. */
function schemeless(v: string): DetectorMatch | null {
  let i = 0;
  while (i < v.length && i < 8 && v.charCodeAt(i) <= 32) i++;
  const s = i;
  while (i < v.length && i - s < 254 && isHostChar(v.charCodeAt(i))) i++;
  if (i === s || i >= v.length) return null;
  const c = v.charCodeAt(i);
  const nx = v.charCodeAt(i + 1);
  if (!(c === 47 || (c === 58 && nx >= 48 && nx <= 57))) return null;
  const host = v.slice(s, i).toLowerCase();
  const h = classifyHost(host);
  if (h.cls === "metadata" || (!h.ip && h.cls !== "public")) return m(internalSign(h.cls), s, i + 1);
  return null;
}

export function detectSsrf(p: Point): DetectorMatch | null {
  if (p.kind === "ext" || p.kind === "segment" || p.kind === "markup") return null;
  const v = p.value;
  if (v.length < 4) return null;
  if (p.zone === "header") {
    if (p.header !== undefined && SKIP_HEADERS.has(p.header)) return null;
    // No scheme without a colon (urlsIn's own first test, before the memo hashes the value).
    if (v.indexOf(":") === -1) return null;
    if (v.length > MEMO_MAX_LENGTH) return urlsIn(v, false);
    // Referer and Origin repeat from request to request: their verdict is kept.
    let r = headerMemo.get(v);
    if (r === undefined) {
      r = urlsIn(v, false);
      if (headerMemo.size >= MEMO_ENTRIES) headerMemo.clear();
      headerMemo.set(v, r);
    }
    return r;
  }
  const strict = p.zone !== "path";
  const r = urlsIn(v, strict);
  if (r !== null || !strict || p.kind === "raw") return r;
  return schemeless(v);
}

function urlsIn(v: string, strict: boolean): DetectorMatch | null {
  if (v.indexOf(":") === -1) return null;
  for (const u of findUrls(v)) {
    const r = checkUrl(u, v, strict);
    if (r !== null) return r;
  }
  return null;
}

/**
 * Verdicts on header values (a pure function of the value in the header zone), bounded
 * and cleared when full. Each worker thread has its own.
 */
const headerMemo = new Map<string, DetectorMatch | null>();
const MEMO_ENTRIES = 2048;
const MEMO_MAX_LENGTH = 1024;

/**
 * Every sign needs a `scheme:` (a colon), or — schemeless, `localhost/admin` — a host
 * name at the start (after at most 8 blanks) followed by `/`: a value without a colon
 * that starts with `/`, a quote or a bracket holds neither.
 */
function ssrfPrefilter(v: string, mask: number): boolean {
  if (v.length < 4) return false;
  if ((mask & CH.COLON) !== 0) return true;
  if ((mask & CH.SLASH) === 0) return false;
  let i = 0;
  while (i < v.length && i < 8 && v.charCodeAt(i) <= 32) i++;
  return isHostChar(v.charCodeAt(i));
}

export const ssrfDetector: Detector = {
  type: "ssrf",
  prefilter: ssrfPrefilter,
  needs: CH.COLON | CH.SLASH,
  detect: detectSsrf,
};

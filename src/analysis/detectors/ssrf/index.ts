import type { Point } from "../../../model/index.js";
import { CH } from "../charmask.js";
import { nameWords } from "../ptrav/names.js";
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
 * Origin of `http://localhost:3000` is ordinary developer traffic. Two kinds of
 * parameter value get fewer checks, because the server does not fetch what they hold:
 *  - a browser-redirect parameter (`redirect_uri`, see REDIRECT_NAMES): the browser
 *    follows it, and native apps register loopback ones on purpose;
 *  - a URL in the middle of prose (`… has proxy_pass http://127.0.0.1:3000;`): a form
 *    that fetches a URL takes the URL as the whole value.
 * Both keep the signs no legitimate value carries (cloud metadata, fetcher schemes,
 * obfuscated or disguised hosts): link previews do fetch URLs found in messages.
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

/**
 * How much of a URL is checked: `strict` for a parameter the server may fetch; `redirect`
 * for one the browser follows (an internal or rebinding host is no sign there, but
 * allow-list tricks such as `trusted.com.evil.net` still are); `loose` for header values
 * and URLs in prose (only the signs no legitimate value carries).
 */
type Mode = "strict" | "redirect" | "loose";

function checkUrl(u: UrlRef, v: string, mode: Mode): DetectorMatch | null {
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
  if (mode !== "loose") {
    if (h.cls !== "public") {
      if (mode === "strict") return m(internalSign(h.cls), u.start, u.end);
      return null;
    }
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

/**
 * `localhost/admin`, `host.docker.internal:2375/containers/json`: an internal name with
 * no scheme at all. Decided: a bare `name:port` with nothing after it (`localhost:3000`
 * typed into a search box, a chat message) is not flagged unless the name is a cloud
 * metadata service — no URL parser reads it as a fetchable URL as it stands, and the
 * payloads that use the form name what to reach (`/admin`, `/containers/json`).
 */
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
  if (h.cls === "metadata") return m(internalSign(h.cls), s, i + 1);
  if (h.ip || h.cls === "public" || (c === 58 && bareHostPort(v, i + 1))) return null;
  return m(internalSign(h.cls), s, i + 1);
}

/** Whether v from `from` on is a port (up to 5 digits) and then only blanks. */
function bareHostPort(v: string, from: number): boolean {
  let i = from;
  while (i < v.length && i - from < 6 && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
  if (i - from > 5) return false;
  for (let k = i; k < v.length; k++) if (v.charCodeAt(k) > 32 || k - i > 8) return false;
  return true;
}

/**
 * Parameters whose URL the browser is sent to, never the server: OAuth 2.0's
 * `redirect_uri` (RFC 6749 §3.1.2), the client metadata `redirect_uris` (RFC 7591 §2),
 * OpenID Connect RP-Initiated Logout's `post_logout_redirect_uri`, and the
 * `redirect_url` spelling. RFC 8252 §7.3 has native apps register loopback ones
 * (`http://127.0.0.1:53412/callback`). Compared as words (`redirectUri` matches).
 * Deliberately narrow: names the server fetches — `request_uri`, `jwks_uri`,
 * `logo_uri`, `sector_identifier_uri`, webhooks' `callback_url`, `url` — are not here.
 */
const REDIRECT_NAMES = new Set([
  "redirect uri",
  "redirect uris",
  "redirect url",
  "post logout redirect uri",
  "post logout redirect uris",
]);

function isRedirectName(name: string | undefined): boolean {
  if (name === undefined || name.length < 11 || name.length > 40) return false;
  const c0 = name.charCodeAt(0) | 0x20;
  if (c0 !== 114 /* r */ && c0 !== 112 /* p */) return false;
  return REDIRECT_NAMES.has(nameWords(name).join(" "));
}

/**
 * Whether the URL at `start` stands in prose: it follows a blank (possibly behind an
 * opening bracket or quote) and at least two words precede it within 256 characters.
 * A word is a token of letters, with at most an opening bracket or quote before and a
 * punctuation mark after: `?next=http://…`, `a,http://…`, `url: http://…` and command
 * lines (`;iex (iwr http://…`, `curl -s http://…`) are not prose.
 */
function inProse(v: string, start: number): boolean {
  let i = start - 1;
  for (let g = 0; g < 2 && i >= 0; g++) {
    const c = v.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123 || c === 34 || c === 39 || c === 60) i--;
    else break;
  }
  if (i < 0 || v.charCodeAt(i) > 32) return false;
  let words = 0;
  const lim = Math.max(0, start - 256);
  // Tokens right to left, each v[k + 1, te) between two blanks (or the window's start).
  let te = i;
  for (let k = i; k >= lim - 1; k--) {
    const c = k >= lim ? v.charCodeAt(k) : 32;
    if (c > 32) continue;
    if (k + 1 < te && isWord(v, k + 1, te) && ++words >= 2) return true;
    te = k;
  }
  return false;
}

/** v[s, e) is a word: letters (two or more), one opening `( " '` and one closing mark allowed. */
function isWord(v: string, s: number, e: number): boolean {
  let a = s;
  let b = e;
  const c0 = v.charCodeAt(a);
  if (c0 === 40 || c0 === 34 || c0 === 39) a++;
  const cl = v.charCodeAt(b - 1);
  if (
    cl === 44 ||
    cl === 46 ||
    cl === 58 ||
    cl === 59 ||
    cl === 33 ||
    cl === 63 ||
    cl === 41 ||
    cl === 34 ||
    cl === 39
  )
    b--;
  if (b - a < 2 || b - a > 32) return false;
  for (let k = a; k < b; k++) {
    const l = v.charCodeAt(k) | 0x20;
    if (l < 97 || l > 122) return false;
  }
  return true;
}

export function detectSsrf(p: Point): DetectorMatch | null {
  if (p.kind === "ext" || p.kind === "segment" || p.kind === "markup") return null;
  const v = p.value;
  if (v.length < 4) return null;
  if (p.zone === "header") {
    if (p.header !== undefined && SKIP_HEADERS.has(p.header)) return null;
    // No scheme without a colon (urlsIn's own first test, before the memo hashes the value).
    if (v.indexOf(":") === -1) return null;
    if (v.length > MEMO_MAX_LENGTH) return urlsIn(v, "loose");
    // Referer and Origin repeat from request to request: their verdict is kept.
    let r = headerMemo.get(v);
    if (r === undefined) {
      r = urlsIn(v, "loose");
      if (headerMemo.size >= MEMO_ENTRIES) headerMemo.clear();
      headerMemo.set(v, r);
    }
    return r;
  }
  if (p.zone === "path") return urlsIn(v, "loose");
  const redirect = p.kind === "value" && isRedirectName(p.name);
  const r = urlsIn(v, redirect ? "redirect" : "strict");
  if (r !== null || redirect || p.kind === "raw") return r;
  return schemeless(v);
}

/** `mode` for the URLs of the value; a URL in prose is only read loosely. */
function urlsIn(v: string, mode: Mode): DetectorMatch | null {
  if (v.indexOf(":") === -1) return null;
  for (const u of findUrls(v)) {
    const r = checkUrl(u, v, mode !== "loose" && u.start > 0 && inProse(v, u.start) ? "loose" : mode);
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

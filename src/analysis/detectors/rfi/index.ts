import type { Point } from "../../../model/index.js";
import { CH } from "../charmask.js";
import { isTopLevel, nameWords } from "../ptrav/names.js";
import { classifyHost } from "../ssrf/host.js";
import { findUrls, isWebScheme, type UrlRef } from "../ssrf/urlish.js";
import type { Detector, DetectorMatch } from "../types.js";
import { isScriptExt, isShellName } from "./scripts.js";
import { findUncInclude } from "./unc.js";

/**
 * Remote file inclusion: a parameter that makes the application load code from a URL
 * (PHP `include($_GET['page'] . '.php')` with allow_url_include, and its kin).
 *
 * A URL in a parameter is normal (tracking, SSO, sharing). What is not:
 *  - the URL ends in `?` (or a NUL) so that the suffix the application appends becomes
 *    a query string of the attacker's file (`…/shell.txt?`);
 *  - the host is a bare IP address (RFI droppers rarely have domain names);
 *  - the file is a known web shell or a script served as text (`c99.php`, `r57.txt`);
 *  - a top-level parameter named like a filesystem location (`_CONF[path]`,
 *    `mosConfig_absolute_path`, `include_dir`) holds a URL;
 *  - `data:` URLs carrying text or code, and PHP's `expect://` (command execution);
 *  - a UNC path to a code file on a remote host (`\\evil.example\share\shell.php`),
 *    the SMB form that bypasses allow_url_include (unc.ts).
 * Header values are left to SSRF/ptrav, except `data:`/`expect:` which never occur there.
 */

function m(sign: string, start: number, end: number): DetectorMatch {
  return { signature: `rfi.${sign}`, start, end };
}

/** Names of config-location parameters abused by register_globals era includes. */
const LOCATION_WORDS = new Set([
  "path",
  "dir",
  "root",
  "include",
  "inc",
  "require",
  "basepath",
  "abspath",
  "basedir",
  "lib",
  "libdir",
]);

function isLocationName(name: string | undefined): boolean {
  if (name === undefined) return false;
  for (const w of nameWords(name)) if (LOCATION_WORDS.has(w)) return true;
  return false;
}

/**
 * `…/shell.txt?`, `http://host?`, `…??`, `…%00`: the URL is cut so that whatever the
 * application appends (`.php`) becomes a query string or is dropped. A lone trailing
 * `?` after an ordinary path is common in real traffic (`https://site/?`), so it only
 * counts after a script-like file, right after the host, or doubled.
 */
function truncated(v: string, u: UrlRef, f: string): boolean {
  const dot = f.lastIndexOf(".");
  const scripty = dot > 0 && isScriptExt(f.slice(dot + 1));
  if (u.end === v.length || v.charCodeAt(u.end) <= 32) {
    if (v.charCodeAt(u.end - 1) === 63 /* ? */) {
      if (scripty || u.authEnd === u.end - 1 || v.charCodeAt(u.end - 2) === 63) return true;
    }
  }
  // A NUL right after a URL naming a file (`…/shell.txt%00`): C-string truncation.
  return v.charCodeAt(u.end) === 0 && dot > 0;
}

/** Tools that fetch a URL to disk: `; wget http://…/x.php` plants the file to include. */
const DOWNLOADERS = ["wget", "curl", "fetch", "lwp-download", "lynx", "aria2c"];

/** A download command word right before the URL (only spaces and flags between). */
function downloadBefore(v: string, at: number): boolean {
  const from = Math.max(0, at - 40);
  const head = v.slice(from, at).toLowerCase();
  for (const d of DOWNLOADERS) {
    const i = head.lastIndexOf(d);
    if (i === -1) continue;
    const before = i === 0 ? (from === 0 ? 32 : v.charCodeAt(from - 1)) : head.charCodeAt(i - 1);
    const boundary = !((before >= 97 && before <= 122) || (before >= 48 && before <= 57) || before === 95);
    const rest = head.slice(i + d.length);
    if (
      boundary &&
      rest.length > 0 &&
      rest.charCodeAt(0) <= 32 &&
      rest.indexOf(";") === -1 &&
      rest.indexOf("|") === -1
    ) {
      return true;
    }
  }
  return false;
}

/** Last path component of the URL, lower-cased, without query. */
function fileOf(v: string, u: UrlRef): string {
  let e = u.authEnd;
  while (e < u.end) {
    const c = v.charCodeAt(e);
    if (c === 63 || c === 35) break;
    e++;
  }
  const path = v.slice(u.authEnd, e);
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return path.slice(slash + 1).toLowerCase();
}

/** Index of `data:` in any letter case, from `from`, or -1. */
function indexOfData(v: string, from: number): number {
  let i = v.indexOf(":", from + 4);
  while (i !== -1) {
    if (
      (v.charCodeAt(i - 4) | 0x20) === 100 &&
      (v.charCodeAt(i - 3) | 0x20) === 97 &&
      (v.charCodeAt(i - 2) | 0x20) === 116 &&
      (v.charCodeAt(i - 1) | 0x20) === 97
    ) {
      return i - 4;
    }
    i = v.indexOf(":", i + 1);
  }
  return -1;
}

/** `data:` with a text or code media type (images are ordinary in JSON APIs). */
function dataUri(v: string): DetectorMatch | null {
  // One native search settles the common case in long values (colons are many in JSON
  // and stack traces); a short one has a colon or two, each looked at directly.
  let i = v.length <= SHORT || DATA_SCHEME.test(v) ? indexOfData(v, 0) : -1;
  let guard = 0;
  while (i !== -1 && guard++ < 8) {
    const prev = i === 0 ? 32 : v.charCodeAt(i - 1);
    const boundary = !(
      (prev >= 97 && prev <= 122) ||
      (prev >= 65 && prev <= 90) ||
      (prev >= 48 && prev <= 57) ||
      prev === 95
    );
    if (boundary) {
      let k = i + 5;
      if (v.charCodeAt(k) === 47 && v.charCodeAt(k + 1) === 47) k += 2; // PHP's data:// form
      const mt = v.slice(k, k + 40).toLowerCase();
      if (
        mt.startsWith("text/") ||
        mt.startsWith("application/x-php") ||
        mt.startsWith("application/x-httpd-php") ||
        mt.startsWith("application/php") ||
        mt.startsWith(";base64,")
      ) {
        return m("data-uri", i, Math.min(v.length, k + 40));
      }
    }
    i = indexOfData(v, i + 5);
  }
  // A data URL body whose `data:` was split off (e.g. into a header name).
  if (v.startsWith("//text/") && v.indexOf(";base64,") !== -1)
    return m("data-uri", 0, Math.min(v.length, 40));
  return null;
}

/**
 * Cheap look at each `://` before any URL is parsed: only a URL that could meet one of
 * the signs (FTP, a host starting like an IP, a `?` or NUL cut, a script-like file, a
 * location parameter) is worth the allocation of a full parse.
 */
function worthParsing(v: string, p: Point, first: number): boolean {
  if (isTopLevel(p) && isLocationName(p.name)) return true;
  let i = first;
  let guard = 0;
  while (i !== -1 && guard++ < 16) {
    const h = v.charCodeAt(i + 3);
    if ((h >= 48 && h <= 57) || h === 91) return true;
    if (i >= 3 && (v.charCodeAt(i - 3) | 0x20) === 102 && (v.charCodeAt(i - 2) | 0x20) === 116) return true; // ftp
    if (i >= 4 && (v.charCodeAt(i - 4) | 0x20) === 102 && (v.charCodeAt(i - 3) | 0x20) === 116) return true; // ftps
    // The URL's end (a native scan), then the extension of its last path component,
    // read backwards from there: a dot within 6 characters, with no slash after it.
    URL_WALK.lastIndex = i + 3;
    URL_WALK.test(v);
    const k = URL_WALK.lastIndex;
    const end = v.charCodeAt(k);
    if (end === 63 || end === 0) return true;
    for (let j = k - 1; j >= i + 3 && k - j <= 6; j--) {
      const c = v.charCodeAt(j);
      if (c === 47 || c === 92) break;
      if (c === 46) {
        if (hasSlash(v, i + 3, j)) return true;
        break;
      }
    }
    i = v.indexOf("://", k);
  }
  return false;
}

/** Up to 4093 characters from `://` + 3 that are not a URL end (space, quotes, `<>?#`). */
const URL_WALK = /[^\x00-\x20"'<>?#]{0,4093}/y;

/** A `/` or `\` in v[from, to). */
function hasSlash(v: string, from: number, to: number): boolean {
  for (let j = to - 1; j >= from; j--) {
    const c = v.charCodeAt(j);
    if (c === 47 || c === 92) return true;
  }
  return false;
}

export function detectRfi(p: Point): DetectorMatch | null {
  if (p.kind === "ext" || p.kind === "segment" || p.kind === "markup" || p.kind === "path") return null;
  const v = p.value;
  // The engine has just asked the prefilter about this very string (see lastPassed).
  if (v !== lastPassed && !rfiPrefilter(v)) return null;
  const d = dataUri(v);
  if (d !== null) return d;
  // `expect://` holds the first `://` or stands after it.
  const scheme = v.indexOf("://");
  const ex = scheme === -1 ? -1 : v.indexOf("expect://", scheme < 6 ? 0 : scheme - 6);
  if (ex !== -1) return m("expect-wrapper", ex, ex + 9);
  if (p.zone === "header") return null;

  // `x=https?` / `x=file?`: a bare scheme cut by `?` (probe form of the truncation trick).
  const q = v.charCodeAt(v.length - 1) === 63;
  if (q && v.length <= 6) {
    let e = v.length;
    while (e > 0 && v.charCodeAt(e - 1) === 63) e--;
    const s = v.slice(0, e).toLowerCase();
    if (s === "http" || s === "https" || s === "ftp" || s === "ftps" || s === "file")
      return m("truncation", 0, v.length);
  }
  if (v.charCodeAt(0) === 92) {
    const u = findUncInclude(v);
    if (u !== null) return m("unc-path", u.start, u.end);
  }
  if (scheme === -1) return null;
  if (!worthParsing(v, p, scheme)) return null;
  for (const u of findUrls(v)) {
    if (!(isWebScheme(u.scheme) || u.scheme === "file") || u.slashes < 2 || u.authority.length === 0)
      continue;
    const f = fileOf(v, u);
    if (truncated(v, u, f)) return m("truncation", u.start, u.end);
    if (u.scheme === "ftp" || u.scheme === "ftps") return m("ftp-url", u.start, u.end);
    const h = classifyHost(u.host);
    if (h.ip && !h.ipv6 && h.cls === "public") return m("ip-host", u.start, u.end);
    if (h.ipv6 && h.cls === "public") return m("ip-host", u.start, u.end);
    const dot = f.lastIndexOf(".");
    if (dot > 0 && isScriptExt(f.slice(dot + 1))) {
      if (isShellName(f.slice(0, dot))) return m("web-shell", u.start, u.end);
      if (downloadBefore(v, u.start)) return m("script-download", u.start, u.end);
    }
    if (u.start === 0 && isTopLevel(p) && isLocationName(p.name)) return m("location-param", u.start, u.end);
  }
  return null;
}

/**
 * Every sign needs `://`, `data:` (any case), a trailing `?`, a leading `//` or `\\`: the shared
 * character mask rules out nearly every value, native searches settle the rest.
 */
const DATA_SCHEME = /data:/i;

/** Values up to this length are searched for `data:` colon by colon, not by regex. */
const SHORT = 256;

/** `m`: the engine's character mask; without it (in `detect`) every bit counts as present and the native searches decide alone. */
export function rfiPrefilter(v: string, m = ~0): boolean {
  if (gate(v, m)) {
    lastPassed = v;
    return true;
  }
  return false;
}

/**
 * The last value the prefilter let through: `detect` asks again (so the contract holds
 * by construction) and the engine has just asked about that very string (as in
 * xss/prefilter.ts). A quarter of benign points pass here (every URL), so it counts.
 */
let lastPassed: string | null = null;

function gate(v: string, m: number): boolean {
  const n = v.length;
  if (n < 4 || (m & (CH.COLON | CH.SLASH | CH.PUNCT | CH.BACKSLASH)) === 0) return false;
  if (v.charCodeAt(n - 1) === 63 || (v.charCodeAt(0) === 47 && v.charCodeAt(1) === 47)) return true;
  // A UNC path (unc.ts).
  if (v.charCodeAt(0) === 92 && v.charCodeAt(1) === 92) return true;
  if ((m & CH.COLON) === 0) return false;
  if ((m & CH.SLASH) !== 0 && v.indexOf("://") !== -1) return true;
  return n <= SHORT ? indexOfData(v, 0) !== -1 : DATA_SCHEME.test(v);
}

export const rfiDetector: Detector = {
  type: "rfi",
  prefilter: rfiPrefilter,
  // gate(): a colon, a slash, a `?` (PUNCT) or a UNC path's backslash in every sign.
  needs: CH.COLON | CH.SLASH | CH.PUNCT | CH.BACKSLASH,
  detect: detectRfi,
};

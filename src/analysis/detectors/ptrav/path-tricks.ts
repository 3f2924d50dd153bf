import { SCRIPT_EXTS } from "./leftovers.js";

/**
 * Two ways to make a server read a path differently from the filter in front of it.
 *
 * 1. Single-dot segments (`/./`, `/%2e/`). RFC 3986 §5.2.4 (remove_dot_segments) and the
 *    WHATWG URL parser (which also treats `%2e` as a dot there) drop them before a
 *    browser sends a request, so a `.` component in a request path was put there on
 *    purpose: `/%2e/backup.zip` gets past a rule anchored on `^/backup`.
 *
 * 2. Extension confusion: a script extension followed by a truncation or parameter
 *    separator and then a harmless extension. The upload filter or the static-file rule
 *    sees `.png`; the handler sees `.php`:
 *    - `;` — IIS 6 (`x.asp;.jpg` runs as ASP) and servlet path parameters (`x.jsp;.css`);
 *    - NUL (`%00`) — C string truncation in the file API;
 *    - `#`, `%23` — a fragment or comment cut by a second parser;
 *    - `:` — NTFS alternate data streams (`x.asp::$DATA` discloses the source);
 *    - CR/LF — line-based parsers that stop at the first line.
 *    For upload file names only, a plain double extension (`x.php.jpg`) also counts:
 *    Apache's mod_mime runs a file whose name holds `.php` anywhere under AddHandler.
 */

/** What the filter is meant to see: static and document extensions. */
const HARMLESS_EXTS = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "bmp",
  "ico",
  "svg",
  "webp",
  "tif",
  "tiff",
  "txt",
  "css",
  "js",
  "html",
  "htm",
  "pdf",
  "doc",
  "docx",
  "xls",
  "xlsx",
  "csv",
  "json",
  "xml",
  "mp3",
  "mp4",
  "avi",
  "zip",
  "rar",
  "woff",
  "woff2",
]);

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function isAlnum(c: number): boolean {
  const l = c | 0x20;
  return (l >= 97 && l <= 122) || (c >= 48 && c <= 57);
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Lower-case extension word starting at i (letters and digits, at most 8), or "". */
function wordAt(v: string, i: number): string {
  let e = i;
  while (e < v.length && e - i < 9 && isAlnum(v.charCodeAt(e))) e++;
  if (e - i === 0 || e - i > 8) return "";
  let w = "";
  for (let k = i; k < e; k++) w += String.fromCharCode(lower(v.charCodeAt(k)));
  return w;
}

/**
 * Length of a truncation/separator at i (`;`, `#`, NUL, `:`, CR, LF, one of them still
 * percent-encoded after a double encoding — `%00`, `%23`, `%3b` — or a wide character
 * that truncates to one), or 0.
 */
function separatorAt(v: string, i: number): number {
  const c = v.charCodeAt(i);
  if (c === 59 || c === 35 || c === 0 || c === 58 || c === 10 || c === 13) return 1;
  // A wide character whose low byte is one of them (U+560A 嘊 → LF): servers that
  // squeeze UTF-16 code units into bytes truncate there ("best fit" mapping).
  if (c >= 0x100) {
    const b = c & 0xff;
    if (b === 0 || b === 0x0a || b === 0x0d || b === 0x23 || b === 0x3b) return 1;
  }
  if (c === 37 && i + 2 < v.length) {
    const b = hex(v.charCodeAt(i + 1)) * 16 + hex(v.charCodeAt(i + 2));
    if (b === 0 || b === 0x23 || b === 0x3b || b === 0x0a || b === 0x0d) return 3;
  }
  return 0;
}

function endsComponent(c: number): boolean {
  return Number.isNaN(c) || c === 47 || c === 92 || c === 63 || c === 38 || c === 32;
}

/** Whether the rest of the component after `from` ends with `.<harmless>` (at most 48 chars on). */
function harmlessTail(v: string, from: number): boolean {
  let e = from;
  let dot = -1;
  while (e < v.length && e - from < 48 && !endsComponent(v.charCodeAt(e))) {
    if (v.charCodeAt(e) === 46) dot = e;
    e++;
  }
  if (dot === -1 || (e < v.length && !endsComponent(v.charCodeAt(e)))) return false;
  const w = wordAt(v, dot + 1);
  return w.length > 0 && dot + 1 + w.length === e && HARMLESS_EXTS.has(w);
}

/** Whether v from i on is one or more dots and spaces, and nothing else. */
function trailingDotsOrSpaces(v: string, i: number): boolean {
  if (i >= v.length || v.length - i > 16) return false;
  for (let k = i; k < v.length; k++) {
    const c = v.charCodeAt(k);
    if (c !== 46 && c !== 32) return false;
  }
  return true;
}

/** `::$DATA` right at i, any case. */
function adsAt(v: string, i: number): boolean {
  if (
    i + 7 > v.length ||
    v.charCodeAt(i) !== 58 ||
    v.charCodeAt(i + 1) !== 58 ||
    v.charCodeAt(i + 2) !== 36
  ) {
    return false;
  }
  return v.slice(i + 3, i + 7).toLowerCase() === "data";
}

export interface TrickMatch {
  readonly start: number;
  readonly end: number;
}

/**
 * A script extension followed by a separator and a harmless extension, or by `::$DATA`.
 * `upload` also accepts a plain dot as the separator (double extension).
 */
export function findExtensionConfusion(v: string, upload: boolean): TrickMatch | null {
  let d = v.indexOf(".");
  let guard = 0;
  while (d !== -1 && guard++ < 64) {
    // Where the word after the dot ends, and what follows it, before building any string.
    let at = d + 1;
    while (at < v.length && at - d <= 9 && isAlnum(v.charCodeAt(at))) at++;
    const sep = at - d > 1 ? separatorAt(v, at) : 0;
    const dbl = upload && v.charCodeAt(at) === 46;
    if ((sep > 0 || dbl) && SCRIPT_EXTS.has(wordAt(v, d + 1))) {
      if (adsAt(v, at)) return { start: d, end: at + 7 };
      if (sep > 0 && harmlessTail(v, at + sep)) return { start: d, end: Math.min(v.length, at + sep + 1) };
      if (dbl && harmlessTail(v, at)) return { start: d, end: at + 1 };
    }
    // Windows drops trailing dots and spaces from a file name: `x.php.` and `x.php `
    // pass a blacklist of extensions and are saved as `x.php`.
    if (upload && at - d > 1 && trailingDotsOrSpaces(v, at) && SCRIPT_EXTS.has(wordAt(v, d + 1))) {
      return { start: d, end: v.length };
    }
    d = v.indexOf(".", d + 1);
  }
  return null;
}

/** What an upload directory holds: the extensions an upload filter lets through. */
export const UPLOAD_EXTS: ReadonlySet<string> = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "bmp",
  "ico",
  "webp",
  "svg",
  "txt",
  "pdf",
]);

/**
 * PHP's `cgi.fix_pathinfo` under nginx or IIS FastCGI: `/uploads/me.jpg/x.php` makes
 * the server look for `x.php`, fall back to the nearest existing file, and run the
 * uploaded image as PHP. Read on a decoded request path: a component with an upload
 * extension, then a last component ending in `.php`.
 */
export function findPathInfoScript(path: string): TrickMatch | null {
  const n = path.length;
  const last = path.lastIndexOf("/");
  if (last <= 0 || n - last < 5) return null;
  // Last component ends in `.php` (any case; php3…php8 and phtml too).
  const d = path.lastIndexOf(".");
  if (d <= last || !SCRIPT_EXTS.has(wordAt(path, d + 1)) || d + 1 + wordAt(path, d + 1).length !== n)
    return null;
  if (!wordAt(path, d + 1).startsWith("ph")) return null;
  // Previous component ends in an upload extension.
  const pd = path.lastIndexOf(".", last - 1);
  const ps = path.lastIndexOf("/", last - 1);
  if (pd <= ps) return null;
  const w = wordAt(path, pd + 1);
  if (w.length === 0 || pd + 1 + w.length !== last || !UPLOAD_EXTS.has(w)) return null;
  return { start: pd, end: n };
}

function isSlash(c: number): boolean {
  return c === 47 || c === 92;
}

/** A `.` standing alone as a path component (`/./`, `/.` at the end, `\.\`, `/.;/`). */
export function findDotSegment(path: string): TrickMatch | null {
  let i = path.indexOf(".");
  let guard = 0;
  while (i !== -1 && guard++ < 128) {
    if (i > 0 && isSlash(path.charCodeAt(i - 1))) {
      const next = path.charCodeAt(i + 1);
      if (i + 1 >= path.length || isSlash(next)) return { start: i - 1, end: i + 1 };
      // `/.;/admin`, `/.;x=1/`: a path parameter keeps the segment past a proxy's
      // normaliser; Tomcat and Spring then drop the parameter and the dot.
      if (next === 59 /* ; */) {
        let k = i + 2;
        while (k < path.length && k - i < 40 && !isSlash(path.charCodeAt(k))) k++;
        if (k >= path.length || isSlash(path.charCodeAt(k))) return { start: i - 1, end: k };
      }
    }
    i = path.indexOf(".", i + 1);
  }
  return null;
}

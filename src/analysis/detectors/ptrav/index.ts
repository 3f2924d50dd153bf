import type { Point } from "../../../model/index.js";
import type { Detector, DetectorMatch } from "../types.js";
import { isFileName } from "./names.js";
import { findSensitive } from "./sensitive.js";
import { findTraversal, normalize } from "./traversal.js";
import { findWrapper } from "./wrappers.js";

/**
 * Path traversal and local file inclusion.
 *
 * Signs, strongest first:
 *  - a PHP stream wrapper or filter chain (`php://filter/…`, `phar://`, `zip://`);
 *  - a sensitive file or directory named by path (`/etc/passwd`, `win.ini`, `.git/`,
 *    `WEB-INF/web.xml`, `/proc/self/environ`…), see sensitive.ts;
 *  - `..` components: two or more, or one written evasively (`..\`, `..;/`, `....//`,
 *    encoded or NUL-padded), or one in a file-ish parameter or an upload file name;
 *  - in the request path, any `..` component at all (browsers and HTTP clients resolve
 *    dot-segments before sending, RFC 3986 §5.2.4), and a leading hidden file (`/.env`).
 *
 * Borderline, decided: a single plain `../images/a.png` in an ordinary parameter is NOT
 * flagged — relative links in CMS fields and front-end state carry it. The same value
 * in `file=`, `page=`, `template=`… is flagged.
 */

function m(sign: string, start: number, end: number): DetectorMatch {
  return { signature: `ptrav.${sign}`, start, end };
}

/** `${x}`, `$(x)` or a backslash inside a word: worth the second spelling below. */
const SHELL_OBFUSCATION = /\$[{(]|[A-Za-z]\\[A-Za-z]/;

/** A second spelling for shell-obfuscated paths: `/e\t\c/pa\s\swd`, `/et${u}c/passwd`. */
function unshell(v: string): string {
  let out = "";
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 && i > 0 && i + 1 < n) {
      const p = v.charCodeAt(i - 1) | 0x20;
      const q = v.charCodeAt(i + 1) | 0x20;
      if (p >= 97 && p <= 122 && q >= 97 && q <= 122) continue;
    }
    if (c === 36 /* $ */ && i + 1 < n) {
      const o = v.charCodeAt(i + 1);
      const close = o === 123 ? 125 : o === 40 ? 41 : 0;
      if (close !== 0) {
        const e = v.indexOf(String.fromCharCode(close), i + 2);
        if (e !== -1 && e - i < 24) {
          i = e;
          continue;
        }
      }
    }
    out += v[i];
  }
  return out;
}

/** Characters every sign above needs at least one of. */
const PREFILTER = /[./\\_\u0000\u2024\u2044\u2215\u2216\uFE52\uFE68\uFF0E\uFF0F\uFF3C]|0[xX]/;

export function detectPtrav(p: Point): DetectorMatch | null {
  if (p.kind === "segment" || p.kind === "ext" || p.kind === "markup") return null;
  const raw = p.value;
  if (!ptravPrefilter(raw)) return null;
  if (p.zone === "header" && (p.header === "accept" || p.header === "content-type")) return null;

  const w = findWrapper(raw);
  if (w !== null) return m(w.sign, w.start, w.end);

  const v = normalize(raw);
  const obfuscated = v !== raw;
  const inPath = p.zone === "path";

  // An upload name that starts with dots: `..\x` after a parser dropped the backslash
  // as a quoted-pair escape (RFC 7578 §4.2 says browsers never escape it).
  if (p.kind === "filename" && v.charCodeAt(0) === 46 && v.charCodeAt(1) === 46)
    return m("upload-filename", 0, 2);
  const t = findTraversal(v);
  if (t !== null) {
    if (inPath) return m("dot-segment", t.start, t.end);
    if (p.kind === "filename") return m("upload-filename", t.start, t.end);
    if (t.steps >= 2) return m("traversal", t.start, t.end);
    if (t.evasive || obfuscated) return m("traversal-evasion", t.start, t.end);
    if (isFileName(p.name)) return m("traversal-param", t.start, t.end);
  }

  let s = findSensitive(v, inPath && p.kind === "path");
  if (s === null && SHELL_OBFUSCATION.test(v)) {
    const u = unshell(v);
    if (u !== v) s = findSensitive(u, false);
  }
  if (s !== null) {
    // Backups and hidden files are only telling in the request path or behind traversal.
    if (s.sign === "sensitive-file" || inPath || t !== null || p.kind === "value") {
      return m(s.sign, Math.max(0, s.start), Math.min(v.length, s.end));
    }
  }
  return null;
}

export function ptravPrefilter(v: string): boolean {
  return v.length >= 3 && PREFILTER.test(v);
}

export const ptravDetector: Detector = {
  type: "ptrav",
  prefilter: ptravPrefilter,
  detect: detectPtrav,
};

import type { Point } from "../../../model/index.js";
import { CH, charMask } from "../charmask.js";
import { isHeaderAsSent } from "../header-scope.js";
import type { Detector, DetectorMatch } from "../types.js";
import {
  componentEndAnchor,
  SHELL_OBFUSCATION,
  scriptTrickAnchor,
  separatorAnchor,
  startAnchor,
  wrapperAnchor,
} from "./anchors.js";
import { findLeftover } from "./leftovers.js";
import { isFileName, isFileNameMemo } from "./names.js";
import { findDotSegment, findExtensionConfusion, findPathInfoScript } from "./path-tricks.js";
import { findSensitive } from "./sensitive.js";
import { findTraversal, hasDotsOrEscapes, isSmuggled, normalize, nulAt } from "./traversal.js";
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
 *    dot-segments before sending, RFC 3986 §5.2.4), and a leading hidden file (`/.env`);
 *  - in the request path, backups, dumps, editor copies, tool leftovers and web-shell
 *    names (leftovers.ts), then a lone `.` component (`/./`, `/%2e/`) — signs
 *    `backup-file`, `leftover-file`, `webshell`, `dot-segment`;
 *  - a sensitive file cut from an appended or required extension by a NUL
 *    (`/etc/passwd%00.jpg`): `nul-truncation`;
 *  - a script extension hidden behind a separator and a harmless one (`x.php;.png`,
 *    `x.php%00.jpg`, `x.asp::$DATA`) in the path, an upload file name or a file-ish
 *    parameter, or an image run as PHP through PATH_INFO (`/up/me.jpg/x.php`) —
 *    `extension-confusion` (path-tricks.ts).
 *
 * Borderline, decided: a single plain `../images/a.png` in an ordinary parameter is NOT
 * flagged — relative links in CMS fields and front-end state carry it. The same value
 * in `file=`, `page=`, `template=`… is flagged.
 */

function m(sign: string, start: number, end: number): DetectorMatch {
  return { signature: `ptrav.${sign}`, start, end };
}

/**
 * Headers whose values follow a fixed grammar (media types, tokens, client hints) and
 * that no application reads a file name from; skipping them saves scanning the long
 * `Accept` and `Sec-CH-UA` values of every browser request.
 */
const STRUCTURED_HEADERS = new Set([
  "accept",
  "accept-encoding",
  "accept-language",
  "content-type",
  "content-length",
  "cache-control",
  "connection",
  "pragma",
  "priority",
  "if-none-match",
  "if-modified-since",
  "upgrade-insecure-requests",
  "sec-ch-ua",
  "sec-ch-ua-mobile",
  "sec-ch-ua-platform",
  "sec-fetch-dest",
  "sec-fetch-mode",
  "sec-fetch-site",
  "sec-fetch-user",
]);

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

/** `http://` or `https://` at the start, any case. */
function isWebUrl(v: string): boolean {
  if ((v.charCodeAt(0) | 0x20) !== 104 || (v.charCodeAt(1) | 0x20) !== 116) return false;
  const c = v.indexOf("://");
  return c === 4 || c === 5;
}

/**
 * A multi-line text of some length (a pasted config, a scanner template, a code
 * review): two `../` steps inside one are a relative link in the text more often than
 * a payload, which is a short value of its own. Three or more still count, as do
 * evasive spellings and sensitive targets.
 */
function isDocument(v: string): boolean {
  if (v.length < 200) return false;
  const a = v.indexOf("\n");
  return a !== -1 && v.indexOf("\n", a + 1) !== -1;
}

/** charmask.ts's CH.CTRL and CH.NONASCII characters. */
const CTRL_CHAR = /[\u0000-\u0008\u000e-\u001f\u007f]/;
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * A mask for `ptravPrefilter` inside `detect`, which is not handed the engine's: the
 * bits of its first gate exact (dot, separators, `%`, controls, non-ASCII), every other
 * bit set (each only enables a check that reads the value itself), so the answer is the
 * prefilter's — without a JavaScript pass over a 64 KiB value.
 */
function gateMask(v: string): number {
  let m = ~(PATHISH | SMUGGLING);
  if (v.indexOf(".") !== -1) m |= CH.DOT;
  if (v.indexOf("/") !== -1) m |= CH.SLASH;
  if (v.indexOf("\\") !== -1) m |= CH.BACKSLASH;
  if (v.indexOf("%") !== -1) m |= CH.PERCENT;
  if (CTRL_CHAR.test(v)) m |= CH.CTRL;
  if (NON_ASCII.test(v)) m |= CH.NONASCII;
  return m;
}

export function detectPtrav(p: Point): DetectorMatch | null {
  if (p.kind === "segment" || p.kind === "ext" || p.kind === "markup") return null;
  const raw = p.value;
  if (!ptravPrefilter(raw, gateMask(raw))) return null;
  if (isHeaderAsSent(p, STRUCTURED_HEADERS)) return null;

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
    if (t.steps >= 3 || (t.steps === 2 && !isDocument(v))) return m("traversal", t.start, t.end);
    if (t.evasive || obfuscated) return m("traversal-evasion", t.start, t.end);
    if (isFileName(p.name)) return m("traversal-param", t.start, t.end);
  }

  let s = findSensitive(v, inPath && p.kind === "path", !inPath && isWebUrl(v));
  // Shell-obfuscated paths are short probes; long documents are not re-spelled.
  if (s === null && v.length <= 512 && SHELL_OBFUSCATION.test(v)) {
    const u = unshell(v);
    if (u !== v) s = findSensitive(u, false);
  }
  if (s !== null) {
    // Backups and hidden files are only telling in the request path or behind traversal.
    if (s.sign === "sensitive-file" || inPath || t !== null || p.kind === "value") {
      return m(s.sign, Math.max(0, s.start), Math.min(v.length, s.end));
    }
  }
  // `normalize` drops NULs (the reading of a filter that strips them), which turns
  // `/etc/passwd%00.jpg` into `passwd.jpg`. C file APIs read up to the NUL instead: the
  // classic LFI that cuts the extension the application appends or requires. A
  // sensitive name ending right at the NUL is the sign.
  if (s === null && obfuscated) {
    const cut = nulAt(raw);
    if (cut > 0) {
      const head = normalize(raw.slice(0, cut));
      const h = findSensitive(head, false);
      if (h !== null && h.sign === "sensitive-file" && h.end === head.length) {
        return m("nul-truncation", Math.max(0, cut - (head.length - h.start)), Math.min(raw.length, cut + 3));
      }
    }
  }

  // Read off `raw`: `normalize` drops the NUL that truncates `x.php%00.jpg`.
  if (inPath) {
    if (p.kind !== "path") return null;
    const l = findLeftover(v);
    if (l !== null) return m(l.sign, l.start, l.end);
    const c = findExtensionConfusion(raw, false) ?? findPathInfoScript(v);
    if (c !== null) return m("extension-confusion", c.start, c.end);
    const d = findDotSegment(v);
    if (d !== null) return m("dot-segment", d.start, d.end);
  } else if (
    p.kind === "filename" ||
    (p.kind === "value" && raw.length <= 260 && raw.indexOf(".") !== -1 && isFileNameMemo(p.name))
  ) {
    const c = findExtensionConfusion(raw, p.kind === "filename");
    if (c !== null) return m("extension-confusion", c.start, c.end);
  }
  return null;
}

/** Characters one of which every sign needs, possibly smuggled (see `isSmuggled`). */
const PATHISH = CH.DOT | CH.SLASH | CH.BACKSLASH;
const SMUGGLING = CH.PERCENT | CH.CTRL | CH.NONASCII;

function mayHaveSign(v: string, mask: number): boolean {
  if ((mask & PATHISH) === 0) return false;
  const dot = (mask & CH.DOT) !== 0;
  const sep = (mask & (CH.SLASH | CH.BACKSLASH)) !== 0;
  if ((mask & CH.SLASH) !== 0) {
    // findWrapper: a scheme before `://`, or a php://filter chain cut to `resource=`.
    if ((mask & CH.COLON) !== 0 && wrapperAnchor(v)) return true;
    if ((mask & CH.EQ) !== 0 && v.indexOf("resource=") !== -1) return true;
  }
  if ((mask & (CH.DOLLAR | CH.BACKSLASH)) !== 0 && v.length <= 512 && SHELL_OBFUSCATION.test(v)) return true;
  if (startAnchor(v)) return true;
  if (sep && separatorAnchor(v)) return true;
  if (!dot) return false;
  if (scriptTrickAnchor(v)) return true;
  // Leftovers are read off the request path only, which starts with a separator.
  const c = v.charCodeAt(0);
  return (c === 47 || c === 92) && componentEndAnchor(v);
}

/**
 * The anchors of every sign (anchors.ts), gated by the shared character mask: a value
 * without a dot, a slash or a backslash — spelled out or smuggled — costs one AND; the
 * others one native scan. A superset of `detectPtrav`, which applies it too
 * (`prefilter.test.ts` holds it to that).
 *
 * Decided: a bare name with no dot or separator at all (`id_rsa`, `WEB-INF` as the whole
 * value) is not a path and is not looked at; nor is a value whose only dots and
 * slashes are written in `0x2e` notation; leftovers, backups and editor copies
 * (findLeftover) are only looked for in a request path that starts with `/` or `\`.
 */
export function ptravPrefilter(v: string, mask: number = charMask(v)): boolean {
  if ((mask & (PATHISH | SMUGGLING)) === 0 || v.length < 3) return false;
  // `..`, or escaped dots and slashes: true at once for `..`, else look again below.
  const escaped = hasDotsOrEscapes(v, mask);
  if (escaped && v.indexOf("..") !== -1) return true;
  if (mayHaveSign(v, mask)) return true;
  // Smuggled dots, slashes and NULs: look again at what the file API would get.
  if (!escaped && !isSmuggled(v, mask)) return false;
  const w = normalize(v);
  // Normalising only adds dots and separators: the old mask with those is a superset.
  return w !== v && (w.indexOf("..") !== -1 || mayHaveSign(w, mask | PATHISH));
}

export const ptravDetector: Detector = {
  type: "ptrav",
  prefilter: ptravPrefilter,
  needs: PATHISH | SMUGGLING,
  detect: detectPtrav,
};

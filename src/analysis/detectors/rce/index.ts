/**
 * `rce`: OS command injection (POSIX shells, cmd.exe, PowerShell) and code injection
 * (PHP, Java/OGNL/SpEL/deserialization, Node.js, Python, Perl, Ruby, Log4Shell,
 * Shellshock, prototype pollution), plus uploads of server-side scripts.
 *
 * Order of work per value: cheap character census → only the families whose trigger
 * characters are present run. Shell tokenizing (the costly part) runs only when a
 * separator, substitution or obfuscation character is present or the value starts with
 * a known command.
 */
import type { Point } from "../../../model/index.js";
import type { Detector, DetectorMatch } from "../types.js";
import { detectJava } from "./code/java.js";
import { detectLog4j, mayBeLog4j } from "./code/log4shell.js";
import { detectPhp } from "./code/php.js";
import { detectProto, detectScripting, detectShellshock } from "./code/scripting.js";
import { normalizeCode } from "./normalize.js";
import { F } from "./anchors.js";
import { C, mayBeCommandLine, SHELL_TRIGGER, scan } from "./prefilter.js";
import { analyzeShell, mayBeShell } from "./shell/unix.js";
import { analyzeWindows, cmdNormalized } from "./shell/windows.js";
import { detectUpload, isFilenameHeader } from "./upload.js";

/**
 * Headers whose values are protocol tokens, not free text: only the signs attackers
 * spray into every header (Log4Shell, Shellshock) are looked for there.
 */
const TOKEN_HEADERS: ReadonlySet<string> = new Set([
  "accept", "accept-encoding", "accept-language", "accept-charset", "content-type", "content-length", "host",
  "connection", "cache-control", "pragma", "if-modified-since", "if-none-match", "if-match", "range", "te", "upgrade",
  "upgrade-insecure-requests", "dnt", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest", "sec-fetch-user",
  "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform", "priority", "origin", "authorization", "x-requested-with",
  "keep-alive", "proxy-connection", "content-encoding", "transfer-encoding", "date", "expect", "via", "x-forwarded-for",
  "x-real-ip", "forwarded", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "etag", "if-range", "trailer",
]);

const CODE_MAX = 16384;

/** Compressed or binary data decoded as text: control characters and U+FFFD in its head. */
function isBinary(v: string): boolean {
  let bad = 0;
  const n = v.length < 256 ? v.length : 256;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || (c >= 0x80 && c < 0xa0)) {
      if (++bad >= 3) return true;
    }
  }
  return false;
}

function codeChecks(value: string, mask: number, fam: number, isKey: boolean): DetectorMatch | null {
  // Injected code is short; a huge value is checked on its head (see RATIONALE in the report).
  const v = value.length > CODE_MAX ? value.slice(0, CODE_MAX) : value;
  const n = mask & C.Escape ? normalizeCode(v) : v;
  const lower = n.toLowerCase();
  if (fam & F.Php || mask & (C.Lt | C.Paren | C.Dollar | C.Bracket | C.Brace)) {
    const php = detectPhp(n, (fam & F.Php) !== 0);
    if (php !== null) return php;
  }
  if (fam & F.Java || (mask & C.Dot && mask & (C.At | C.Paren))) {
    const j = detectJava(n, lower, (fam & F.Java) !== 0);
    if (j !== null) return j;
  }
  if (fam & (F.Node | F.Python | F.RubyPerl | F.Loop) || mask & C.At) {
    const sc = detectScripting(n, lower, fam);
    if (sc !== null) return sc;
  }
  if (fam & F.Proto) {
    const pp = detectProto(n, lower, isKey);
    if (pp !== null) return pp;
  }
  return null;
}

function detectValue(p: Point): DetectorMatch | null {
  const v = p.value;
  if (v.length === 0) return null;
  const sc = scan(v);
  if (!sc.interesting) return null;
  const mask = sc.census;
  const fam = sc.families;
  if (fam & F.Upload && (p.kind === "filename" || p.kind === "raw" || (p.zone === "header" && isFilenameHeader(p.header)))) {
    const up = detectUpload(p);
    if (up !== null) return up;
  }
  if (mask & C.Dollar && mayBeLog4j(v)) {
    const l = detectLog4j(v);
    if (l !== null) return l;
  }
  if (mask & C.Escape && mask & C.Brace) {
    const n = normalizeCode(v);
    if (n !== v && mayBeLog4j(n)) {
      const l = detectLog4j(n);
      if (l !== null) return l;
    }
  }
  if (mask & C.Paren) {
    const ss = detectShellshock(v);
    if (ss !== null) return ss;
  }
  const tokenHeader = p.zone === "header" && p.header !== undefined && TOKEN_HEADERS.has(p.header);
  if (tokenHeader) return null;
  const code = codeChecks(v, mask, fam, p.kind === "key");
  if (code !== null) return code;
  if (p.kind === "ext") return null;
  // Shell: whole-value command lines only where a value can be a command (not in path
  // segments, which are names).
  const valueIsCommand = p.kind === "value" || p.kind === "raw" || p.kind === "filename";
  if (isBinary(v)) return null;
  if ((mask & SHELL_TRIGGER || mayBeCommandLine(v)) && mayBeShell(v)) {
    const sh = analyzeShell(v, valueIsCommand);
    if (sh !== null) return sh;
    if (mask & (C.Caret | C.Percent)) {
      const w = cmdNormalized(v);
      if (w !== null) {
        const sw = analyzeShell(w, valueIsCommand);
        if (sw !== null) return sw;
      }
    }
  }
  if (fam & F.Windows || mask & (C.Caret | C.Percent)) {
    const win = analyzeWindows(v);
    if (win !== null) return win;
  }
  if (mask & (C.Tilde | C.Bang)) {
    // Bash tilde and history expansions as a whole value: `~+`, `~-1`, `!-1!-2`, `!!`.
    if (/^(?:~[+-]\d{0,2}|~\d{1,2}|(?:!-?\d{1,3}|!!){1,4})$/.test(v.trim()))
      return { signature: "rce.shell-expansion", start: 0, end: v.length };
  }
  return null;
}

export const rceDetector: Detector = {
  type: "rce",
  prefilter: (v: string) => v.length > 0 && scan(v).interesting,
  detect(point: Point): DetectorMatch | null {
    return detectValue(point);
  },
};

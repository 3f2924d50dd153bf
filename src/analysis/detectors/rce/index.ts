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
import type { Hit, Point } from "../../../model/index.js";
import { excerpt, headerValue, pointName } from "../../../model/index.js";
import { hasPercentEscape, percentDecode } from "../../points/percent.js";
import { charMask } from "../charmask.js";
import { isHeaderAsSent } from "../header-scope.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { anchorFamilies, F } from "./anchors.js";
import { dispatchedRunner, frameworkRoute, nestedPrototype, renderCallbackKey } from "./code/framework.js";
import { detectJava } from "./code/java.js";
import { detectLog4j, mayBeLog4j } from "./code/log4shell.js";
import { detectPhp } from "./code/php.js";
import { detectPickle } from "./code/pickle.js";
import {
  detectPerlExec,
  detectProto,
  detectScripting,
  detectShellshock,
  findPerlExec,
  mayBePerlExec,
} from "./code/scripting.js";
import {
  BIG,
  base64HeadIsText,
  base64PickleHead,
  bigMayMatch,
  binaryHead,
  binaryMayMatch,
  rceGate,
} from "./gate.js";
import { normalizeCode } from "./normalize.js";
import { C, census, iniAssignment, mayBeCommandLine, SHELL_TRIGGER, scan } from "./prefilter.js";
import { analyzeDashC, analyzeShell, type CommandMode, mayBeDashC, mayBeShell } from "./shell/unix.js";
import { analyzeWindows, cmdNormalized, cmdWithPath } from "./shell/windows.js";
import { detectUpload, isFilenameHeader } from "./upload.js";

/**
 * Headers whose values are protocol tokens, not free text: only the signs attackers
 * spray into every header (Log4Shell, Shellshock) are looked for there.
 */
const TOKEN_HEADERS: ReadonlySet<string> = new Set([
  "accept",
  "accept-encoding",
  "accept-language",
  "accept-charset",
  "content-type",
  "content-length",
  "host",
  "connection",
  "cache-control",
  "pragma",
  "if-modified-since",
  "if-none-match",
  "if-match",
  "range",
  "te",
  "upgrade",
  "upgrade-insecure-requests",
  "dnt",
  "sec-fetch-site",
  "sec-fetch-mode",
  "sec-fetch-dest",
  "sec-fetch-user",
  "sec-ch-ua",
  "sec-ch-ua-mobile",
  "sec-ch-ua-platform",
  "priority",
  "origin",
  "authorization",
  "x-requested-with",
  "keep-alive",
  "proxy-connection",
  "content-encoding",
  "transfer-encoding",
  "date",
  "expect",
  "x-forwarded-proto",
  "x-forwarded-port",
  "etag",
  "if-range",
  "trailer",
]);

const CODE_MAX = 16384;

/** `%{`, `${`, `#{`: an OGNL, EL or SpEL expression starts. */
const EXPRESSION_OPENER = /[%$#]\{/;

function codeChecks(value: string, mask: number, families: number, isKey: boolean): DetectorMatch | null {
  // Injected code is short; a huge value is checked on its head (see RATIONALE in the report).
  const v = value.length > CODE_MAX ? value.slice(0, CODE_MAX) : value;
  let fam = families;
  const n = mask & C.Escape ? normalizeCode(v) : v;
  // Escapes can hide anchors (`c\u006fnsole`): look again at the decoded text.
  if (n !== v) fam |= anchorFamilies(n);
  const lower = n.toLowerCase();
  if (mask & C.Eq && iniAssignment(n))
    return { signature: "rce.php-ini-directive", start: 0, end: n.indexOf("=") + 1 };
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

/** `if …` / `for …` at the start: a cmd.exe statement is possible. */
function startsIfFor(v: string): boolean {
  const c = v.charCodeAt(0) | 32;
  if (c === 105)
    return (
      (v.charCodeAt(1) | 32) === 102 &&
      (v.charCodeAt(2) === 32 || v.charCodeAt(2) === 47 || v.charCodeAt(2) === 9)
    );
  if (c === 102) return /^for[\s/]/i.test(v);
  return false;
}

function detectValue(p: Point): DetectorMatch | null {
  const v = p.value;
  if (v.length === 0) return null;
  const sc = scan(v);
  if (!sc.interesting) return null;
  const mask = sc.census;
  const fam = sc.families;
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
  if (isHeaderAsSent(p, TOKEN_HEADERS)) {
    // An expression opener is never part of a protocol token: OGNL in a Content-Type is
    // how Struts 2 was taken over (CVE-2017-5638), read by the framework that parses the
    // header. The code checks then run; shell syntax stays out of scope there.
    return EXPRESSION_OPENER.test(v) ? codeChecks(v, mask, fam, false) : null;
  }
  // Binary data (an uploaded file's bytes): only what a metadata reader evaluates in it.
  if (binaryHead(v)) return mayBePerlExec(v) ? detectPerlExec(v) : null;
  // Drupal render callbacks are judged in parameter names only (`mail[#post_render][]`).
  if (fam & F.Render && p.kind === "key") {
    const rc = renderCallbackKey(v);
    if (rc !== null) return rc;
  }
  // Before `normalizeCode`, which would read `\think` as a tab and `hink`.
  if (mask & C.Backslash) {
    const fr = frameworkRoute(v);
    if (fr !== null) return fr;
  }
  const code = codeChecks(v, mask, fam, p.kind === "key");
  if (code !== null) return code;
  if (p.kind === "ext") return null;
  // Shell: whole-value command lines only where a value can be a command (not in path
  // segments, which are names).
  const mode: CommandMode =
    p.kind === "value" || p.kind === "raw" || p.kind === "filename"
      ? "value"
      : p.kind === "key"
        ? "key"
        : "none";
  if ((mask & SHELL_TRIGGER || mayBeCommandLine(v)) && mayBeShell(v)) {
    const sh = analyzeShell(v, mode);
    if (sh !== null) return sh;
    if (mask & (C.Caret | C.Percent)) {
      const w = cmdNormalized(v);
      if (w !== null) {
        const sw = analyzeShell(w, mode);
        if (sw !== null) return sw;
      }
    }
  }
  // `-c id`: a shell's option and the command it runs, passed as an argument list.
  if (mode === "value" && mask & C.Space && mayBeDashC(v)) {
    const dc = analyzeDashC(v);
    if (dc !== null) return dc;
  }
  if (fam & F.Windows || mask & C.Caret || startsIfFor(v)) {
    const win = analyzeWindows(v);
    if (win !== null) return win;
  }
  if (mask & C.Backslash && mask & (C.Pipe | C.Amp | C.Newline)) {
    const cw = cmdWithPath(v);
    if (cw !== null) return cw;
  }
  if (mask & (C.Tilde | C.Bang)) {
    // Bash tilde and history expansions as a whole value: `~+`, `~-1`, `!-1!-2`, `!!`.
    if (/^(?:~[+-]\d{0,2}|~\d{1,2}|(?:!-?\d{1,3}|!!){1,4})$/.test(v.trim()))
      return { signature: "rce.shell-expansion", start: 0, end: v.length };
  }
  return null;
}

/**
 * A Referer is a URL whose query and fragment parameters are as attacker-written as our
 * own: read them as values (`…/?args=env --version`, `…#x=foo;cat$u+/etc$u/passwd`).
 */
function refererParams(point: Point): DetectorMatch | null {
  const v = point.value;
  const q = v.indexOf("?");
  const h = v.indexOf("#");
  const from = q === -1 ? h : h === -1 ? q : Math.min(q, h);
  if (from === -1 || v.length - from > 4096) return null;
  const parts = v.slice(from + 1).split(/[&#?]/);
  for (let i = 0; i < parts.length && i < 32; i++) {
    const part = parts[i]!;
    const eq = part.indexOf("=");
    if (eq === -1 || eq === part.length - 1) continue;
    const value = percentDecode(part.slice(eq + 1), true);
    // The same first stage as for any value: most parameters stop here.
    if (!rceGate(value, charMask(value))) continue;
    const m = detectValue({
      steps: point.steps,
      zone: "query",
      kind: "value",
      value,
      depth: point.depth + 1,
    });
    if (m !== null) return { signature: m.signature, start: from, end: v.length };
  }
  return null;
}

const PLAIN_URL = /^https?:\/\/[\w.:@-]+(?:\/[\w.~!,@+=%-]*)*(?:[?#][^\s"'`<>|;:$\\]*)?$/;

/** Only a Referer whose parameters hold shell or code characters (raw or encoded) is split. */
function refererSuspicious(v: string): boolean {
  const m = scan(v).census;
  if (
    m &
    (C.Semi | C.Pipe | C.Dollar | C.Backtick | C.Quote | C.Lt | C.Brace | C.Space | C.Backslash | C.Newline)
  )
    return true;
  return m & C.Percent ? /%(?:3[bBcC]|7[bBcC]|2[02478]|60|0[aA])/.test(v) : false;
}

/** Base64 of code (`XyQkTkRfRlVOQyQkXwo=`): decode strict base64 text and run the code checks on it. */
function base64Code(v: string): DetectorMatch | null {
  const n = v.length;
  if (n < 16 || n > 8192 || n % 4 !== 0) return null;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    const ok =
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 48 && c <= 57) ||
      c === 43 ||
      c === 47 ||
      c === 45 ||
      c === 95 ||
      (c === 61 && i >= n - 2);
    if (!ok) return null;
  }
  if (!base64HeadIsText(v)) {
    // A binary pickle (protocol 2+) is no text, and is read as its opcodes.
    if (!base64PickleHead(v)) return null;
    return detectPickle(Buffer.from(v, "base64").toString("latin1")) === null
      ? null
      : { signature: "rce.python-pickle", start: 0, end: n };
  }
  const text = Buffer.from(v, "base64").toString("latin1");
  // A protocol-0 pickle is printable text: `cposix\nsystem\n(S'id'\ntR.`
  if (detectPickle(text) !== null) return { signature: "rce.python-pickle", start: 0, end: n };
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13) printable++;
  }
  if (printable < text.length * 0.95) return null;
  const fam = anchorFamilies(text);
  if (fam === 0) return null;
  const m = codeChecks(text, census(text), fam, false);
  return m === null ? null : { signature: m.signature, start: 0, end: n };
}

/** Keys are not percent-decoded twice by the extractor: do it for keys that still hold escapes. */
function detectPoint(point: Point): DetectorMatch | null {
  if (point.value.length === 0 || !scan(point.value).interesting) return null;
  const referer = point.zone === "header" && point.header === "referer";
  // A referer that is a plain http(s) URL (no space, quote, `:` or shell character in its
  // query: no `php://`-style wrapper) is judged by its parameters alone, decoded, as
  // query values are.
  let m = referer && PLAIN_URL.test(point.value) ? null : detectValue(point);
  if (m === null && referer && refererSuspicious(point.value)) m = refererParams(point);
  if (m === null && (point.kind === "value" || point.kind === "key")) m = base64Code(point.value);
  if (m !== null || point.kind !== "key" || point.value.indexOf("%") === -1 || !hasPercentEscape(point.value))
    return m;
  const d = percentDecode(point.value, false);
  if (d === point.value) return null;
  const md = detectValue({ ...point, value: d });
  return md === null ? null : { signature: md.signature, start: 0, end: point.value.length };
}

/**
 * Upload file names are judged per request, from the points that carry them (multipart
 * file names, `X-Filename`-style headers, raw multipart bodies), so that the per-value
 * prefilter does not have to let every dotted name through.
 */
function detectRequest(view: RequestView): Hit[] {
  const hits: Hit[] = [];
  const upload = uploadHit(view);
  if (upload !== null) hits.push(upload);
  const perl = uploadPerl(view);
  if (perl !== null) hits.push(perl);
  // Signs no single value shows: a callable dispatcher and a runner sent as separate
  // parameters, a `prototype` key under a `constructor` key (code/framework.ts).
  const runner = dispatchedRunner(view.points);
  if (runner !== null) hits.push(wholePointHit(runner, "rce.php-callable-dispatch"));
  const proto = nestedPrototype(view.points);
  if (proto !== null) hits.push(wholePointHit(proto, "rce.prototype-pollution"));
  return hits;
}

/** A request-level hit on a whole point's value. */
function wholePointHit(p: Point, signature: string): Hit {
  return { type: "rce", point: pointName(p), payload: excerpt(p.value, 0, p.value.length), signature };
}

/** How much of an upload's body is read for metadata that a reader evaluates as Perl. */
const UPLOAD_SCAN = 1 << 20;

/**
 * A multipart file upload whose bytes hold Perl command execution: a DjVu `(metadata …)`
 * annotation with `qx{…}` or backticks, which ExifTool before 12.24 evaluated (GitLab,
 * CVE-2021-22205). The point extractor drops binary file parts (points/body/index.ts),
 * so the body is read here: its first MiB as Latin-1, searched natively for the hints
 * (code/scripting.ts `findPerlExec`). A whole binary body (an image PUT as is) is a
 * `binary` point, which `detect` reads itself.
 */
function uploadPerl(view: RequestView): Hit | null {
  const req = view.request;
  const ct = (headerValue(req.headers, "content-type") ?? "").trimStart().toLowerCase();
  if (!ct.startsWith("multipart/")) return null;
  const b = req.body;
  const n = Math.min(b.length, UPLOAD_SCAN);
  if (n === 0) return null;
  const text =
    typeof b === "string" ? b.slice(0, n) : Buffer.from(b.buffer, b.byteOffset, n).toString("latin1");
  const m = findPerlExec(text);
  if (m === null) return null;
  // A part the extractor kept as text is judged as a point of its own (`detectValue`).
  const found = text.slice(m.start, m.end);
  for (const p of view.points) if (p.zone === "body" && p.value.indexOf(found) !== -1) return null;
  return { type: "rce", point: "body", payload: excerpt(text, m.start, m.end), signature: m.signature };
}

function uploadHit(view: RequestView): Hit | null {
  for (const p of view.points) {
    if (
      p.kind !== "filename" &&
      !(p.zone === "header" && isFilenameHeader(p.header)) &&
      !(p.kind === "raw" && p.zone === "body")
    )
      continue;
    const m = detectUpload(p);
    if (m !== null)
      return {
        type: "rce",
        point: pointName(p),
        payload: excerpt(p.value, m.start, m.end),
        signature: m.signature,
      };
  }
  return null;
}

/**
 * A whole query string or form body (`#raw`) made of `name=value` pairs only: every
 * value is also a point of its own, so the whole adds nothing to check. (One that is not,
 * like `ip=1&cat /etc/passwd` or `a=1&&id`, is checked whole.)
 */
const PAIRS = /^[\w.[\]-]+=[^&]*(?:&[\w.[\]-]+=[^&]*)*$/;

/** The gate (gate.ts) first, exactly as the prefilter applies it. */
function detect(p: Point): DetectorMatch | null {
  const v = p.value;
  if (p.kind === "raw" && p.steps[p.steps.length - 1] === "#raw" && PAIRS.test(v)) return null;
  if (v.length > BIG) {
    if (!binaryHead(v)) return bigMayMatch(v) ? detectPoint(p) : null;
    // Binary data: only the signs sprayed into every field, as `detectValue` does.
    const head = v.length > 65536 ? v.slice(0, 65536) : v;
    if (!binaryMayMatch(head)) return null;
    return (
      (mayBeLog4j(head) ? detectLog4j(head) : null) ??
      detectShellshock(head) ??
      (mayBePerlExec(head) ? detectPerlExec(head) : null)
    );
  }
  if (!gatePassed(v)) return null;
  const m = detectPoint(p);
  if (m !== null || p.kind !== "raw" || p.steps[p.steps.length - 1] !== "#raw" || !hasPercentEscape(v))
    return m;
  // A whole form body or query string that is not made of pairs (`cmd=1%2B&&%2Bls%2B%2Fetc`):
  // its pieces were encoded for the pair that `&&` cut apart; read it decoded once.
  const d = percentDecode(v, true);
  const md = d === v ? null : detectValue({ ...p, value: d });
  return md === null ? null : { signature: md.signature, start: 0, end: v.length };
}

/**
 * The gate's answer for the value the prefilter saw last: the engine calls `prefilter(v,
 * charMask(v))` and then `detect(p)` with `p.value === v`, so `detect` need not compute
 * the mask and run the gate's searches a second time.
 */
let gateValue: string | null = null;
let gateAnswer = false;

function gatePassed(v: string): boolean {
  return v === gateValue ? gateAnswer : rceGate(v, charMask(v));
}

function prefilter(v: string, mask: number): boolean {
  const g = rceGate(v, mask);
  gateValue = v;
  gateAnswer = g;
  return g && scan(v).interesting;
}

export const rceDetector: Detector = {
  type: "rce",
  // Binary bodies: only the signs sprayed into every field (Log4Shell, Shellshock), see detect.
  binary: true,
  prefilter,
  detect,
  detectRequest,
};

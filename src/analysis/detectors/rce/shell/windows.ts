/**
 * Windows command lines: cmd.exe syntax (`^` escapes, `%VAR%` and `%VAR:~n,m%` expansion,
 * `for … in (…) do …`, `if [not] exist|defined|errorlevel|==`) and PowerShell cmdlets.
 * References: Microsoft "cmd", "for", "if", "set" command docs; PowerShell approved verbs.
 */
import type { DetectorMatch } from "../../types.js";

const BATCH_BUILTINS: ReadonlySet<string> = new Set([
  "set",
  "goto",
  "echo",
  "@echo",
  "call",
  "exit",
  "del",
  "erase",
  "copy",
  "xcopy",
  "move",
  "cd",
  "chdir",
  "md",
  "mkdir",
  "rd",
  "rmdir",
  "type",
  "start",
  "cmd",
  "dir",
  "ren",
  "rename",
  "if",
  "for",
  "pause",
  "shift",
  "title",
  "color",
  "powershell",
  "net",
  "reg",
  "certutil",
  "whoami",
  "ping",
  "find",
  "findstr",
  "more",
  "sort",
  "tasklist",
  "taskkill",
]);

/** PowerShell cmdlets and .NET members that mean download-and-run or code execution. */
export const PS_NAMES: readonly string[] = [
  "invoke-expression",
  "invoke-webrequest",
  "invoke-restmethod",
  "invoke-command",
  "invoke-item",
  "invoke-wmimethod",
  "invoke-cimmethod",
  "start-process",
  "new-object",
  "set-executionpolicy",
  "add-mppreference",
  "set-mppreference",
  "get-wmiobject",
  "get-ciminstance",
  "start-bitstransfer",
  "new-service",
  "invoke-shellcode",
  "invoke-mimikatz",
  "import-module",
  "get-process",
  "stop-process",
  "get-childitem",
  "get-content",
  "set-content",
  "remove-item",
  "copy-item",
  "out-file",
  "new-item",
  "get-itemproperty",
  "set-itemproperty",
  "new-psdrive",
  "register-scheduledtask",
  "new-scheduledtaskaction",
  "add-type",
  "get-localuser",
  "new-localuser",
  "get-acl",
  "set-acl",
  "test-netconnection",
  "invoke-psremoting",
  "enter-pssession",
  "new-pssession",
  "convertto-securestring",
  "expand-archive",
];
export const PS_MEMBERS: readonly string[] = [
  "downloadstring(",
  "downloadfile(",
  "downloaddata(",
  "frombase64string(",
  "net.webclient",
  "system.net.webclient",
  "[system.convert]",
  "[convert]::",
  "[system.text.encoding]",
  "[reflection.assembly]",
  "system.diagnostics.process",
  "-encodedcommand",
  "-executionpolicy bypass",
  "-exec bypass",
  "-ep bypass",
  "-windowstyle hidden",
  "-w hidden",
];

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}
function isCmdStart(s: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9 || s.charCodeAt(j) === 64)) j--;
  if (j < 0) return true;
  const c = s.charCodeAt(j);
  return c === 38 || c === 124 || c === 59 || c === 10 || c === 13 || c === 40 || c === 34 || c === 39;
}

/** Splits on blanks, keeping at most `max` tokens from `i`. */
function tokens(s: string, i: number, max: number): string[] {
  const out: string[] = [];
  let j = i;
  while (j < s.length && out.length < max) {
    while (j < s.length && isSpace(s.charCodeAt(j))) j++;
    if (j >= s.length) break;
    const st = j;
    if (s.charCodeAt(j) === 34) {
      const close = s.indexOf('"', j + 1);
      j = close === -1 ? s.length : close + 1;
    } else {
      while (j < s.length && !isSpace(s.charCodeAt(j))) j++;
    }
    out.push(s.slice(st, j));
  }
  return out;
}

/**
 * cmd.exe normalisation: `^` escapes removed, well-known variables substituted. Returns
 * the normalised text and whether a substring-of-variable trick (`%COMSPEC:~-7,1%`) was seen.
 */
export function normalizeCmd(v: string): { text: string; substr: boolean } {
  let t = v;
  if (t.indexOf("^") !== -1) t = t.replace(/\^(?=[^\s^])/g, "");
  let substr = false;
  if (t.indexOf("%") !== -1) {
    t = t.replace(
      /%([A-Za-z_][\w()]{0,30})(:~-?\d{1,3}(?:,-?\d{1,3})?)?%/g,
      (_m, name: string, sub?: string) => {
        if (sub !== undefined) {
          substr = true;
          return "";
        }
        const n = name.toLowerCase();
        if (n === "comspec") return "cmd.exe";
        if (n === "windir" || n === "systemroot") return "c:\\windows";
        if (n === "programfiles") return "c:\\progra~1";
        return _m;
      },
    );
  }
  return { text: t, substr };
}

/** `for [/d|/r|/l|/f ["opts"]] %%x in (…) do …` */
function batchFor(s: string, lower: string, i: number): boolean {
  const t = tokens(s, i + 3, 12);
  let k = 0;
  while (k < t.length && (t[k]!.startsWith("/") || t[k]!.startsWith('"'))) {
    k++;
    // `/r C:\path` takes a path argument.
    if (k < t.length && !t[k]!.startsWith("%") && !t[k]!.startsWith("/") && !t[k]!.startsWith('"')) k++;
  }
  const v = t[k];
  if (v === undefined || !/^%%?[^\s%]{1,32}$|^%%$/.test(v)) return false;
  const inTok = t[k + 1]?.toLowerCase() ?? "";
  if (inTok !== "in" && !inTok.startsWith("in(")) return false;
  const open = lower.indexOf("(", i);
  if (open === -1) return false;
  const close = lower.indexOf(")", open);
  if (close === -1) return false;
  return /^\s*do\b/.test(lower.slice(close + 1, close + 8)) || lower.indexOf(" do ", close) !== -1;
}

const COMPARE = new Set(["equ", "neq", "lss", "leq", "gtr", "geq"]);

/** `if [/i] [not] exist|defined|errorlevel … cmd`, `if a==b cmd`, `if a equ b cmd`. */
function batchIf(s: string, i: number): boolean {
  const rest = s.slice(i + 2, i + 400);
  if (rest.length === 0) return false;
  const c0 = rest.charCodeAt(0);
  if (!isSpace(c0) && c0 !== 47 /* if/i */ && c0 !== 40) return false;
  const t = tokens(rest.charCodeAt(0) === 47 ? ` ${rest}` : rest, 0, 10);
  let k = 0;
  if (t[k]?.toLowerCase() === "/i") k++;
  if (t[k]?.toLowerCase() === "not") k++;
  const kw = t[k]?.toLowerCase() ?? "";
  if (kw === "exist" || kw === "defined") {
    const target = t[k + 1];
    const then = t[k + 2]?.toLowerCase() ?? "";
    if (target === undefined || target.endsWith(",")) return false;
    return then.startsWith("(") || BATCH_BUILTINS.has(then) || then === "...";
  }
  if (kw === "errorlevel" || kw === "cmdextversion") return /^\d+$/.test(t[k + 1] ?? "");
  const head = rest.slice(0, 200);
  const amp = head.indexOf("&");
  const eq = head.indexOf("==");
  if (eq !== -1 && (amp === -1 || eq < amp) && t.length >= 2) return true;
  return COMPARE.has(t[k + 1]?.toLowerCase() ?? "") && t.length >= k + 3;
}

/** Separators after which cmd.exe starts a new command: `&`, `|`, `&&`, `||`, a line break. */
function isCmdSeparator(c: number): boolean {
  return c === 38 || c === 124 || c === 10 || c === 13;
}

/** `C:\…`, `%SystemDrive%\…`, `\\host\share…`: a Windows path naming a file or a share. */
function isWindowsPath(t: string): boolean {
  return /^(?:[A-Za-z]:\\|%[A-Za-z_][\w()]{0,30}%\\|\\\\[\w.-]{1,63}\\)/.test(t);
}

/**
 * `| type %SystemDrive%\boot.ini`, `& dir C:\`, `&& copy \\host\x`: after a cmd.exe
 * separator, a built-in command whose argument is a Windows path. Prose neither puts a
 * separator before "type" nor a drive or `%VAR%` path after it.
 */
export function cmdWithPath(v: string): DetectorMatch | null {
  for (let i = 0, n = 0; i < v.length && n < 16; i++) {
    if (!isCmdSeparator(v.charCodeAt(i))) continue;
    n++;
    let j = i + 1;
    if (j < v.length && v.charCodeAt(j) === v.charCodeAt(i)) j++;
    const t = tokens(v, j, 2);
    const cmd = t[0]?.toLowerCase() ?? "";
    if (t.length === 2 && BATCH_BUILTINS.has(cmd) && isWindowsPath(t[1]!))
      return { signature: "rce.cmd-command", start: i, end: Math.min(v.length, j + 64) };
  }
  return null;
}

/** Windows shell and PowerShell signs in a value. */
export function analyzeWindows(value: string): DetectorMatch | null {
  const { text: s, substr } = normalizeCmd(value);
  if (substr) return { signature: "rce.cmd-variable-substring", start: 0, end: value.length };
  const lower = s.toLowerCase();
  let i = lower.indexOf("for");
  for (let n = 0; i !== -1 && n < 8; n++) {
    if (isCmdStart(lower, i) && isSpace(lower.charCodeAt(i + 3)) && batchFor(s, lower, i))
      return { signature: "rce.cmd-for-loop", start: i, end: value.length };
    i = lower.indexOf("for", i + 3);
  }
  i = lower.indexOf("if");
  for (let n = 0; i !== -1 && n < 8; n++) {
    if (isCmdStart(lower, i) && batchIf(s, i))
      return { signature: "rce.cmd-if", start: i, end: value.length };
    i = lower.indexOf("if", i + 2);
  }
  if (lower.indexOf("-") !== -1) {
    for (const name of PS_NAMES) {
      const at = lower.indexOf(name);
      if (at === -1) continue;
      const before = at === 0 ? 32 : lower.charCodeAt(at - 1);
      const after = lower.charCodeAt(at + name.length);
      const boundaryBefore = !((before >= 97 && before <= 122) || before === 45);
      if (boundaryBefore && (isSpace(after) || after === 40 || after === 59 || after === 124)) {
        const rest = lower.slice(at + name.length).trim();
        if (rest.length > 0) return { signature: "rce.powershell-cmdlet", start: at, end: at + name.length };
      }
    }
  }
  for (const m of PS_MEMBERS) {
    const at = lower.indexOf(m);
    if (at !== -1) return { signature: "rce.powershell-member", start: at, end: at + m.length };
  }
  return null;
}

/** True when the value has something only cmd.exe syntax explains (so the unix pass can re-run). */
export function cmdNormalized(value: string): string | null {
  if (value.indexOf("^") === -1 && value.indexOf("%") === -1) return null;
  const { text } = normalizeCmd(value);
  return text === value ? null : text;
}

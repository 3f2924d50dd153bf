/**
 * Decides whether a tokenized value is injected shell. The signs, strongest first:
 *  - constructs only shell code has: `$IFS`, parameter operators, here-strings, fork bombs;
 *  - a known command inside a substitution (`$(…)`, backticks, `<(…)`);
 *  - a command word that was obfuscated (quotes/backslashes/empty variables inside it,
 *    or a glob that only resolves to a command);
 *  - a separator followed by a command (distinct names alone; common words with
 *    shell-shaped arguments, or right after a token like `127.0.0.1;`);
 *  - a whole value that is a command line aimed at something sensitive.
 */
import type { DetectorMatch } from "../../types.js";
import { COMMANDS, COMMON, SENSITIVE_PATHS, SENSITIVE_PREFIXES, SHELLS, WRAPPERS, commandName, stripVersion } from "./commands.js";
import { globMatch, hasGlob } from "./glob.js";
import { Feat, type ShellCommand, type ShellWord, tokenizeShell } from "./tokenizer.js";

const ALL_COMMANDS: readonly string[] = [...COMMANDS];
const BIN_DIRS = ["/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];

/** Tools that no benign form value names on its own: enough as a whole value. */
const BARE_ALONE: ReadonlySet<string> = new Set([
  "whoami", "ifconfig", "ipconfig", "netstat", "visudo", "systeminfo", "tasklist", "lastlog", "printenv",
  "cscli", "ansible-console", "chef-shell", "getent", "nslookup", "htop", "lsmod", "dmesg", "pstree",
]);
/** Admin tools CRS-style rule sets treat as dangerous at the start of any value. */
const ADMIN: ReadonlySet<string> = new Set([
  "ansible", "ansible-playbook", "ansible-config", "ansible-galaxy", "ansible-console", "ansible-doc",
  "ansible-inventory", "ansible-pull", "ansible-vault", "chef", "chef-client", "chef-shell", "chef-run", "chef-vault",
  "knife", "cscli", "visudo", "aa-disable", "aa-enforce", "aa-exec", "useradd", "usermod", "userdel", "adduser",
  "chpasswd", "crontab", "systemctl", "iptables", "insmod", "modprobe", "pip", "pip3", "pip2", "pipx", "ssh-copy-id",
  "python", "python2", "python3", "perl", "ruby", "php", "busybox", "gunzip", "zstdcat", "bzcat", "xzcat", "zcat",
  "unxz", "bsdtar", "perf", "powershell", "pwsh", "certutil", "bitsadmin", "mshta", "rundll32", "regsvr32", "wmic",
  "nc", "ncat", "netcat", "socat", "wget", "curl", "bash", "sh", "zsh", "ksh", "dash", "gcc", "cc", "c89", "c99",
  "ifconfig", "whoami", "uname", "netstat", "nslookup", "env", "uconv", "chmod", "chown", "rmt", "irb",
]);

/** `/bin`, `/usr/local/sbin`, `.`, `..`, `C:\\Windows\\System32`, or any glob of them. */
function isProgramDir(dir: string): boolean {
  const d = dir.toLowerCase();
  if (d === "." || d === ".." || d === "~") return true;
  if (d.indexOf("bin") !== -1 || d.indexOf("system32") !== -1 || d.indexOf("windows") !== -1) return true;
  if (hasGlob(d)) return true;
  return d.startsWith("/tmp") || d.startsWith("/dev/shm") || d.startsWith("/var/tmp") || d.startsWith("/opt");
}

export interface ResolvedCommand {
  name: string;
  known: boolean;
  viaGlob: boolean;
}

/** Resolves a command word, including glob patterns that only a command name satisfies. */
export function resolveCommand(w: ShellWord): ResolvedCommand {
  const raw = w.text;
  const name = stripVersion(commandName(raw));
  if (COMMANDS.has(name)) {
    // `host.example.com/x/history` is a path, not a program: a directory part must be
    // where programs live (or relative to here).
    const slash = Math.max(raw.lastIndexOf("/"), raw.lastIndexOf("\\"));
    if (slash > 0 && !isProgramDir(raw.slice(0, slash))) return { name, known: false, viaGlob: false };
    return { name, known: true, viaGlob: false };
  }
  if (w.glob && hasGlob(raw) && raw.length <= 64) {
    const slash = raw.lastIndexOf("/");
    const dir = slash === -1 ? "" : raw.slice(0, slash);
    const base = raw.slice(slash + 1);
    let letters = 0;
    for (let i = 0; i < base.length; i++) {
      const c = base.charCodeAt(i) | 32;
      if (c >= 97 && c <= 122) letters++;
    }
    const dirOk = dir.length > 0 && BIN_DIRS.some((d) => globMatch(dir, d));
    if (base.length >= 2 && (dirOk || letters >= 1) && base !== "*") {
      for (const c of ALL_COMMANDS) {
        if (c.length >= 2 && globMatch(base, c)) return { name: c, known: true, viaGlob: true };
      }
    }
  }
  return { name, known: false, viaGlob: false };
}

/** A path or a glob that names a file injected commands go after. */
export function isSensitivePath(text: string, glob: boolean): boolean {
  const t = text.toLowerCase();
  if (t.length < 4) return false;
  for (const p of SENSITIVE_PATHS) if (t === p || t.startsWith(`${p}/`)) return true;
  if (t.charCodeAt(0) === 47 || t.charCodeAt(0) === 99 || t.charCodeAt(0) === 37) {
    for (const p of SENSITIVE_PREFIXES) if (t.startsWith(p) && t.length > p.length) return true;
  }
  if (glob && t.charCodeAt(0) === 47) {
    for (const p of SENSITIVE_PATHS) if (globMatch(t, p)) return true;
  }
  return false;
}

function isFlag(t: string): boolean {
  if (t.length < 2 || t.charCodeAt(0) !== 45) return false;
  const c = t.charCodeAt(1);
  if (c === 45) {
    const d = t.charCodeAt(2) | 32;
    return d >= 97 && d <= 122;
  }
  const l = c | 32;
  return (l >= 97 && l <= 122) && t.length <= 24;
}

function isIpLike(t: string): boolean {
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5})?$/.test(t);
}

/** Arguments only a command line has: flags, absolute paths, URLs, `if=/…`, hosts. */
function shellArgs(c: ShellCommand, from: number, loose: boolean): boolean {
  for (let k = from; k < c.words.length; k++) {
    const w = c.words[k]!;
    const t = w.text;
    if (w.redir) return true;
    if (isFlag(t)) return true;
    if (t.charCodeAt(0) === 47 && t.length > 1) return true;
    if (t.startsWith("./") || t.startsWith("../") || t.startsWith("~/")) return true;
    if (/^(?:if|of)=\//.test(t)) return true;
    if (/^(?:https?|ftp|tftp|file):\/\//i.test(t)) return true;
    if (isIpLike(t)) return true;
    if (w.glob && hasGlob(t) && t.indexOf("/") !== -1) return true;
    if (loose && /^[\w.-]{1,64}\.(?:txt|sh|py|pl|php|rb|log|conf|ini|yml|yaml|gz|zst|xz|bak|sql|db|exe|ps1|bat)$/i.test(t))
      return true;
    if (loose && /^[a-z0-9-]{1,63}\.(?:com|net|org|io|ru|cn|xyz|tk)$/i.test(t)) return true;
  }
  return false;
}

function hasSensitiveArg(c: ShellCommand, from: number): boolean {
  for (let k = from; k < c.words.length; k++) {
    const w = c.words[k]!;
    let t = w.text;
    const eq = t.indexOf("=");
    if (eq > 0 && eq < 4) t = t.slice(eq + 1);
    if (isSensitivePath(t, w.glob)) return true;
  }
  return false;
}

function match(signature: string, c: ShellCommand): DetectorMatch {
  return { signature, start: c.start, end: Math.max(c.start, c.end) };
}

const STRONG_SEPS = new Set(["|", "||", "&&", "$(", "`", "<(", "("]);
const WEAK_SEPS = new Set([";", "&", "nl", "{"]);

/** Judges one simple command. */
function judge(c: ShellCommand, valueIsCommand: boolean): DetectorMatch | null {
  const words = c.words;
  let k = 0;
  // Skip empty words left by empty expansions, and wrapper commands (sudo, nohup…).
  while (k < words.length && words[k]!.text.length === 0) k++;
  let wrapped = false;
  while (k < words.length - 1 && WRAPPERS.has(words[k]!.text.toLowerCase())) {
    wrapped = true;
    k++;
    while (k < words.length && (words[k]!.text.length === 0 || /^-/.test(words[k]!.text))) k++;
  }
  if (k >= words.length) return null;
  const w = words[k]!;
  if (w.redir) return null;
  const r = resolveCommand(w);
  const argc = words.length - k - 1;
  if (!r.known) {
    // Not a command we know, but a separator followed by an attack on a sensitive file.
    if (c.sep !== "start" && w.text.charCodeAt(0) === 47 && isSensitivePath(w.text, w.glob) && c.tight)
      return match("rce.shell-sensitive-path", c);
    return null;
  }
  const common = COMMON.has(r.name) && !r.viaGlob;
  // `at` schedules a command only with a time spec (`at 2:00`, `at now + 1 minute`);
  // otherwise it is the word in "at https://…" lines of a stack trace.
  if (r.name === "at" && !/^(?:\d{1,2}(?::\d{2})?(?:am|pm)?|now|noon|midnight|teatime|tomorrow)$/i.test(words[k + 1]?.text ?? ""))
    return null;
  const sep = c.sep;
  const obf = w.obf || r.viaGlob;

  if (SHELLS.has(r.name)) {
    const next = words[k + 1]?.text ?? "";
    if (/^-[a-z]*[ceirm]$/i.test(next) && argc >= 2) return match("rce.shell-interpreter", c);
    if (sep === "|" && argc === 0 && !common) return match("rce.shell-pipe", c);
    if (sep === "|" && argc <= 1 && (r.name === "sh" || r.name === "bash")) return match("rce.shell-pipe", c);
  }
  if (argc > 0 && hasSensitiveArg(c, k + 1)) return match("rce.shell-sensitive-path", c);
  if (r.viaGlob && (w.text.indexOf("/") !== -1 || sep !== "start")) return match("rce.shell-glob-command", c);
  if (obf && (!common || argc === 0 || shellArgs(c, k + 1, true) || sep !== "start")) {
    // `c'a't`, `\w\h\o\a\m\i`, `ca$@t` — a command word nobody types that way by accident.
    if (w.text.length >= 2) return match("rce.shell-obfuscated-command", c);
  }
  if (sep === "start") {
    if (!valueIsCommand) return null;
    if (argc === 0) return BARE_ALONE.has(r.name) ? match("rce.command-line", c) : null;
    if (ADMIN.has(r.name) && (!common || shellArgs(c, k + 1, false))) return match("rce.command-line", c);
    if (wrapped && !common) return match("rce.command-line", c);
    if (!common && shellArgs(c, k + 1, false)) return match("rce.command-line", c);
    return null;
  }
  if (STRONG_SEPS.has(sep)) {
    if (!common) return match("rce.shell-chain", c);
    if (argc === 0 || shellArgs(c, k + 1, true) || sep === "$(" || sep === "`") return match("rce.shell-chain", c);
    return null;
  }
  if (WEAK_SEPS.has(sep)) {
    // `…?a=1&init`: a flag parameter of a query string, not a command.
    if (sep === "&" && common && c.queryish) return null;
    if (!common) {
      if (argc === 0 && !c.tight) return BARE_ALONE.has(r.name) ? match("rce.shell-chain", c) : null;
      return match("rce.shell-chain", c);
    }
    if (shellArgs(c, k + 1, c.tight)) return match("rce.shell-chain", c);
    if (argc === 0 && c.tight) return match("rce.shell-chain", c);
  }
  return null;
}

/**
 * Full shell analysis of a value. `valueIsCommand` says whether the value as a whole may
 * be judged as a command line (not for prose-like headers).
 */
export function analyzeShell(value: string, valueIsCommand: boolean): DetectorMatch | null {
  const parse = tokenizeShell(value);
  const f = parse.features;
  if (f & Feat.Ifs) return { signature: "rce.shell-ifs", start: 0, end: value.length };
  if (f & Feat.HereString) return { signature: "rce.shell-herestring", start: 0, end: value.length };
  for (const c of parse.commands) {
    const m = judge(c, valueIsCommand);
    if (m !== null) return m;
  }
  if (f & Feat.ParamOp) return { signature: "rce.shell-param-expansion", start: 0, end: value.length };
  if (f & Feat.Arith && /\$\(\(|\$\[/.test(value)) return { signature: "rce.shell-arithmetic", start: 0, end: value.length };
  return null;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** The word starting at i (after blanks and quotes) is a known command. */
function commandAt(v: string, i: number): boolean {
  let j = i;
  for (let k = 0; k < 4 && j < v.length; k++) {
    const c = v.charCodeAt(j);
    if (c === 32 || c === 9 || c === 39 || c === 34 || c === 92 || c === 64) j++;
    else break;
  }
  const c0 = v.charCodeAt(j);
  // Variables, substitutions, quotes, paths and globs after a separator: let the tokenizer judge.
  if (c0 === 36 || c0 === 96 || c0 === 47 || c0 === 123 || c0 === 40 || c0 === 46 || c0 === 126 || c0 === 63 || c0 === 42)
    return true;
  if (!isLetter(c0)) return false;
  let e = j;
  while (e < v.length && e - j < 40) {
    const c = v.charCodeAt(e);
    if (isLetter(c) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c === 46) e++;
    else break;
  }
  const d = v.charCodeAt(e);
  // An obfuscation character inside the word: quote, backslash, `$`, glob, brace.
  if (d === 39 || d === 34 || d === 92 || d === 36 || d === 42 || d === 63 || d === 91 || d === 123 || d === 96) return true;
  return COMMANDS.has(stripVersion(commandName(v.slice(j, e))));
}

/**
 * Cheap gate before tokenizing: is there any place a command could be? A separator or
 * substitution followed by a known command word or by shell syntax, a shell-only
 * construct, a glob in a path, or a quote/backslash inside a word.
 */
export function mayBeShell(v: string): boolean {
  const n = v.length < 4096 ? v.length : 4096;
  if (n === 0) return false;
  const c0 = v.charCodeAt(0);
  // Serialized JSON: the point extractor emits its strings as points of their own.
  if ((c0 === 123 || c0 === 91) && n > 2) {
    const c1 = v.charCodeAt(1);
    if (c1 === 34 || c1 === 123 || c1 === 91 || (c0 === 91 && c1 >= 48 && c1 <= 57)) return false;
  }
  if (commandAt(v, 0)) return true;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    switch (c) {
      case 36: {
        const d = v.charCodeAt(i + 1);
        if (d === 40 || d === 123 || d === 91 || d === 39 || isLetter(d) || d === 64 || d === 42 || d === 95 || (d >= 48 && d <= 57))
          return true;
        break;
      }
      case 96:
        return true;
      case 59:
      case 124:
      case 38:
      case 10:
      case 13:
      case 40:
        if (commandAt(v, i + 1)) return true;
        if (c === 38 && v.charCodeAt(i + 1) === 38 && commandAt(v, i + 2)) return true;
        if (c === 124 && v.charCodeAt(i + 1) === 124 && commandAt(v, i + 2)) return true;
        break;
      case 60:
        if (v.charCodeAt(i + 1) === 40 || (v.charCodeAt(i + 1) === 60 && v.charCodeAt(i + 2) === 60)) return true;
        break;
      case 62:
        if (v.charCodeAt(i + 1) === 40) return true;
        break;
      case 39:
      case 34:
      case 92:
        if (i > 0 && isLetter(v.charCodeAt(i - 1)) && (isLetter(v.charCodeAt(i + 1)) || v.charCodeAt(i + 1) === c)) return true;
        if (c === 92 && isLetter(v.charCodeAt(i + 1)) && (i === 0 || v.charCodeAt(i - 1) === 32)) return true;
        break;
      case 42:
      case 63:
      case 91:
        if (v.charCodeAt(i - 1) === 47 || v.charCodeAt(i + 1) === 47) return true;
        break;
      case 123:
        if (v.indexOf(",", i) !== -1 && v.indexOf("}", i) !== -1 && (i === 0 || v.charCodeAt(i - 1) !== 36)) {
          if (commandAt(v, i + 1) || v.charCodeAt(i + 1) === 44) return true;
        }
        break;
      default:
        break;
    }
  }
  return false;
}

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
import {
  BARE_ALONE,
  COMMANDS,
  COMMON,
  commandName,
  mayNameCommand,
  SENSITIVE_PATHS,
  SENSITIVE_PREFIXES,
  SHELLS,
  stripVersion,
  WRAPPERS,
  wrapperSyntax,
} from "./commands.js";
import { globMatch, hasGlob } from "./glob.js";
import { Feat, type ShellCommand, type ShellWord, tokenizeShell } from "./tokenizer.js";

const ALL_COMMANDS: readonly string[] = [...COMMANDS];

/** The command names by their first character, each list in `ALL_COMMANDS` order. */
const BY_FIRST = new Map<number, string[]>();
for (const c of ALL_COMMANDS) {
  const list = BY_FIRST.get(c.charCodeAt(0));
  if (list === undefined) BY_FIRST.set(c.charCodeAt(0), [c]);
  else list.push(c);
}

/**
 * The first command name (in `ALL_COMMANDS` order) that glob `base` matches whole.
 * Matching every name costs a lower-casing and a two-pointer walk each; a name is only
 * tried when it can match at all: a literal first or last character of the pattern
 * (not `*`, `?`, `[`, `]`) must be the name's own, and a pattern without `*` consumes
 * one text character per unit, so it cannot match a name longer than itself.
 */
export function globCommand(base: string): string | null {
  const p = base.toLowerCase(); // as globMatch reads it
  const f = p.charCodeAt(0);
  const l = p.charCodeAt(p.length - 1);
  const star = p.indexOf("*") !== -1;
  const lastFixed = l !== 42 && l !== 63 && l !== 93;
  const firstFixed = f !== 42 && f !== 63 && f !== 91;
  const names = firstFixed ? BY_FIRST.get(f) : ALL_COMMANDS;
  if (names === undefined) return null;
  for (const c of names) {
    if (c.length < 2 || (!star && c.length > p.length)) continue;
    if (lastFixed && c.charCodeAt(c.length - 1) !== l) continue;
    if (globMatch(base, c)) return c;
  }
  return null;
}
const BIN_DIRS = ["/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];

/** Admin tools CRS-style rule sets treat as dangerous at the start of any value. */
const ADMIN: ReadonlySet<string> = new Set([
  "ansible",
  "ansible-playbook",
  "ansible-config",
  "ansible-galaxy",
  "ansible-console",
  "ansible-doc",
  "ansible-inventory",
  "ansible-pull",
  "ansible-vault",
  "chef",
  "chef-client",
  "chef-shell",
  "chef-run",
  "chef-vault",
  "knife",
  "cscli",
  "visudo",
  "aa-disable",
  "aa-enforce",
  "aa-exec",
  "useradd",
  "usermod",
  "userdel",
  "adduser",
  "chpasswd",
  "crontab",
  "systemctl",
  "iptables",
  "insmod",
  "modprobe",
  "pip",
  "pip3",
  "pip2",
  "pipx",
  "ssh-copy-id",
  "python",
  "python2",
  "python3",
  "perl",
  "ruby",
  "php",
  "busybox",
  "gunzip",
  "zstdcat",
  "bzcat",
  "xzcat",
  "zcat",
  "unxz",
  "bsdtar",
  "perf",
  "powershell",
  "pwsh",
  "certutil",
  "bitsadmin",
  "mshta",
  "rundll32",
  "regsvr32",
  "wmic",
  "nc",
  "ncat",
  "netcat",
  "socat",
  "wget",
  "curl",
  "bash",
  "sh",
  "zsh",
  "ksh",
  "dash",
  "gcc",
  "cc",
  "c89",
  "c99",
  "ifconfig",
  "whoami",
  "uname",
  "netstat",
  "nslookup",
  "env",
  "uconv",
  "chmod",
  "chown",
  "rmt",
  "irb",
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
  let raw = w.text;
  // cmd.exe switches may be glued to the program: `bcdboot/r`, `dir/s`.
  const sw = /^([a-z][\w.-]{1,30})\/[a-z?]{1,3}$/i.exec(raw);
  if (sw && COMMANDS.has(sw[1]!.toLowerCase())) raw = sw[1]!;
  const name = stripVersion(commandName(raw));
  if (COMMANDS.has(name)) {
    // `host.example.com/x/history` is a path, not a program: a directory part must be
    // where programs live (or relative to here).
    const slash = Math.max(raw.lastIndexOf("/"), raw.lastIndexOf("\\"));
    if (slash > 0 && !isProgramDir(raw.slice(0, slash))) return { name, known: false, viaGlob: false };
    // `/bi[n]/bash`: the name is plain but the directory is a pattern.
    return { name, known: true, viaGlob: slash > 0 && w.glob && hasGlob(raw.slice(0, slash)) };
  }
  if (w.glob && hasGlob(raw) && raw.length <= 64) {
    const slash = raw.lastIndexOf("/");
    const dir = slash === -1 ? "" : raw.slice(0, slash);
    const base = raw.slice(slash + 1);
    // Letters written literally (outside `[…]`): `c?t` has two, `*[@id="x"]` none.
    let letters = 0;
    let inBracket = false;
    for (let i = 0; i < base.length; i++) {
      const ch = base.charCodeAt(i);
      if (ch === 91) inBracket = true;
      else if (ch === 93) inBracket = false;
      else if (!inBracket && (ch | 32) >= 97 && (ch | 32) <= 122) letters++;
    }
    const dirOk = dir.length > 0 && BIN_DIRS.some((d) => globMatch(dir, d));
    if (base.length >= 2 && (dirOk || letters >= 2) && base !== "*") {
      const c = globCommand(base);
      if (c !== null) return { name: c, known: true, viaGlob: true };
    }
  }
  return { name, known: false, viaGlob: false };
}

/** A path or a glob that names a file injected commands go after. */
export function isSensitivePath(text: string, glob: boolean): boolean {
  const t = text.toLowerCase();
  if (t.length < 4) return false;
  for (const p of SENSITIVE_PATHS) if (t === p || t.startsWith(`${p}/`)) return true;
  if (t === "/etc" || t === "/root" || t === "/proc") return true;
  if (t.charCodeAt(0) === 47 || t.charCodeAt(0) === 99 || t.charCodeAt(0) === 37) {
    for (const p of SENSITIVE_PREFIXES) if (t.startsWith(p) && t.length >= p.length) return true;
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
  return l >= 97 && l <= 122 && t.length <= 24;
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
    if (
      loose &&
      /^[\w.-]{1,64}\.(?:txt|sh|py|pl|php|rb|log|conf|ini|yml|yaml|gz|zst|xz|bak|sql|db|exe|ps1|bat)$/i.test(
        t,
      )
    )
      return true;
    if (loose && /^[a-z0-9-]{1,63}\.(?:com|net|org|io|ru|cn|xyz|tk)$/i.test(t)) return true;
  }
  return false;
}

/** English function words: a run of plain words holding one reads as a sentence. */
const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  "the",
  "a",
  "an",
  "to",
  "from",
  "then",
  "it",
  "and",
  "but",
  "not",
  "is",
  "was",
  "for",
  "of",
  "in",
  "on",
  "with",
  "my",
  "me",
  "you",
  "please",
  "when",
  "how",
  "why",
  "what",
  "didn't",
  "doesn't",
  "don't",
  "won't",
  "can't",
]);

/**
 * The arguments from `from` on are plain words (letters, digits, an apostrophe; a trailing
 * comma or full stop), one of them a function word: prose, not a command line.
 */
function proseArgs(c: ShellCommand, from: number): boolean {
  let fn = false;
  for (let k = from; k < c.words.length; k++) {
    const w = c.words[k]!;
    if (w.redir || w.glob || w.obf) return false;
    let t = w.text;
    const last = t.charCodeAt(t.length - 1);
    if (last === 44 || last === 46) t = t.slice(0, -1);
    if (!/^[A-Za-z0-9']{1,20}$/.test(t)) return false;
    if (FUNCTION_WORDS.has(t.toLowerCase())) fn = true;
  }
  return fn;
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

/**
 * Build, package and service tools, named all over developer prose in markdown code spans
 * and fenced code blocks (install instructions: `sudo apt-get install …`, `make install`,
 * `systemctl restart nginx`). Recon, fetch and delay commands are not among them.
 */
const DEV_TOOLS: ReadonlySet<string> = new Set([
  "apt-get",
  "aptitude",
  "yum",
  "dnf",
  "apk",
  "pacman",
  "zypper",
  "snap",
  "systemctl",
  "service",
  "cd",
  "mkdir",
  "make",
  "cmake",
  "npm",
  "npx",
  "yarn",
  "pnpm",
  "pip",
  "pip3",
  "git",
  "go",
  "cargo",
  "docker",
  "kubectl",
  "helm",
  "terraform",
  "mvn",
  "gradle",
  "bundle",
  "gem",
  "brew",
  "apt",
  "composer",
  "dotnet",
]);

const STRONG_SEPS = new Set(["|", "||", "&&", "$(", "`", "<(", "("]);
const WEAK_SEPS = new Set([";", "&", "nl", "{"]);

/** Judges one simple command. */
/** What a value may be judged as: a whole command line (values), not bare (keys), or never (names in paths). */
export type CommandMode = "value" | "key" | "none";

const SQLITE_DOT: ReadonlySet<string> = new Set([
  "shell",
  "system",
  "sh",
  "databases",
  "tables",
  "dump",
  "import",
  "output",
  "once",
  "load",
  "read",
  "open",
  "save",
  "backup",
  "restore",
  "schema",
  "cd",
  "excel",
  "log",
  "trace",
  "dbinfo",
]);

/**
 * `judge`'s `proseSpan`: the command is a backtick substitution opened after a word and a
 * space (`Run ` + `` `make build` ``), as markdown code spans sit in prose.
 */
function inProse(value: string, c: ShellCommand): boolean {
  // The command's text starts at its backtick.
  const tick = c.start;
  return (
    tick >= 2 &&
    value.charCodeAt(tick) === 96 &&
    value.charCodeAt(tick - 1) === 32 &&
    isLetter(value.charCodeAt(tick - 2))
  );
}

/**
 * The index of the word a wrapper at `k` runs: its options (with their values, `sudo -u
 * root`, `stdbuf -oL`, `xargs -I {}`), `VAR=value` words (`env`, `sudo`) and plain
 * arguments (`timeout 5`, `chroot /mnt`) are stepped over. One pass over the words.
 */
function afterWrapperArgs(words: readonly ShellWord[], k: number): number {
  const syn = wrapperSyntax(words[k]!.text.toLowerCase());
  let positional = syn.positional;
  let i = k + 1;
  while (i < words.length) {
    const t = words[i]!.text;
    i++;
    if (t.length === 0) continue;
    if (t === "--") break;
    if (t.charCodeAt(0) === 45) {
      if (t.charCodeAt(1) === 45) {
        if (t.indexOf("=") === -1 && syn.long.includes(t)) i++;
        continue;
      }
      // A cluster of letters (`-Eu`): the first that takes a value takes the rest of the
      // word (`-oL`, `-I{}`), or the next word when it ends the cluster.
      for (let j = 1; j < t.length; j++) {
        if (syn.short.indexOf(t[j]!) !== -1) {
          if (j === t.length - 1) i++;
          break;
        }
      }
      continue;
    }
    if (syn.assign && /^[A-Za-z_]\w{0,63}=/.test(t)) continue;
    if (positional === "duration" && /^\d{1,9}(?:\.\d{1,9})?[smhd]?$/.test(t)) {
      positional = null;
      continue;
    }
    if (positional === "path" && t.charCodeAt(0) === 47) {
      positional = null;
      continue;
    }
    return i - 1;
  }
  return Math.min(i, words.length);
}

/** A markdown fenced code block: the opening fence line `[open, body)`, its lines `[body, close)`. */
interface Fence {
  open: number;
  body: number;
  close: number;
}

/** Language tags written after an opening fence (```` ```bash ````): a label, not a command. */
const FENCE_LANGS: ReadonlySet<string> = new Set([
  "bash",
  "sh",
  "shell",
  "zsh",
  "console",
  "terminal",
  "text",
  "plaintext",
  "powershell",
  "ps1",
  "cmd",
  "bat",
  "python",
  "py",
  "js",
  "javascript",
  "ts",
  "typescript",
  "json",
  "yaml",
  "yml",
  "toml",
  "ini",
  "php",
  "ruby",
  "go",
  "rust",
  "java",
  "c",
  "cpp",
  "diff",
  "sql",
  "html",
  "xml",
  "css",
  "dockerfile",
  "makefile",
  "nginx",
]);

const MAX_FENCES = 8;

/** Blanks (spaces, tabs, a carriage return) from i; the index after them. */
function skipBlanks(v: string, i: number): number {
  let j = i;
  while (j < v.length && j - i < 64) {
    const c = v.charCodeAt(j);
    if (c !== 32 && c !== 9 && c !== 13) break;
    j++;
  }
  return j;
}

/** The ``` at `at` opens its line, after up to three spaces (CommonMark). */
function fenceAtLineStart(v: string, at: number): boolean {
  let j = at - 1;
  while (j >= 0 && at - j <= 3 && v.charCodeAt(j) === 32) j--;
  return j < 0 || v.charCodeAt(j) === 10;
}

/**
 * Closed markdown code fences: a line that is ```` ``` ```` and an optional language
 * word, its lines, and a line that is ```` ``` ```` alone. At most MAX_FENCES, one pass.
 */
export function fencedBlocks(v: string): Fence[] {
  const out: Fence[] = [];
  let from = 0;
  while (out.length < MAX_FENCES) {
    const open = v.indexOf("```", from);
    if (open === -1) break;
    from = open + 3;
    if (!fenceAtLineStart(v, open)) continue;
    let j = open + 3;
    while (j < v.length && j - open < 24 && /[\w+#.-]/.test(v[j]!)) j++;
    j = skipBlanks(v, j);
    if (v.charCodeAt(j) !== 10) continue;
    const body = j;
    // The closing fence: the next ``` at a line start with nothing after it on its line.
    let close = -1;
    for (let k = v.indexOf("```", body); k !== -1; k = v.indexOf("```", k + 3)) {
      if (!fenceAtLineStart(v, k)) continue;
      const e = skipBlanks(v, k + 3);
      if (e === v.length || v.charCodeAt(e) === 10) close = k;
      break;
    }
    if (close === -1) break;
    out.push({ open, body, close });
    from = close + 3;
  }
  return out;
}

/** Where a command starting at `at` sits: 0 outside fences, 1 on an opening fence line, 2 in a block. */
function fencePlace(fences: readonly Fence[], at: number): 0 | 1 | 2 {
  for (const f of fences) {
    if (at >= f.open && at < f.body) return 1;
    if (at >= f.body && at < f.close) return 2;
  }
  return 0;
}

/**
 * A tool's arguments in a fenced block that still make it an attack: a redirection (a
 * write) or an IP address (a callback). Flags, relative paths and URLs are how install
 * instructions read (`apt-get install -y`, `git clone https://…`).
 */
function fencedDanger(c: ShellCommand, from: number): boolean {
  for (let k = from; k < c.words.length; k++) {
    const w = c.words[k]!;
    if (w.redir || isIpLike(w.text)) return true;
  }
  return false;
}

/** Shell builtins that do nothing when given no argument. */
const INERT_ALONE: ReadonlySet<string> = new Set([
  "exec",
  "eval",
  "set",
  "export",
  "source",
  "alias",
  "unset",
  "shift",
  "true",
  "false",
  "test",
  "echo",
  "read",
  "wait",
  "cd",
  "return",
  "local",
  "declare",
  "let",
]);

/** `fencedDanger`, or an absolute path or a URL among the arguments (a code span in prose). */
function spanDanger(c: ShellCommand, from: number): boolean {
  if (fencedDanger(c, from)) return true;
  for (let k = from; k < c.words.length; k++) {
    const t = c.words[k]!.text;
    if ((t.charCodeAt(0) === 47 && t.length > 1) || t.indexOf("://") !== -1 || t.startsWith("~/"))
      return true;
  }
  return false;
}

function judge(
  c: ShellCommand,
  mode: CommandMode,
  braced: boolean,
  proseSpan: boolean,
  fenced = false,
): DetectorMatch | null {
  const valueIsCommand = mode !== "none";
  const words = c.words;
  let k = 0;
  // Skip empty words left by empty expansions, and wrapper commands (sudo, nohup…).
  while (k < words.length && words[k]!.text.length === 0) k++;
  let wrapped = false;
  const first = k;
  while (k < words.length - 1 && WRAPPERS.has(words[k]!.text.toLowerCase())) {
    wrapped = true;
    k = afterWrapperArgs(words, k);
  }
  // `env --version`: the wrapper was the command after all.
  if (k >= words.length && wrapped) {
    k = first;
    wrapped = false;
  }
  if (k >= words.length) return null;
  const head = words[k]!.text;
  // A Python traceback frame (`File "/app/views.py", line 42, in handler`) names the
  // `file` command only by its first word.
  if (head === "File" && words[k + 2]?.text === "line" && /^\d{1,7},$/.test(words[k + 3]?.text ?? ""))
    return null;
  // SQLite shell dot-commands after a separator: `;\n.shell nc …`, `1;.system id`.
  if (c.sep !== "start" && head.charCodeAt(0) === 46) {
    const dot = head.slice(1).replace(/['"]/g, "").toLowerCase();
    if (SQLITE_DOT.has(dot) || (dot.length === 0 && SQLITE_DOT.has((words[k + 1]?.text ?? "").toLowerCase())))
      return match("rce.sqlite-dot-command", c);
  }
  // `alias name=value`: defining a command (prose says "alias" without `=` glued to a name).
  if (head === "alias" && words.length > k + 1) {
    for (let m = k + 1; m < words.length && m < k + 5; m++) {
      const t = words[m]!.text;
      if (/^[+-][a-z+]{1,6}$/i.test(t)) continue;
      if (/^[^\s=]{1,40}=/.test(t)) return match("rce.shell-alias", c);
      break;
    }
  }
  // A whole value that is a program path: `/bin/ab`, `bin/visudo`, `/usr/bin/python3 -m http.server`.
  if (
    c.sep === "start" &&
    valueIsCommand &&
    /^(?:\/usr(?:\/local)?)?\/?s?bin\/[\w.+-]{1,32}$/.test(head) &&
    (head.charCodeAt(0) === 47 || head.startsWith("bin/") || head.startsWith("sbin/"))
  )
    return match("rce.binary-path", c);
  const w = words[k]!;
  // `>/tmp/x`, `>> /var/www/s.php`: the whole value is a redirection that writes into a
  // world-writable, web or system directory — the tail of a command line the application
  // completes (`echo … >` + value).
  if (w.redir && c.sep === "start" && mode === "value" && k === words.length - 1 && isWriteTarget(w.text))
    return match("rce.shell-redirect", c);
  if (w.redir) return null;
  const r = resolveCommand(w);
  const argc = words.length - k - 1;
  if (!r.known && w.text.charCodeAt(0) === 47 && w.glob && globPathEvasion(w.text))
    return match("rce.shell-glob-path", c);
  if (!r.known) {
    // Not a command we know, but a separator followed by an attack on a sensitive file.
    if (c.sep !== "start" && w.text.charCodeAt(0) === 47 && isSensitivePath(w.text, w.glob) && c.tight)
      return match("rce.shell-sensitive-path", c);
    return null;
  }
  // A versioned interpreter (`python3.10`, `perl5.36`) is a program name, not a word.
  const versioned = stripVersion(commandName(w.text)) !== commandName(w.text) && /\d/.test(w.text);
  const common = COMMON.has(r.name) && !r.viaGlob && !versioned;
  // `at` schedules a command only with a time spec (`at 2:00`, `at now + 1 minute`);
  // otherwise it is the word in "at https://…" lines of a stack trace.
  if (r.name === "at") {
    if (
      !/^(?:\d{1,2}(?::\d{2})?(?:am|pm)?|now|noon|midnight|teatime|tomorrow)$/i.test(words[k + 1]?.text ?? "")
    )
      return null;
    if (c.sep !== "start" || argc >= 2) return match("rce.shell-chain", c);
  }
  const sep = c.sep;
  // A glob that fits a command name is evasion where it is run: with arguments, after a
  // separator or under a directory. Alone as a whole value (`a*b*c`, `c*t`) it is a search
  // pattern as often: `*` fits some name among hundreds (`a*b*c` → ansible-doc).
  const loneGlob = r.viaGlob && !w.obf && sep === "start" && argc === 0 && w.text.indexOf("/") === -1;
  const obf = w.obf || (r.viaGlob && !loneGlob) || braced;

  if (SHELLS.has(r.name)) {
    const next = words[k + 1]?.text ?? "";
    if (/^-[a-z]*[ceirm]$/i.test(next) && argc >= 2) return match("rce.shell-interpreter", c);
    if (sep === "|" && argc === 0 && !common) return match("rce.shell-pipe", c);
    if (sep === "|" && argc <= 1 && (r.name === "sh" || r.name === "bash")) return match("rce.shell-pipe", c);
  }
  if (argc > 0 && hasSensitiveArg(c, k + 1)) return match("rce.shell-sensitive-path", c);
  for (let m = k + 1; m < words.length; m++) {
    const a = words[m]!;
    // An option spelled with quotes or escapes inside (`kill '-'9`, `ls -\l\a`).
    if (a.obf && a.text.length >= 2 && a.text.charCodeAt(0) === 45 && m === k + 1)
      return match("rce.shell-obfuscated-command", c);
    // Editor/debugger shell escapes: `ex +silent !whoami`, `gdb -ex '!id'`, `vi -c ':!pwd'`.
    const bang = a.text.indexOf("!");
    if (
      bang !== -1 &&
      /^(?:vi|vim|nvim|ex|view|gdb|less|more|man|ftp|ed)$/.test(r.name) &&
      COMMANDS.has(commandName(a.text.slice(bang + 1).split(/\s/)[0] ?? ""))
    )
      return match("rce.shell-escape", c);
    if (a.glob && a.text.charCodeAt(0) === 47 && globPathEvasion(a.text))
      return match("rce.shell-glob-path", c);
    // `flock -u / whoami`, `cpulimit -l 100 -f whoami`: a tool that runs the recon command it is given.
    if (m > k + 1 && BARE_ALONE.has(a.text.toLowerCase()) && shellArgs(c, k + 1, false))
      return match("rce.shell-chain", c);
  }
  if (r.viaGlob && (w.text.indexOf("/") !== -1 || sep !== "start")) return match("rce.shell-glob-command", c);
  // `c'a't`, `\w\h\o\a\m\i`, `ca$@t`, `{cat,/etc/passwd}` — nobody types a command word that way by accident.
  if (obf && w.text.length >= 2 && (mode !== "none" || sep !== "start"))
    return match("rce.shell-obfuscated-command", c);
  if (sep === "start") {
    if (!valueIsCommand) return null;
    // "wget the file from the portal then unzip it", "Chmod 755 didn't help": a sentence
    // that starts with a command name. Injected command lines carry paths, flags, URLs or
    // separators, none of which a sentence of plain words has.
    if (argc >= 3 && proseArgs(c, k + 1)) return null;
    if (argc === 0) {
      if (wrapped && !common) return match("rce.command-line", c);
      return BARE_ALONE.has(r.name) && mode === "value" && !loneGlob ? match("rce.command-line", c) : null;
    }
    if (ADMIN.has(r.name) && (!common || shellArgs(c, k + 1, false))) return match("rce.command-line", c);
    if (FILE_READERS.has(w.text) && readsFiles(c, k + 1)) return match("rce.command-line", c);
    if (wrapped && (!common || shellArgs(c, k + 1, true))) return match("rce.command-line", c);
    if (!common && shellArgs(c, k + 1, false)) return match("rce.command-line", c);
    return null;
  }
  // A markdown code span in prose ("Run `make build`, then…", "use `npm test`"): a build or
  // package tool with plain arguments, the backtick preceded by a space. Injected
  // substitutions run recon, fetch or sleep commands, and those stay flagged.
  // A builtin named alone in a code span ("deprecated the `exec` option"): with no
  // arguments it runs nothing.
  if (sep === "`" && proseSpan && argc === 0 && INERT_ALONE.has(r.name)) return null;
  // Options are how these tools are written about (`docker compose up -d`, `npm i --save`);
  // redirections, addresses, absolute paths and URLs are not.
  if (sep === "`" && proseSpan && DEV_TOOLS.has(r.name) && !spanDanger(c, k + 1)) return null;
  // A line of a markdown fenced code block ("To fix it, run:\n```\nsudo apt-get install …\n```"):
  // the tokenizer reads the fence as substitutions, but a build, package or service tool
  // there is documentation. Sensitive files, shells fed by pipes, obfuscation and every
  // other command are judged above and below as anywhere else.
  if (fenced && DEV_TOOLS.has(r.name) && !fencedDanger(c, k + 1)) return null;
  if (STRONG_SEPS.has(sep)) {
    if (!common) return match("rce.shell-chain", c);
    if (argc === 0 || shellArgs(c, k + 1, true) || sep === "$(" || sep === "`" || sep === "<(")
      return match("rce.shell-chain", c);
    return null;
  }
  if (WEAK_SEPS.has(sep)) {
    // `…?a=1&init`: a flag parameter of a query string, not a command.
    if (sep === "&" && common && c.queryish) return null;
    if (!common) {
      if (argc === 0 && !c.tight) return BARE_ALONE.has(r.name) ? match("rce.shell-chain", c) : null;
      // After a line break or `;` in prose, a tool name needs command-line arguments.
      if (!c.tight && argc > 0 && !shellArgs(c, k + 1, true)) return null;
      return match("rce.shell-chain", c);
    }
    if (shellArgs(c, k + 1, c.tight)) return match("rce.shell-chain", c);
    if (argc === 0 && c.tight) return match("rce.shell-chain", c);
    // The value opens with a separator and a command: `;top …`, `|id`, `&& ls`.
    if (c.lead && sep !== "nl") return match("rce.shell-chain", c);
  }
  return null;
}

/** Commands that print a file's contents (short or English-looking names, hence COMMON). */
const FILE_READERS: ReadonlySet<string> = new Set([
  "cat",
  "tac",
  "nl",
  "od",
  "xxd",
  "strings",
  "base64",
  "head",
  "tail",
]);

/**
 * `cat /srv/app/.env`, `tail -n 50 /var/log/x`: the arguments are nothing but flags,
 * numbers and absolute file paths, at least one — a file read as the whole value. A
 * file path has two segments or more and either a system top directory or a dotted last
 * segment (`/photos/2020` is a site's path; "cat /dev/null is a file" has words after it).
 * The command word is matched as typed: shells are case-sensitive (`Cat /pets`).
 */
function readsFiles(c: ShellCommand, from: number): boolean {
  const n = c.words.length - from;
  if (n < 1 || n > 4) return false;
  let paths = 0;
  for (let k = from; k < c.words.length; k++) {
    const t = c.words[k]!.text;
    if (/^\/[\w.-]+\/[^\s]/.test(t)) {
      const last = t.slice(t.lastIndexOf("/") + 1);
      if (
        !/^\/(?:etc|var|usr|proc|home|root|srv|opt|tmp|dev|sys|run|app|mnt)\//.test(t) &&
        last.indexOf(".") === -1
      )
        return false;
      paths++;
    } else if (!isFlag(t) && !/^\d{1,6}$/.test(t)) return false;
  }
  return paths > 0;
}

/** Directories a redirection writes into to plant or overwrite a file. */
function isWriteTarget(t: string): boolean {
  return /^\/(?:tmp|var\/tmp|dev\/shm|var\/www|etc|root|home\/[\w.-]{1,32}\/\.ssh)\/[\w.-]/.test(t);
}

/** A path word whose bracket expression is there to hide a name: `/etc/pas[s]wd`, `/bi[n]/bash`, `/a[b//]c`. */
function globPathEvasion(t: string): boolean {
  const open = t.indexOf("[");
  if (open === -1) return false;
  const close = t.indexOf("]", open + 1);
  if (close === -1 || close - open > 12) return false;
  const inner = t.slice(open + 1, close);
  if (/^\d+$/.test(inner)) return false;
  if (inner.indexOf("/") !== -1 || inner.indexOf("?") !== -1) return true;
  return (
    isSensitivePath(t, true) || BIN_DIRS.some((d) => globMatch(t.slice(0, t.lastIndexOf("/")) || "/", d))
  );
}

/** `:(){ :|:& };:` — a function that calls itself twice in the background (fork bomb). */
function forkBomb(v: string): boolean {
  const p = v.indexOf("()");
  if (p < 1) return false;
  let st = p - 1;
  while (st >= 0 && st > p - 33 && /[\w.:-]/.test(v[st]!)) st--;
  const name = v.slice(st + 1, p);
  let j = p + 2;
  while (j < v.length && (v.charCodeAt(j) === 32 || v.charCodeAt(j) === 9)) j++;
  if (name.length === 0 || v.charCodeAt(j) !== 123) return false;
  const close = v.indexOf("}", j);
  if (close === -1 || close - j > 200) return false;
  const body = v.slice(j + 1, close);
  if (body.indexOf("&") === -1 && body.indexOf("|") === -1) return false;
  let count = 0;
  for (let i = body.indexOf(name); i !== -1 && count < 3; i = body.indexOf(name, i + name.length)) count++;
  return count >= 2;
}

/** `cd /etc; column passwd`: changing into a sensitive directory, then naming a file there. */
function cdThenRead(commands: readonly ShellCommand[]): ShellCommand | null {
  let cded = false;
  for (const c of commands) {
    const w0 = c.words[0]?.text.toLowerCase();
    if (w0 === "cd" && c.words.length >= 2) {
      const d = c.words[1]!.text.toLowerCase();
      if (d === "/" || d === "etc" || d === "/etc" || d === "/root" || d === "/proc" || d === "..")
        cded = true;
      continue;
    }
    if (cded)
      for (let k = 1; k < c.words.length; k++)
        if (/^(?:passwd|shadow|sudoers|group|hosts)$/i.test(c.words[k]!.text)) return c;
  }
  return null;
}

function analyzeOnce(value: string, mode: CommandMode, depth: number): DetectorMatch | null {
  const parse = tokenizeShell(value);
  const f = parse.features;
  if (f & Feat.Ifs) return { signature: "rce.shell-ifs", start: 0, end: value.length };
  if (f & Feat.HereString) return { signature: "rce.shell-herestring", start: 0, end: value.length };
  const braced = (f & Feat.Brace) !== 0;
  const fences = value.indexOf("```") === -1 ? [] : fencedBlocks(value);
  for (let i = 0; i < parse.commands.length; i++) {
    const c = parse.commands[i]!;
    const place = fences.length === 0 ? 0 : fencePlace(fences, c.start);
    // An opening fence's language tag (```` ```bash ````) is read as a one-word command.
    if (place === 1 && c.words.length === 1 && FENCE_LANGS.has(c.words[0]!.text.toLowerCase())) continue;
    const m = judge(c, mode, braced && i === 0, c.sep === "`" && inProse(value, c), place === 2);
    if (m !== null) return m;
  }
  if (f & Feat.FuncDef && forkBomb(value)) return { signature: "rce.fork-bomb", start: 0, end: value.length };
  const cd = cdThenRead(parse.commands);
  if (cd !== null) return match("rce.shell-sensitive-path", cd);
  if (f & Feat.ParamOp) return { signature: "rce.shell-param-expansion", start: 0, end: value.length };
  if (f & Feat.Arith && /\$\(\(|\$\[/.test(value))
    return { signature: "rce.shell-arithmetic", start: 0, end: value.length };
  // The value closes the application's quote first (`x"|cmd`, `'; sh -c …`): read what follows it.
  if (parse.unclosedQuote !== -1 && depth === 0) {
    const rest = value.slice(parse.unclosedQuote + 1);
    if (rest.length > 1) {
      const m = analyzeOnce(rest, mode, 1);
      if (m !== null)
        return {
          signature: m.signature,
          start: m.start + parse.unclosedQuote + 1,
          end: m.end + parse.unclosedQuote + 1,
        };
    }
  }
  return null;
}

/** A shell's `-c` option at the start of a value (`-c`, or glued to `-l`, `-e`, `-x`, `-i`: `-lc`). */
const DASH_C = /^[ \t]{0,4}-[elixu]{0,3}c[ \t]{1,4}(?=\S)/;

/** The value starts like a shell's `-c COMMAND` argument (a cheap test for the census). */
export function mayBeDashC(v: string): boolean {
  return (v.charCodeAt(0) === 45 || v.charCodeAt(0) <= 32) && DASH_C.test(v);
}

/**
 * A value that is a shell's `-c` option and the command line it runs (`-c id`, `-c 'cat
 * /etc/passwd'`, `-c "wget …|sh"`): an argument list handed to `sh`/`bash` (F5 BIG-IP
 * iControl REST `utilCmdArgs`, CVE-2022-1388). The command line is judged as a value
 * first; otherwise its first command word must be one the analyzer knows (`-c 5`, `-c
 * red` are other tools' options).
 */
export function analyzeDashC(value: string): DetectorMatch | null {
  const m = DASH_C.exec(value);
  if (m === null) return null;
  const from = m[0].length;
  const rest = value.slice(from);
  const inner = analyzeShell(rest, "value");
  if (inner !== null) return { signature: inner.signature, start: inner.start + from, end: inner.end + from };
  // `'cat /etc/passwd'`: the quotes are the shell's own quoting of one argument.
  const q = rest.charCodeAt(0);
  const unq =
    (q === 39 || q === 34) && rest.length > 2 && rest.charCodeAt(rest.length - 1) === q
      ? rest.slice(1, -1)
      : rest;
  const first = tokenizeShell(unq).commands[0];
  if (first === undefined) return null;
  let k = 0;
  while (k < first.words.length && first.words[k]!.text.length === 0) k++;
  const w = first.words[k];
  if (w === undefined || w.redir || !resolveCommand(w).known) return null;
  return { signature: "rce.shell-dash-c", start: 0, end: value.length };
}

/**
 * Full shell analysis of a value. `mode` says whether the value as a whole may be judged
 * as a command line.
 */
export function analyzeShell(value: string, mode: CommandMode): DetectorMatch | null {
  // A value wrapped whole in one pair of quotes (`';htop'`, `"cscli alerts list"`): read inside.
  const q = value.charCodeAt(0);
  if (
    (q === 39 || q === 34) &&
    value.length > 3 &&
    value.charCodeAt(value.length - 1) === q &&
    value.indexOf(value[0]!, 1) === value.length - 1
  ) {
    const inner = analyzeShell(value.slice(1, -1), mode);
    if (inner !== null) return { signature: inner.signature, start: inner.start + 1, end: inner.end + 1 };
  }
  const i = value.indexOf("/dev/tcp/") !== -1 ? value.indexOf("/dev/tcp/") : value.indexOf("/dev/udp/");
  if (i !== -1) return { signature: "rce.shell-devtcp", start: i, end: i + 9 };
  const m = analyzeOnce(value, mode, 0);
  if (m !== null) return m;
  // Forms encode blanks as `+`; a double-encoded `%2B` leaves them in the value.
  let alt = value;
  if (value.indexOf("+") !== -1) alt = alt.replace(/\+/g, " ");
  // One escaping level too many (`c\\a\\t` in a JSON or C string is `c\a\t`).
  if (value.indexOf("\\\\") !== -1) alt = alt.replace(/\\\\/g, "\\");
  if (alt !== value) {
    const m2 = analyzeOnce(alt, mode, 0);
    if (m2 !== null) return m2;
  }
  return null;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** The word starting at i (after blanks and quotes) is a known command. */
function commandAt(v: string, i: number): boolean {
  let j = i;
  // A literal `\n` after a separator reads as a line break (see the tokenizer).
  if (v.charCodeAt(j) === 92 && (v.charCodeAt(j + 1) === 110 || v.charCodeAt(j + 1) === 114)) j += 2;
  for (let k = 0; k < 4 && j < v.length; k++) {
    const c = v.charCodeAt(j);
    // `+`: a blank that a form encoder wrote and one decoding too few left (`&&+ls`).
    if (c === 32 || c === 9 || c === 39 || c === 34 || c === 92 || c === 64 || c === 43) j++;
    else break;
  }
  const c0 = v.charCodeAt(j);
  // Variables, substitutions, quotes, paths and globs after a separator: let the tokenizer judge.
  if (
    c0 === 36 ||
    c0 === 96 ||
    c0 === 47 ||
    c0 === 123 ||
    c0 === 40 ||
    c0 === 46 ||
    c0 === 126 ||
    c0 === 63 ||
    c0 === 42
  )
    return true;
  if (!isLetter(c0)) return false;
  let e = j;
  while (e < v.length && e - j < 40) {
    const c = v.charCodeAt(e);
    if (isLetter(c) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c === 46 || c === 47) e++;
    else break;
  }
  const d = v.charCodeAt(e);
  // An obfuscation character inside the word: quote, backslash, `$`, glob, brace.
  if (
    d === 39 ||
    d === 34 ||
    d === 92 ||
    d === 36 ||
    d === 42 ||
    d === 63 ||
    d === 91 ||
    d === 123 ||
    d === 96
  )
    return true;
  return mayNameCommand(v, j, e) && COMMANDS.has(stripVersion(commandName(v.slice(j, e))));
}

/**
 * Cheap gate before tokenizing: is there any place a command could be? A separator or
 * substitution followed by a known command word or by shell syntax, a shell-only
 * construct, a glob in a path, or a quote/backslash inside a word.
 */
export function mayBeShell(v: string): boolean {
  const n = Math.min(v.length, 4096);
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
        if (
          d === 40 ||
          d === 123 ||
          d === 91 ||
          d === 39 ||
          isLetter(d) ||
          d === 64 ||
          d === 42 ||
          d === 95 ||
          (d >= 48 && d <= 57)
        )
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
        if (commandAt(v, i + 1) || (c === 40 && v.charCodeAt(i + 1) === 41)) return true;
        if (c === 38 && v.charCodeAt(i + 1) === 38 && commandAt(v, i + 2)) return true;
        if (c === 124 && v.charCodeAt(i + 1) === 124 && commandAt(v, i + 2)) return true;
        break;
      case 60:
        if (v.charCodeAt(i + 1) === 40 || (v.charCodeAt(i + 1) === 60 && v.charCodeAt(i + 2) === 60))
          return true;
        break;
      case 62:
        if (v.charCodeAt(i + 1) === 40) return true;
        // A value that opens with a redirection to a path: `>/tmp/x`, `>> /etc/y`.
        if (i === 0 && /^>>?\s?\//.test(v)) return true;
        break;
      case 39:
      case 34:
      case 92:
        if (
          i > 0 &&
          isLetter(v.charCodeAt(i - 1)) &&
          (isLetter(v.charCodeAt(i + 1)) || v.charCodeAt(i + 1) === c)
        )
          return true;
        if (c === 92 && isLetter(v.charCodeAt(i + 1)) && (i === 0 || v.charCodeAt(i - 1) === 32)) return true;
        break;
      case 42:
      case 63:
        if (v.charCodeAt(i - 1) === 47 || v.charCodeAt(i + 1) === 47) return true;
        break;
      case 91: {
        // A bracket expression inside a path word: `/etc/pas[s]wd`.
        const sl = v.lastIndexOf("/", i);
        if (sl !== -1 && i - sl < 24 && v.lastIndexOf(" ", i) < sl) return true;
        break;
      }
      case 123: {
        // Brace expansion: `{cat,/etc/passwd}`, `c{a,oun}t` (a comma before the close, no blank).
        if (i > 0 && v.charCodeAt(i - 1) === 36) break;
        const close = v.indexOf("}", i);
        const comma = v.indexOf(",", i);
        if (
          close !== -1 &&
          comma !== -1 &&
          comma < close &&
          close - i < 128 &&
          v.slice(i, close).indexOf(" ") === -1
        )
          return true;
        break;
      }
      default:
        break;
    }
  }
  return false;
}

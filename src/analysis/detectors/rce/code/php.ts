/**
 * PHP code injection: open tags, calls of dangerous built-ins (with the whitespace and
 * comments PHP's lexer allows between a name and `(`), variable functions (`$f(…)`,
 * `${'a'}(…)`), callable strings (`("sys"."tem")("id")`), superglobals, serialized
 * objects (PHP `serialize()` format `O:<len>:"<class>":<n>:{…}`), stream wrappers, and
 * php.ini directives. Names come from the PHP manual's function reference.
 */
import type { DetectorMatch } from "../../types.js";
import { iniAssignment } from "../prefilter.js";
import { demoCommandCall, developerContext, twoWords } from "./demo.js";
import { PHP_DECODERS, PHP_RUNNERS } from "./php-names.js";

/** Built-ins that run commands or code, or decode/obfuscate payloads for them. */
const RISKY: ReadonlySet<string> = new Set([
  ...PHP_RUNNERS,
  "create_function",
  "call_user_func",
  "call_user_func_array",
  "preg_replace",
  "array_map",
  "array_filter",
  "usort",
  "uasort",
  "register_shutdown_function",
  "register_tick_function",
  "include",
  "include_once",
  "require",
  "require_once",
  ...PHP_DECODERS,
  "unserialize",
  "phpinfo",
  "file_get_contents",
  "file_put_contents",
  "fopen",
  "fwrite",
  "fputs",
  "readfile",
  "file",
  "show_source",
  "highlight_file",
  "chr",
  "ord",
  "strrev",
  "unpack",
  "pack",
  "assert_options",
  "ini_set",
  "ini_get",
  "ini_restore",
  "putenv",
  "getenv",
  "dl",
  "mail",
  "mb_send_mail",
  "posix_getpwuid",
  "posix_getpwnam",
  "posix_kill",
  "posix_setuid",
  "posix_getuid",
  "posix_geteuid",
  "posix_getegid",
  "posix_getgid",
  "posix_uname",
  "get_defined_vars",
  "get_defined_functions",
  "get_defined_constants",
  "getcwd",
  "scandir",
  "glob",
  "opendir",
  "readdir",
  "chmod",
  "chown",
  "chgrp",
  "unlink",
  "rmdir",
  "mkdir",
  "rename",
  "copy",
  "symlink",
  "link",
  "touch",
  "tempnam",
  "tmpfile",
  "move_uploaded_file",
  "fsockopen",
  "pfsockopen",
  "stream_socket_client",
  "curl_exec",
  "curl_init",
  "gethostbyname",
  "gethostbynamel",
  "dns_get_record",
  "escapeshellcmd",
  "escapeshellarg",
  "ob_start",
  "set_error_handler",
  "set_exception_handler",
  "spl_autoload_register",
  "iterator_apply",
  "array_walk",
  "array_reduce",
  "func_get_args",
  "extract",
  "parse_str",
  "import_request_variables",
  "filegroup",
  "fileowner",
  "fileperms",
  "file_exists",
  "is_writable",
  "is_readable",
  "filemtime",
  "disk_free_space",
  "chroot",
  "range",
  "substr",
  "date_add",
  "date_create",
  "simplexml_load_string",
  "simplexml_load_file",
  "libxml_disable_entity_loader",
  "apache_setenv",
  "virtual",
  "openlog",
  "syslog",
  "proc_nice",
  "proc_terminate",
  "proc_get_status",
  "posix_mkfifo",
  "pg_enter_pipeline_mode",
  "tidy_parse_string",
  "zend_version",
  "debug_zval_refcount",
  "get_current_user",
  "getmypid",
  "getmyuid",
  "php_uname",
  "phpversion",
  "sys_get_temp_dir",
  "highlight_string",
  "str_replace",
  "preg_replace_callback",
  "mb_ereg_replace",
  "mb_eregi_replace",
  "array_diff_ukey",
  "forward_static_call",
  "forward_static_call_array",
  "ReflectionFunction",
  "stream_get_contents",
  "fgets",
  "fread",
  "fpassthru",
]);
/** Name prefixes of PHP's extension functions (`array_map`, `ldap_bind`, `sodium_…`): a call of one is PHP. */
const PHP_PREFIXES: readonly string[] = [
  "array_",
  "str_",
  "is_",
  "mb_",
  "preg_",
  "ldap_",
  "odbc_",
  "sodium_",
  "zend_",
  "pg_",
  "mysql_",
  "mysqli_",
  "curl_",
  "posix_",
  "pcntl_",
  "stream_",
  "file_",
  "ftp_",
  "zlib_",
  "openssl_",
  "hash_",
  "json_",
  "xml_",
  "date_",
  "ini_",
  "ob_",
  "func_",
  "call_user",
  "get_",
  "set_",
  "session_",
  "spl_",
  "iterator_",
  "proc_",
  "shell_",
  "escapeshell",
  "base64_",
  "convert_",
  "var_",
  "print_",
  "highlight_",
  "php_",
  "tidy_",
  "imap_",
  "socket_",
  "apache_",
  "debug_",
  "error_",
  "gz",
  "bz",
  "strip_",
  "html_",
  "url",
  "htmlspecialchars",
  "intval",
  "strval",
  "floatval",
  "settype",
  "gettype",
  "strrev",
  "implode",
  "explode",
  "serialize",
  "unserialize",
  "md5",
  "sha1",
  "crc32",
  "fsockopen",
  "mt_",
  "random_",
  "imagecreate",
  "exif_",
  "iconv",
  "simplexml_",
  "libxml_",
  "dom_",
  "xsl",
];

/** An identifier PHP would call: a risky built-in, or a name shaped like an extension function. */
function phpName(name: string): boolean {
  if (RISKY.has(name)) return true;
  for (const p of PHP_PREFIXES) {
    if (name.startsWith(p) && (name.length > p.length || !p.endsWith("_")))
      return name.indexOf("_") !== -1 || name.length >= 5;
  }
  // `FOOcall_user_func(`: the risky name glued to junk in front.
  if (name.length > 6)
    for (const r of RISKY)
      if (r.length >= 6 && (r.indexOf("_") !== -1 || r.length >= 8) && name.endsWith(r)) return true;
  return false;
}

/** Risky names that are also English words: need code-shaped arguments. */
const WORDY: ReadonlySet<string> = new Set([
  "system",
  "exec",
  "eval",
  "assert",
  "include",
  "require",
  "file",
  "range",
  "touch",
  "copy",
  "link",
  "mail",
  "glob",
  "rename",
  "extract",
  "virtual",
  "pack",
  "unpack",
  "substr",
  "ord",
  "chr",
  "popen",
  "readdir",
  "mkdir",
  "rmdir",
]);

function isId(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c >= 0x80;
}
function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/** Skips blanks and PHP comments backwards from j (inclusive); returns the new index. */
function skipBack(s: string, j: number): { at: number; gap: boolean } {
  let gap = false;
  let k = j;
  for (let n = 0; n < 16 && k >= 0; n++) {
    let nl = false;
    while (k >= 0 && isWs(s.charCodeAt(k))) {
      gap = true;
      if (s.charCodeAt(k) === 10 || s.charCodeAt(k) === 13) nl = true;
      k--;
    }
    if (nl) {
      // A `//` or `#` comment at the end of the previous line hides between name and `(`.
      const lineStart = Math.max(s.lastIndexOf("\n", k), s.lastIndexOf("\r", k)) + 1;
      const line = s.slice(lineStart, k + 1);
      const cm = Math.min(...[line.indexOf("//"), line.indexOf("#")].map((x) => (x === -1 ? 1e9 : x)));
      if (cm < 1e9) {
        k = lineStart + cm - 1;
        continue;
      }
    }
    if (k >= 1 && s.charCodeAt(k) === 47 && s.charCodeAt(k - 1) === 42) {
      const open = s.lastIndexOf("/*", k - 2);
      if (open === -1) break;
      gap = true;
      k = open - 1;
      continue;
    }
    break;
  }
  return { at: k, gap };
}

/** Line comments (`//x\n`, `#x\n`) between a name and `(`: look for one on the line before. */
function lineCommentGap(s: string, nameEnd: number, paren: number): boolean {
  const mid = s.slice(nameEnd, paren);
  return (
    mid.indexOf("/*") !== -1 ||
    mid.indexOf("\n") !== -1 ||
    mid.indexOf("\r") !== -1 ||
    mid.indexOf("\t") !== -1 ||
    mid.indexOf("\v") !== -1
  );
}

/** Arguments that look like code rather than prose: `('…'`, `("…"`, `($`, `()`, `(123`, `(f(`. */
function codeArgs(s: string, paren: number): boolean {
  let k = paren + 1;
  while (k < s.length && isWs(s.charCodeAt(k))) k++;
  const c = s.charCodeAt(k);
  if (c === 39 || c === 34 || c === 36 || c === 41 || c === 96) return true;
  if (c >= 48 && c <= 57) return /^\d+\s*[),]/.test(s.slice(k, k + 12));
  let e = k;
  while (e < s.length && isId(s.charCodeAt(e))) e++;
  if (e > k) {
    let f = e;
    while (f < s.length && isWs(s.charCodeAt(f))) f++;
    const d = s.charCodeAt(f);
    // `system(whoami)`, `exec(ls /)`: a bare word closed at once, or a call.
    const word = s.slice(k, e).toLowerCase();
    if (word === "s" || word === "es") return false;
    return d === 40 || (d === 41 && e - k >= 2) || (d === 47 && e - k <= 12);
  }
  return false;
}

/** Built-ins that run a command line (Python's `os.system` and `os.popen` share the names). */
const RUNNERS: ReadonlySet<string> = new Set(["system", "exec", "passthru", "shell_exec", "popen"]);

/** "For example os.system('ls') runs a shell.": a harmless command shown in prose (demo.ts). */
function demoInProse(s: string, start: number, paren: number): boolean {
  const end = demoCommandCall(s, paren);
  return end !== -1 && developerContext(s, start, end);
}

/** The character at `i` is a space after a letter: the next word continues a sentence. */
function afterWord(s: string, i: number): boolean {
  if (i < 1 || s.charCodeAt(i) !== 32) return false;
  const c = s.charCodeAt(i - 1) | 32;
  return c >= 97 && c <= 122;
}

/** The `(` at p is closed right away, blanks aside. */
function emptyArgs(s: string, p: number): boolean {
  let k = p + 1;
  while (k < s.length && k - p < 16 && isWs(s.charCodeAt(k))) k++;
  return s.charCodeAt(k) === 41;
}

/**
 * The first call of a PHP built-in. `sink`, when given, narrows it to the calls that
 * make code dangerous (see snippetSink), judged with their arguments.
 */
function findCall(
  s: string,
  lower: string,
  sink?: (name: string, paren: number) => boolean,
): DetectorMatch | null {
  let p = s.indexOf("(");
  for (let n = 0; p !== -1 && n < 64; n++) {
    const { at, gap } = skipBack(s, p - 1);
    let st = at;
    while (st >= 0 && isId(s.charCodeAt(st)) && at - st < 48) st--;
    const name = lower.slice(st + 1, at + 1);
    if (name.length >= 3 && (sink === undefined ? phpName(name) : sink(name, p))) {
      const before = st >= 0 ? s.charCodeAt(st) : 32;
      // `cheval(`: the name must start at a boundary (`@exec(` and `.chr(` are fine).
      // `eval()`, `system()` with nothing between the parentheses run nothing: a sentence
      // naming the function ("What does eval() do?", the name right after a word and a
      // space, `()` glued to it). Alone, or spelled with comments and line breaks before
      // the `(` (`exec/**/()`), it probes a filter. `phpinfo()` is not a word, and needs
      // no argument to leak.
      if (
        !isId(before) &&
        !(WORDY.has(name) && !gap && emptyArgs(s, p) && afterWord(s, st)) &&
        !(RUNNERS.has(name) && demoInProse(s, st + 1, p))
      ) {
        const args = codeArgs(s, p);
        if (
          !WORDY.has(name) ||
          lineCommentGap(s, at + 1, p) ||
          (gap && args && (name === "exec" || name === "eval" || name === "assert")) ||
          (before === 64 && args) ||
          ((!gap || s.charCodeAt(p + 1) === 41) && args)
        )
          return { signature: "rce.php-function-call", start: st + 1, end: p + 1 };
      }
    }
    p = s.indexOf("(", p + 1);
  }
  return null;
}

/** Removes `/* … *\/` comments (bounded, no regular expression). */
function stripComments(t: string): string {
  let out = "";
  let i = 0;
  for (let n = 0; n < 32; n++) {
    const a = t.indexOf("/*", i);
    if (a === -1) break;
    const b = t.indexOf("*/", a + 2);
    if (b === -1) break;
    out += t.slice(i, a);
    i = b + 2;
  }
  return out + t.slice(i);
}

/** `$f(…)`, `$a['x'](…)`, `${'a'}(…)`, `$$x(…)`, `Foo::$bar()`. */
function variableFunction(s: string): DetectorMatch | null {
  let d = s.indexOf("$");
  for (let n = 0; d !== -1 && n < 32; n++) {
    let k = d;
    while (s.charCodeAt(k) === 36) k++;
    let ok = false;
    if (s.charCodeAt(k) === 123) {
      const close = s.indexOf("}", k);
      if (close !== -1 && close - k > 1 && close - k < 128) {
        k = close + 1;
        ok = true;
      }
    } else {
      const st = k;
      const c0 = s.charCodeAt(k);
      if ((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95) {
        while (k < s.length && isId(s.charCodeAt(k))) k++;
        ok = k > st;
      }
    }
    if (ok) {
      // Subscripts, blanks and comments may sit between the variable and `(`.
      let sawGap = false;
      for (let m = 0; m < 12 && k < s.length; m++) {
        const c = s.charCodeAt(k);
        if (c === 91 || c === 123) {
          const closeCh = c === 91 ? 93 : 125;
          let depth = 0;
          let close = -1;
          for (let q = k; q < s.length && q < k + 64; q++) {
            const e = s.charCodeAt(q);
            if (e === c) depth++;
            else if (e === closeCh && --depth === 0) {
              close = q;
              break;
            }
          }
          if (close === -1) break;
          k = close + 1;
          continue;
        }
        if (c === 35) {
          const nl = s.indexOf("\n", k);
          if (nl === -1) break;
          sawGap = true;
          k = nl + 1;
          continue;
        }
        if (isWs(c)) {
          sawGap = true;
          k++;
          continue;
        }
        if (c === 47 && s.charCodeAt(k + 1) === 42) {
          const close = s.indexOf("*/", k + 2);
          if (close === -1) break;
          sawGap = true;
          k = close + 2;
          continue;
        }
        if (c === 47 && s.charCodeAt(k + 1) === 47) {
          const nl = s.indexOf("\n", k);
          if (nl === -1) break;
          sawGap = true;
          k = nl + 1;
          continue;
        }
        break;
      }
      // A call closes soon (`$f(1)`); an unclosed `$x(` in random tokens is not one.
      const closeAt = s.indexOf(")", k);
      if (
        s.charCodeAt(k) === 40 &&
        closeAt !== -1 &&
        closeAt - k <= 64 &&
        /^[\w\s'"$.,[\]@!+-]*$/.test(s.slice(k + 1, closeAt))
      ) {
        const line = s.slice(d, k);
        // `$5 (approx.)` is not code; a blank before `(` needs a comment or newline too.
        if (
          !sawGap ||
          /[\n\r\t#]|\/\*|\/\//.test(line) ||
          (/^\$+[A-Za-z_]\w*\s{1,2}$/.test(line) && /^\(\s*[\d'"$)]/.test(s.slice(k, k + 4)))
        )
          return { signature: "rce.php-variable-function", start: d, end: k + 1 };
      }
    }
    d = s.indexOf("$", k > d ? k : d + 1);
  }
  return null;
}

/** `("sys"."tem")(…)`, `(system)(…)`, `[system][0](…)`, `"system"(…)`, `'sys'.'tem'`. */
function callableString(s: string, lower: string): DetectorMatch | null {
  let p = s.indexOf("(");
  for (let n = 0; p !== -1 && n < 64; n++) {
    const { at } = skipBack(s, p - 1);
    const c = s.charCodeAt(at);
    if (at > 0 && (c === 41 || c === 93 || c === 39 || c === 34 || c === 125)) {
      const from = Math.max(0, at - 160);
      let o = at - 1;
      if (c === 39 || c === 34) {
        o = lower.lastIndexOf(String.fromCharCode(c), at - 1);
      } else {
        const close = c;
        const open = c === 41 ? 40 : c === 93 ? 91 : 123;
        let depth = 0;
        for (; o >= from; o--) {
          const d = lower.charCodeAt(o);
          if (d === close) depth++;
          else if (d === open) {
            if (depth === 0) break;
            depth--;
          }
        }
      }
      let group = o < from ? "" : stripComments(lower.slice(o, at + 1));
      // `[system][0](…)`: the callable sits before its subscripts.
      for (let hop = 0; hop < 3 && o > from && /^[[(][\s\d]*[\])]$/.test(group); hop++) {
        const prev = skipBack(lower, o - 1).at;
        const pc = lower.charCodeAt(prev);
        if (pc !== 93 && pc !== 41) break;
        const opener = pc === 93 ? 91 : 40;
        let depth = 0;
        let q = prev;
        for (; q >= from; q--) {
          const e = lower.charCodeAt(q);
          if (e === pc) depth++;
          else if (e === opener && --depth === 0) break;
        }
        if (q < from) break;
        group = lower.slice(q, prev + 1);
        o = q;
      }
      const letters = group.replace(/\(\s*string\s*\)|[^a-z_]/g, "");
      // Markdown `[link](https://…)` has the shape but not code-shaped arguments.
      if (
        letters.length >= 4 &&
        RISKY.has(letters) &&
        letters !== "file" &&
        letters !== "range" &&
        codeArgs(s, p)
      )
        return { signature: "rce.php-callable-string", start: from, end: p + 1 };
    }
    p = s.indexOf("(", p + 1);
  }
  // String concatenation building a function name: 'sys' . 'tem'
  const m = /(['"])[a-z_]{1,12}\1\s*\.\s*(['"])[a-z_]{1,12}\2/i.exec(s);
  if (m) {
    const joined = m[0].replace(/[^a-z_]/gi, "").toLowerCase();
    if (RISKY.has(joined))
      return { signature: "rce.php-string-concat", start: m.index, end: m.index + m[0].length };
  }
  return null;
}

const SUPERGLOBALS = [
  "$_get",
  "$_post",
  "$_request",
  "$_cookie",
  "$_server",
  "$_files",
  "$_env",
  "$_session",
  "$globals",
];
const WRAPPERS = [
  "php://",
  "phar://",
  "expect://",
  "compress.zlib://",
  "compress.bzip2://",
  "zip://",
  "glob://",
  "zlib://",
  "ssh2.shell://",
  "ssh2.exec://",
  "ssh2.tunnel://",
  "ssh2.sftp://",
  "ssh2.scp://",
  "rar://",
  "ogg://",
];

/**
 * Calls that make PHP code dangerous wherever it is shown: they run commands or code,
 * load code, write files, or decode an obfuscated payload for them.
 */
const SINKS: ReadonlySet<string> = new Set([
  ...PHP_RUNNERS,
  "create_function",
  "call_user_func",
  "call_user_func_array",
  "phpinfo",
  "file_put_contents",
  "fwrite",
  "fputs",
  "move_uploaded_file",
  "preg_replace",
  "include",
  "include_once",
  "require",
  "require_once",
]);

/** Decoders that unwrap an obfuscated payload: dangerous when one feeds another. */
const DECODERS: ReadonlySet<string> = new Set([...PHP_DECODERS, "strrev"]);

/** The identifier starting at k (after blanks), lower-cased. */
function wordAt(lower: string, k: number): string {
  let i = k;
  while (i < lower.length && i - k < 16 && isWs(lower.charCodeAt(i))) i++;
  let e = i;
  while (e < lower.length && e - i < 48 && isId(lower.charCodeAt(e))) e++;
  return lower.slice(i, e);
}

/** A string argument naming a URL or stream: `include 'http://…'`, `require "php://input"`. */
function remoteArg(lower: string, k: number): boolean {
  let i = k;
  while (i < lower.length && i - k < 16 && (isWs(lower.charCodeAt(i)) || lower.charCodeAt(i) === 40)) i++;
  const c = lower.charCodeAt(i);
  if (c === 36) return true;
  if (c !== 39 && c !== 34) return false;
  const head = lower.slice(i + 1, i + 24);
  return head.indexOf("://") !== -1 || head.startsWith("data:");
}

/** `preg_replace('/x/e', …)`: the `e` modifier evaluates the replacement (PHP < 7). */
function evalModifier(s: string, paren: number): boolean {
  let i = paren + 1;
  while (i < s.length && i - paren < 16 && isWs(s.charCodeAt(i))) i++;
  const q = s.charCodeAt(i);
  if (q !== 39 && q !== 34) return false;
  const close = s.indexOf(s[i]!, i + 1);
  if (close === -1 || close - i > 512) return false;
  const pattern = s.slice(i + 1, close);
  const last = pattern.lastIndexOf(pattern[0] ?? "");
  return last > 0 && pattern.slice(last + 1).indexOf("e") !== -1;
}

/** Sink calls as snippetSink judges them: include/require of a variable or URL, preg_replace /e, decoder chains. */
function sinkCall(s: string, lower: string, name: string, paren: number): boolean {
  if (DECODERS.has(name)) return DECODERS.has(wordAt(lower, paren + 1));
  if (!SINKS.has(name)) return false;
  if (name === "preg_replace") return evalModifier(s, paren);
  if (name.startsWith("include") || name.startsWith("require")) return remoteArg(lower, paren + 1);
  return true;
}

/** Command and code runners named as callbacks: `array_map('system', …)`, `usort($a, "assert")`. */
const CALLBACK_NAMES =
  /['"](?:system|exec|passthru|shell_exec|popen|proc_open|assert|eval|create_function)['"]/;

/**
 * PHP code shown in prose ("In PHP I do:\n<?php …\n?>\nIs this safe?"): an opening
 * `<?php` that starts a line after a line of words, and is followed by a blank. A
 * webshell or an injected tag is not introduced by a sentence.
 */
function inProse(s: string, t: number): boolean {
  if (t < 8 || s.charCodeAt(t - 1) !== 10 || !/^<\?php\s/i.test(s.slice(t, t + 6))) return false;
  const before = s.slice(Math.max(0, t - 400), t);
  return twoWords(before, " ,", 2);
}

/**
 * What makes the PHP code of a snippet shown in prose dangerous; null when there is
 * nothing. Each stretch from an open tag to its `?>` is read: calls of SINKS,
 * include/require statements of a variable or URL, decoder chains, runners passed as
 * callbacks, backticks (shell execution in PHP code), variable functions and callable
 * strings. Superglobals and ordinary built-ins (`htmlspecialchars($_GET['name'])`) are
 * what such posts ask about.
 */
function snippetSink(s: string, lower: string, first: number): DetectorMatch | null {
  let t = first;
  for (let n = 0; t !== -1 && n < 8; n++) {
    const closeAt = lower.indexOf("?>", t + 2);
    const end = closeAt === -1 ? s.length : closeAt;
    const code = s.slice(t, end);
    const lc = lower.slice(t, end);
    const at = (m: DetectorMatch | null): DetectorMatch | null =>
      m === null ? null : { signature: m.signature, start: m.start + t, end: m.end + t };
    const call = at(findCall(code, lc, (name, p) => sinkCall(code, lc, name, p)));
    if (call !== null) return call;
    // `include $_GET['p'];`, `require 'http://…';`: statements, no parentheses.
    for (let k = lc.indexOf("include"), m = 0; k !== -1 && m < 16; k = lc.indexOf("include", k + 7), m++)
      if (!isId(lc.charCodeAt(k - 1)) && remoteArg(lc, wordEnd(lc, k)))
        return { signature: "rce.php-function-call", start: t + k, end: t + k + 7 };
    for (let k = lc.indexOf("require"), m = 0; k !== -1 && m < 16; k = lc.indexOf("require", k + 7), m++)
      if (!isId(lc.charCodeAt(k - 1)) && remoteArg(lc, wordEnd(lc, k)))
        return { signature: "rce.php-function-call", start: t + k, end: t + k + 7 };
    const cb = CALLBACK_NAMES.exec(lc);
    if (cb !== null)
      return { signature: "rce.php-callable-string", start: t + cb.index, end: t + cb.index + 8 };
    const tick = code.indexOf("`");
    if (tick !== -1 && code.indexOf("`", tick + 1) !== -1)
      return { signature: "rce.php-backtick", start: t + tick, end: t + tick + 1 };
    if (code.indexOf("$") !== -1) {
      const vf = at(variableFunction(code));
      if (vf !== null) return vf;
      const cx = COMPLEX_CALL.exec(code);
      if (cx) return { signature: "rce.php-complex-syntax", start: t + cx.index, end: t + cx.index + 3 };
    }
    const cs = at(callableString(code, lc));
    if (cs !== null) return cs;
    t = closeAt === -1 ? -1 : lower.indexOf("<?", closeAt + 2);
  }
  return null;
}

/** `{${name(…)}}`: a call inside the complex syntax of a double-quoted string (detectPhp). */
const COMPLEX_CALL = /\{\$\{\s*[A-Za-z_\\][\w\\]{0,63}\s*\(/;

/** The index just past the identifier starting at k (include_once, require_once). */
function wordEnd(lower: string, k: number): number {
  let e = k;
  while (e < lower.length && e - k < 16 && isId(lower.charCodeAt(e))) e++;
  return e;
}

/** Serialized object or custom-serialized class: `O:8:"stdClass":1:{…}`. */
function serializedObject(s: string): DetectorMatch | null {
  const ser =
    s.indexOf('":') === -1 ? null : /\b[OC]:\+?\d{1,4}:"[A-Za-z_\\][\w\\]{0,127}":\d{1,6}:\{/.exec(s);
  return ser
    ? { signature: "rce.php-object-injection", start: ser.index, end: ser.index + ser[0].length }
    : null;
}

export function detectPhp(s: string, anchored: boolean): DetectorMatch | null {
  const lower = s.toLowerCase();
  // Open tags (PHP manual "PHP tags"); `<?xml version…` and `<?xpacket` are not PHP.
  let t = lower.indexOf("<?");
  for (let n = 0; t !== -1 && n < 8; n++) {
    const rest = lower.slice(t + 2, t + 24);
    if (rest.length === 0 || rest[0] === "=" || isWs(rest.charCodeAt(0)) || /^\s*php(?![a-z])/.test(rest)) {
      // A snippet in a developer's post is judged by what its code does, not by its tag.
      // Calls, superglobals and stream names (`php://input`) are what such posts show; a
      // serialized object in the post is still read.
      if (inProse(s, t)) return snippetSink(s, lower, t) ?? serializedObject(s);
      if (!/^\s+(?:version|encoding)\s*=/.test(rest))
        return { signature: "rce.php-open-tag", start: t, end: t + 5 };
    }
    if (/^xml(?:\s+[^a-z\s]|:)/.test(rest)) return { signature: "rce.php-open-tag", start: t, end: t + 5 };
    t = lower.indexOf("<?", t + 2);
  }
  if (anchored)
    for (const tag of ["[php]", "{php}", "[/php]", "{/php}"]) {
      const k = lower.indexOf(tag);
      if (k !== -1) return { signature: "rce.php-tag", start: k, end: k + tag.length };
    }
  if (s.indexOf("(") !== -1) {
    const call = findCall(s, lower);
    if (call !== null) return call;
    // `shell_exec=(…)`: a distinctive built-in name assigned a parenthesised argument.
    const eq = lower.indexOf("=(");
    if (eq > 4) {
      let st = eq - 1;
      while (st >= 0 && isId(lower.charCodeAt(st)) && eq - st < 42) st--;
      const name = lower.slice(st + 1, eq);
      if (name.indexOf("_") !== -1 && RISKY.has(name))
        return { signature: "rce.php-function-call", start: st + 1, end: eq + 2 };
    }
  }
  if (s.indexOf("$") !== -1) {
    const vf = variableFunction(s);
    if (vf !== null) return vf;
    for (const g of SUPERGLOBALS) {
      const k = lower.indexOf(g);
      if (k !== -1 && !isId(lower.charCodeAt(k + g.length)))
        return { signature: "rce.php-superglobal", start: k, end: k + g.length };
    }
    // `{${name(…)}}`: the complex (curly) syntax of a double-quoted string evaluates the
    // expression inside, so a call there runs whatever the function is (PHP manual,
    // "Strings", complex syntax). Prose and templates do not write `{${name(`.
    const cx = COMPLEX_CALL.exec(s);
    if (cx) return { signature: "rce.php-complex-syntax", start: cx.index, end: cx.index + cx[0].length };
    // `${'name'}` / `$ {CONST}`: variable variables (a blank or a quote after `${`).
    const vv = /\$\s*\{\s*['"]|\$\s+\{\s*[A-Za-z_@$]/.exec(s);
    if (vv) return { signature: "rce.php-variable-variable", start: vv.index, end: vv.index + vv[0].length };
  }
  if (s.indexOf("(") !== -1) {
    const cs = callableString(s, lower);
    if (cs !== null) return cs;
  }
  const ser = serializedObject(s);
  if (ser !== null) return ser;
  if (anchored)
    for (const w of WRAPPERS) {
      const k = lower.indexOf(w);
      if (k !== -1 && (k === 0 || !isId(lower.charCodeAt(k - 1))))
        return { signature: "rce.php-wrapper", start: k, end: k + w.length };
    }
  if (iniAssignment(s)) return { signature: "rce.php-ini-directive", start: 0, end: s.indexOf("=") + 1 };
  return null;
}

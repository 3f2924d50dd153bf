/**
 * One pass over a value's characters to learn which families of signs could be present
 * (a census bitmask), so that the detector only runs what can match.
 */
import { ANCHOR_CLASS, ANCHOR_CLASSES, ANCHOR_OUT, ANCHOR_STEP } from "./anchors.js";
import {
  BARE_ALONE as BARE,
  COMMANDS,
  COMMON,
  commandName,
  mayBeBareAlone,
  mayNameCommand,
  programDir,
  stripVersion,
} from "./shell/commands.js";
import { mayBeDashC } from "./shell/unix.js";

export const C = {
  Dollar: 1 << 0,
  Backtick: 1 << 1,
  Pipe: 1 << 2,
  Semi: 1 << 3,
  Amp: 1 << 4,
  Lt: 1 << 5,
  Gt: 1 << 6,
  Paren: 1 << 7,
  Brace: 1 << 8,
  Bracket: 1 << 9,
  Quote: 1 << 10,
  Backslash: 1 << 11,
  Glob: 1 << 12,
  Tilde: 1 << 13,
  Bang: 1 << 14,
  Caret: 1 << 15,
  Percent: 1 << 16,
  At: 1 << 17,
  Hash: 1 << 18,
  Dot: 1 << 19,
  Colon: 1 << 20,
  Eq: 1 << 21,
  Underscore: 1 << 22,
  Space: 1 << 23,
  Newline: 1 << 24,
  /** Something `normalizeCode` would change: a backslash, `&`, or an invisible character. */
  Escape: 1 << 25,
} as const;

/** Characters that can start or split a shell command, or hide a command word. */
export const SHELL_TRIGGER =
  C.Dollar |
  C.Backtick |
  C.Pipe |
  C.Semi |
  C.Amp |
  C.Lt |
  C.Gt |
  C.Newline |
  C.Quote |
  C.Backslash |
  C.Glob |
  C.Brace |
  C.Bracket;

const TABLE = new Uint32Array(128);
const set = (chars: string, bit: number): void => {
  for (const ch of chars) TABLE[ch.charCodeAt(0)]! |= bit;
};
set("$", C.Dollar);
set("`", C.Backtick);
set("|", C.Pipe);
set(";", C.Semi);
set("&", C.Amp | C.Escape);
set("<", C.Lt);
set(">", C.Gt);
set("()", C.Paren);
set("{}", C.Brace);
set("[]", C.Bracket);
set("'\"", C.Quote);
set("\\", C.Backslash | C.Escape);
set("*?", C.Glob);
set("~", C.Tilde);
set("!", C.Bang);
set("^", C.Caret);
set("%", C.Percent);
set("@", C.At);
set("#", C.Hash);
set(".", C.Dot);
set(":", C.Colon);
set("=", C.Eq);
set("_", C.Underscore);
set(" \t\v\f", C.Space);
set("\n\r", C.Newline);

/** The census bitmask of `v` alone (first 64 KiB). */
export function census(v: string): number {
  let m = 0;
  const n = Math.min(v.length, 65536);
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 128) m |= TABLE[c]!;
  }
  return m;
}

/** Census bits that make a value worth a closer look on their own. */
const RARE =
  C.Dollar |
  C.Backtick |
  C.Pipe |
  C.Lt |
  C.Gt |
  C.Paren |
  C.Brace |
  C.Bracket |
  C.Backslash |
  C.Tilde |
  C.Bang |
  C.Caret |
  C.Percent |
  C.At |
  C.Newline |
  C.Escape;
/** In serialized JSON only these still matter (its strings are also emitted as points of their own). */
const RARE_IN_JSON = C.Dollar | C.Backtick | C.Pipe | C.Lt | C.Backslash | C.Escape | C.Percent;

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * After a `;` or `&`: a lower-case word that is not a `name=` parameter (`;q=0.9`,
 * `&page=2`) — where an injected command would be.
 */
function commandAfter(v: string, i: number): boolean {
  let j = i + 1;
  if (v.charCodeAt(j) === 38 || v.charCodeAt(j) === 124) return true;
  for (let k = 0; k < 2 && v.charCodeAt(j) === 32; k++) j++;
  const c = v.charCodeAt(j);
  if (!isLower(c))
    return (
      c === 36 ||
      c === 39 ||
      c === 34 ||
      c === 92 ||
      c === 47 ||
      c === 96 ||
      c === 123 ||
      c === 40 ||
      c === 46
    );
  let e = j;
  while (e < v.length && e - j < 32) {
    const d = v.charCodeAt(e);
    if (isLower(d) || (d >= 48 && d <= 57) || d === 45 || d === 95) e++;
    else break;
  }
  const d = v.charCodeAt(e);
  return d !== 61 && d !== 58 && d !== 46;
}

/**
 * A `?` or `*` that hides letters of a name or path (`/???/c?t`, `/et*` then `/pa*wd`),
 * not the `?` of a query string (`page.php?id=1`) nor the star-slash-star of a media range.
 */
function globAt(v: string, i: number, c: number): boolean {
  const a = v.charCodeAt(i - 1);
  const b = v.charCodeAt(i + 1);
  if (a === c || b === c) return true;
  if (c === 63) {
    // `?name=` starts a query string.
    let e = i + 1;
    while (e < v.length && e - i < 40) {
      const d = v.charCodeAt(e);
      if (isAlpha(d) || (d >= 48 && d <= 57) || d === 95 || d === 45 || d === 46 || d === 91 || d === 93) e++;
      else break;
    }
    if (v.charCodeAt(e) === 61 || e === i + 1) return a === 47 && b === 47;
  }
  if (c === 42 && (a === 47 || Number.isNaN(a) || a === 44) && b === 47) return false;
  return (isAlpha(a) && (isAlpha(b) || b === 47)) || (a === 47 && isAlpha(b));
}

/** php.ini directives (PHP manual, "php.ini directives"): `name=value` as a whole value. */
export const INI_DIRECTIVES: ReadonlySet<string> = new Set([
  "allow_url_include",
  "allow_url_fopen",
  "auto_prepend_file",
  "auto_append_file",
  "disable_functions",
  "open_basedir",
  "safe_mode",
  "extension",
  "extension_dir",
  "zend_extension",
  "include_path",
  "sendmail_path",
  "sendmail_from",
  "error_log",
  "log_errors",
  "display_errors",
  "session.save_path",
  "session.serialize_handler",
  "upload_tmp_dir",
  "smtp",
  "smtp_port",
  "mail.add_x_header",
  "register_globals",
  "magic_quotes_gpc",
  "pcre.backtrack_limit",
  "pcre.jit",
  "memory_limit",
  "max_execution_time",
  "assert.active",
  "phar.readonly",
  "unserialize_max_depth",
  "unserialize_callback_func",
  "precision",
  "serialize_precision",
  "engine",
]);
/** Directive families matched by prefix. */
export const INI_PREFIXES: readonly string[] = ["opcache.", "mbstring.", "cgi.", "xdebug.", "session."];

/** First letters of the directives and prefixes above. */
const INI_FIRST = new Uint8Array(128);
for (const d of [...INI_DIRECTIVES, ...INI_PREFIXES]) INI_FIRST[d.charCodeAt(0)] = 1;

/** The value is `directive=…` for a php.ini directive. */
export function iniAssignment(v: string): boolean {
  // Every name starts with a letter: a value starting with another visible ASCII
  // character is settled before any string is built (blanks and non-ASCII, which
  // `trim` may drop, take the long way).
  const c = v.charCodeAt(0);
  if (c > 32 && c < 128 && INI_FIRST[c | 32] !== 1) return false;
  const eq = v.indexOf("=");
  if (eq < 3 || eq > 48) return false;
  const name = v.slice(0, eq).trim().toLowerCase();
  if (INI_DIRECTIVES.has(name)) return true;
  for (const p of INI_PREFIXES) if (name.startsWith(p) && name.length > p.length) return true;
  return false;
}

export interface Scan {
  census: number;
  families: number;
  interesting: boolean;
}

let lastValue = "";
const last: Scan = { census: 0, families: 0, interesting: false };

/**
 * One pass: census bits, anchor families, and whether anything at all may match.
 * Cached for the last value, because the engine calls `prefilter(v)` then `detect(p)`
 * with `p.value === v`.
 */
export function scan(v: string): Scan {
  if (v === lastValue) return last;
  let m = 0;
  let s = 0;
  let fam = 0;
  let hot = false;
  const n = Math.min(v.length, 65536);
  const K = ANCHOR_CLASSES;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 128) {
      const step = ANCHOR_STEP[s + ANCHOR_CLASS[c]!]!;
      s = step >> 1;
      if (step & 1) fam |= ANCHOR_OUT[s / K]!;
      const t = TABLE[c]!;
      if (t !== 0) {
        m |= t;
        if (t & RARE) hot = true;
        else if (!hot) {
          if (c === 59 || c === 38) hot = commandAfter(v, i);
          else if (c === 39 || c === 34)
            hot =
              i > 0 &&
              isAlpha(v.charCodeAt(i - 1)) &&
              (isAlpha(v.charCodeAt(i + 1)) || v.charCodeAt(i + 1) === c);
          else if (c === 42 || c === 63) hot = globAt(v, i, c);
        }
      }
    } else {
      if (c === 0x200b || c === 0x200c || c === 0x200d || c === 0xfeff || c === 0xad) {
        m |= C.Escape;
        hot = true;
      } else if (c === 0xa0) m |= C.Space;
      const step = ANCHOR_STEP[s]!;
      s = step >> 1;
      if (step & 1) fam |= ANCHOR_OUT[s / K]!;
    }
  }
  if (hot && fam === 0 && looksLikeJson(v) && (m & RARE_IN_JSON) === 0) hot = false;
  if (fam !== 0) hot = true;
  // Strict base64 text of a plausible payload size (mixed case and digits): the detector decodes it.
  if (
    !hot &&
    n >= 16 &&
    n <= 1024 &&
    (m & ~(C.Eq | C.Underscore)) === 0 &&
    n % 4 === 0 &&
    /^(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])(?=[^\d+/=]*[\d+/=])[A-Za-z0-9+/_-]+={0,2}$/.test(v)
  )
    hot = true;
  if (!hot && m & C.Space)
    hot =
      mayBeCommandLine(v) ||
      /^(?:if|for)[\s/]/i.test(v) ||
      ((m & C.Eq) !== 0 && commandInUrlParam(v)) ||
      mayBeDashC(v);
  // A bare word is only ever flagged when it is a recon tool or a program path.
  else if (!hot && n <= 24)
    hot = (mayBeBareAlone(v) && BARE.has(firstWord(v).toLowerCase())) || programDir(v);
  if (!hot && m & C.Eq) hot = iniAssignment(v);
  // One reused record: callers read it before the next value is scanned.
  lastValue = v;
  last.census = m;
  last.families = fam;
  last.interesting = hot;
  return last;
}

/**
 * A URL (a Referer) one of whose query parameters is a command line: `…/?args=env
 * --version`. The detector reads a Referer's parameters as values (index.ts).
 */
function commandInUrlParam(v: string): boolean {
  const q = v.indexOf("?");
  if (q === -1) return false;
  let eq = v.indexOf("=", q);
  for (let count = 0; eq !== -1 && count < 16; count++) {
    if (mayBeCommandLine(v.slice(eq + 1, eq + 64))) return true;
    eq = v.indexOf("=", eq + 1);
  }
  return false;
}

/** `{"…` / `[{…` / `["…` / `[1…` / `{}` / `[]`: serialized JSON. */
function looksLikeJson(v: string): boolean {
  const a = v.charCodeAt(0);
  const z = v.charCodeAt(v.length - 1);
  if (!((a === 123 && z === 125) || (a === 91 && z === 93))) return false;
  const b = v.charCodeAt(1);
  return b === 34 || b === 123 || b === 91 || b === 125 || b === 93 || (a === 91 && b >= 48 && b <= 57);
}

/** The value up to the first shell separator. */
function firstWord(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 59 || c === 124 || c === 38 || c === 60 || c === 62 || c === 10) return v.slice(0, i);
  }
  return v;
}

/** The value starts with a known command word (a whole-value command line is possible). */
export function mayBeCommandLine(v: string): boolean {
  let i = 0;
  while (i < v.length && v.charCodeAt(i) <= 32) i++;
  const c0 = v.charCodeAt(i);
  if (!isAlpha(c0) && c0 !== 47 && c0 !== 39 && c0 !== 34 && c0 !== 46) return false;
  let j = i;
  while (j < v.length && j - i < 40) {
    const c = v.charCodeAt(j);
    if (c <= 32 || c === 59 || c === 124 || c === 38 || c === 60 || c === 62) break;
    j++;
  }
  if (j === i || j - i >= 40) return false;
  // (A word opening with a quote loses its quotes below: only then are two characters not enough.)
  if (c0 !== 39 && c0 !== 34 && !mayNameCommand(v, i, j)) return false;
  let w = v.slice(i, j);
  if (c0 === 39 || c0 === 34) w = w.replace(/['"]/g, "");
  const name = stripVersion(commandName(w));
  if (!COMMANDS.has(name)) return false;
  if (!COMMON.has(name) || c0 === 39 || c0 === 34 || w.indexOf("/") !== -1 || name === "alias") return true;
  // A common word ("free", "time", "find") starts a command line only with an option or a path after it.
  let k = j;
  while (k < v.length && v.charCodeAt(k) === 32) k++;
  const d = v.charCodeAt(k);
  return (
    d === 45 ||
    d === 47 ||
    d === 46 ||
    d === 126 ||
    d === 36 ||
    d === 39 ||
    d === 34 ||
    COMMANDS.has((v.slice(k).split(" ")[0] ?? "").toLowerCase())
  );
}

import {
  ARCHIVE_EXTS,
  BACKUP_EXTS,
  DUMP_EXTS,
  LEFTOVER_NAMES,
  SCRIPT_EXTS,
  SECRET_EXTS,
  SHELLS_DISTINCT,
  SHELLS_EXACT,
} from "./leftovers.js";
import { UPLOAD_EXTS } from "./path-tricks.js";
import { AFTER, ANYWHERE, UNDER_DIR } from "./sensitive.js";
import { WRAPPER_SCHEMES } from "./wrappers.js";

/**
 * The literal anchors every ptrav sign needs, compiled into a few regular expressions
 * that the prefilter runs with native code instead of splitting each value into path
 * components in JavaScript. Built from the very word lists the finders use, so a word
 * added there is anchored here too; each expression is a SUPERSET of what its finder
 * accepts (a prefix of the name, no check of where the component ends).
 *
 * ReDoS: every expression below is `class? (?:literal|literal|…) tail` where the
 * alternation holds escaped literals (or `dir[/\\]+(?:literals)`), never under a
 * quantifier; the only quantifiers are on single character classes followed by a
 * disjoint class or literal, so matching is linear.
 */

function esc(w: string): string {
  return w.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

function alt(words: Iterable<string>): string {
  // Longest first, so a word is never cut short by a prefix of it where a tail follows.
  return [...words]
    .sort((a, b) => b.length - a.length)
    .map(esc)
    .join("|");
}

const SEP = "[/\\\\]";

/**
 * Names that count when they start a path component (the value's start, or right after
 * `/` or `\`): sensitive files anywhere, `dir/file` pairs, dump names, leftovers and
 * web-shell names (sensitive.ts, leftovers.ts).
 */
const COMPONENT = [
  alt([
    ...ANYWHERE,
    ".env",
    // isBackup: `backup…`, `dump…`, `database…`, `db.…`
    "backup",
    "dump",
    "database",
    "db.",
    ...LEFTOVER_NAMES,
    "error_log",
    "dockerfile",
    ...SHELLS_DISTINCT,
  ]),
  // Generic shell words count only as a whole base name: `shell.php`, `cmd.jsp`.
  `(?:${alt(SHELLS_EXACT)})\\.`,
  `cvs${SEP}`,
  ...[...AFTER].map(([dir, next]) =>
    next === "any"
      ? `${esc(dir)}${SEP}`
      : `${esc(dir)}${SEP}+(?:${alt(next)}${dir === "proc" ? "|\\d" : ""})`,
  ),
].join("|");

// safe-regex: escaped literals in one alternation, quantifiers only on `[/\\]` before literals.
const COMPONENT_AT = new RegExp(`(?:${COMPONENT}|\\.#)`, "iy");

/**
 * At the start of a component after a separator: the names above, the names sensitive
 * under a directory, and a `.` starting a component (hidden files `/.git`, dot-segments
 * `/./`, `/.;/`, Emacs locks `/.#x`).
 */
// safe-regex: as COMPONENT_AT, plus one bounded class.
const AFTER_SEP_AT = new RegExp(`(?:${COMPONENT}|${alt(UNDER_DIR)}|\\.(?:$|[/\\\\;#a-z0-9_]))`, "iy");

/**
 * At the last extension of a component, right before a separator or the value's end
 * (leftovers.ts, path-tricks.ts): a backup extension or suffix (`x.bak`, `x.php_bak`,
 * `x.old2`), a dump, key-store or archive extension, an upload extension before another
 * component (`/me.jpg/x.php`, PATH_INFO).
 */
// safe-regex: alternations of escaped literals; `\d{0,4}` is bounded and followed by a disjoint class.
const EXT_AT_END = new RegExp(
  [
    `[-_.](?:${alt(BACKUP_EXTS)})\\d{0,4}(?:$|${SEP})`,
    `\\.(?:${alt([...DUMP_EXTS, ...SECRET_EXTS, ...ARCHIVE_EXTS])})(?:$|${SEP})`,
    `\\.(?:${alt(UPLOAD_EXTS)})${SEP}`,
  ].join("|"),
  "iy",
);

/**
 * A script extension followed by a separator, a truncation or a second extension
 * (`x.php;.png`, `x.asp::$DATA`, `x.php%00.jpg`, `x.php.jpg`, `x.php.`): path-tricks.ts.
 * Tried at a `.` whose next letter may start a script extension.
 */
// safe-regex: one alternation of escaped literals followed by one character class.
const SCRIPT_AT = new RegExp(`\\.(?:${alt(SCRIPT_EXTS)})[;#:\\x00\\n\\r%. \\u0100-\\uffff]`, "iy");

/** Wrapper scheme words (and the last dotted parts of `compress.zlib`, `ssh2.shell`) before `://`. */
const WRAPPER_PARTS = new Set<string>();
for (const s of WRAPPER_SCHEMES) for (const part of s.split(".")) WRAPPER_PARTS.add(part);
// safe-regex: one alternation of escaped literals followed by a literal.
const WRAPPER_AT = new RegExp(`(?:${alt(WRAPPER_PARTS)}):\\/\\/`, "iy");

/** `${x}`, `$(x)` or a backslash inside a word: worth the second spelling of index.ts. */
export const SHELL_OBFUSCATION = /\$[{(]|[A-Za-z]\\[A-Za-z]/;

// ---- Gates: tables read before any regular expression runs. ----

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Lower-cased ASCII bigram index, or -1 when either character is not ASCII. */
function bigram(v: string, i: number): number {
  const a = v.charCodeAt(i);
  const b = v.charCodeAt(i + 1);
  if (!(a < 128) || !(b < 128)) return -1; // NaN (past the end) fails too
  return (lower(a) << 7) | lower(b);
}

/** First two characters of the literal that starts each alternative of a pattern list. */
function bigrams(words: Iterable<string>): Uint8Array {
  const t = new Uint8Array(128 * 128);
  for (const w of words) t[(w.charCodeAt(0) << 7) | w.charCodeAt(1)] = 1;
  return t;
}

const COMPONENT_WORDS = [
  ...ANYWHERE,
  ".env",
  ".#",
  "backup",
  "dump",
  "database",
  "db.",
  ...LEFTOVER_NAMES,
  "error_log",
  "dockerfile",
  ...SHELLS_DISTINCT,
  ...SHELLS_EXACT,
  "cvs",
  ...AFTER.keys(),
];
const START_GATE = bigrams(COMPONENT_WORDS);
const SEP_GATE = bigrams([...COMPONENT_WORDS, ...UNDER_DIR]);
/** Script extensions start with one of these letters (lower case). */
const SCRIPT_FIRST = new Uint8Array(128);
for (const e of SCRIPT_EXTS) SCRIPT_FIRST[e.charCodeAt(0)] = 1;

function testAt(re: RegExp, v: string, i: number): boolean {
  re.lastIndex = i;
  return re.test(v);
}

function isSep(c: number): boolean {
  return c === 47 || c === 92;
}

function isAlnum(c: number): boolean {
  const l = c | 0x20;
  return (l >= 97 && l <= 122) || (c >= 48 && c <= 57);
}

/** Whether a component name at `i` may be sensitive: the value start or after a separator. */
function componentAt(v: string, i: number, afterSep: boolean): boolean {
  if (afterSep) {
    if (v.charCodeAt(i) === 46 /* . */) return testAt(AFTER_SEP_AT, v, i);
    const g = bigram(v, i);
    return g !== -1 && SEP_GATE[g] === 1 && testAt(AFTER_SEP_AT, v, i);
  }
  const g = bigram(v, i);
  return g !== -1 && START_GATE[g] === 1 && testAt(COMPONENT_AT, v, i);
}

/** Whether the component ending right before `e` (a separator or the value end) has a telling end. */
function componentEnd(v: string, e: number): boolean {
  const last = v.charCodeAt(e - 1);
  // `index.php~`, `#index.php#`: at least three characters of the component.
  if (last === 126 /* ~ */ || last === 35 /* # */)
    return e >= 3 && !isSep(v.charCodeAt(e - 2)) && !isSep(v.charCodeAt(e - 3));
  let w = e - 1;
  while (w >= 0 && e - w <= 12 && isAlnum(v.charCodeAt(w))) w--;
  if (w < 0 || w === e - 1) return false;
  const c = v.charCodeAt(w);
  return (c === 46 || c === 45 || c === 95) && testAt(EXT_AT_END, v, w);
}

/**
 * Whether `v` holds an anchor of a sensitive file, a leftover, a hidden file, a
 * dot-segment or an extension trick: one walk over its separators and dots with
 * `indexOf`, a table read at each, a sticky regular expression only where the table
 * says a listed word may start.
 */
export function hasPathAnchor(v: string, slash: boolean, backslash: boolean, dot: boolean): boolean {
  const n = v.length;
  if (componentAt(v, 0, false)) return true;
  // Every sign read at a component's end (leftovers.ts) needs a `.` in the component.
  if (dot && componentEnd(v, n)) return true;
  if (slash || backslash) {
    let s = slash ? v.indexOf("/") : -1;
    let b = backslash ? v.indexOf("\\") : -1;
    for (let guard = 0; guard < 4096; guard++) {
      let i: number;
      if (s === -1) {
        if (b === -1) break;
        i = b;
        b = v.indexOf("\\", i + 1);
      } else if (b === -1 || s < b) {
        i = s;
        s = v.indexOf("/", i + 1);
      } else {
        i = b;
        b = v.indexOf("\\", i + 1);
      }
      if (i + 1 < n && componentAt(v, i + 1, true)) return true;
      if (dot && i > 0 && componentEnd(v, i)) return true;
    }
  }
  if (dot) {
    let d = v.indexOf(".");
    for (let guard = 0; d !== -1 && guard < 4096; guard++) {
      const c = lower(v.charCodeAt(d + 1));
      if (c < 128 && SCRIPT_FIRST[c] === 1 && testAt(SCRIPT_AT, v, d)) return true;
      d = v.indexOf(".", d + 1);
    }
  }
  return false;
}

/** Whether a stream wrapper scheme (`php://`, `PHAR://`, `compress.zlib://`) is written in `v`. */
export function hasWrapperAnchor(v: string): boolean {
  let i = v.indexOf("://");
  for (let guard = 0; i !== -1 && guard < 64; guard++) {
    let w = i;
    while (w > 0 && i - w < 8 && isAlnum(v.charCodeAt(w - 1))) w--;
    if (w < i && testAt(WRAPPER_AT, v, w)) return true;
    i = v.indexOf("://", i + 3);
  }
  return false;
}

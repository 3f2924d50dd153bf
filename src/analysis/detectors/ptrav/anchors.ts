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
 * The literal anchors every ptrav sign needs, for the prefilter: one walk over a value's
 * separators and dots with native `indexOf`, a table read at each, and a small sticky
 * regular expression only where the table says a listed word may start there.
 *
 * Why keyed tables: one expression holding every listed name (≈250 alternatives) costs
 * a few hundred ns per position tried, which on browser traffic (a `/` or a `.` every
 * few characters) cost more than the detection it was meant to spare. Keyed by the
 * lower-cased first two characters, each expression holds a handful of alternatives and
 * most positions cost one array read.
 *
 * Built from the very word lists the finders use (sensitive.ts, leftovers.ts,
 * path-tricks.ts, wrappers.ts), so a word added there is anchored here too. Each test
 * is a SUPERSET of its finder (a prefix of the name, no check of where the component
 * ends): `prefilter.test.ts` holds the prefilter to that.
 *
 * ReDoS: every expression is `class? (?:literal|literal|…) tail`, the alternation
 * holding escaped literals or `dir[/\\]+(?:literals)`, never under a quantifier; the
 * only quantifiers are on single character classes followed by a disjoint class or
 * literal. All are sticky (`y`): tried at one position, linear in the value.
 */

function esc(w: string): string {
  return w.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

function alt(words: Iterable<string>): string {
  return [...words].map(esc).join("|");
}

const SEP = "[/\\\\]";

/** Wrapper scheme words (and the last dotted parts of `compress.zlib`, `ssh2.shell`) before `://`. */
const WRAPPER_PARTS = new Set<string>();
for (const s of WRAPPER_SCHEMES) for (const part of s.split(".")) WRAPPER_PARTS.add(part);
const WRAPPER_FIRST = new Set([...WRAPPER_PARTS].map((p) => p.charCodeAt(0)));

/** `${x}`, `$(x)` or a backslash inside a word: worth the second spelling of index.ts. */
export const SHELL_OBFUSCATION = /\$[{(]|[A-Za-z]\\[A-Za-z]/;

/**
 * A regular-expression alternation of lower-case words factored into a trie
 * (`etc|env` → `e(?:tc|nv)`), so that irregexp tries one branch per distinct next
 * character instead of every word in turn. `tails` maps a word to a pattern that must
 * follow it.
 */
function trie(list: Iterable<readonly [word: string, tail: string]>): string {
  interface Node {
    kids: Map<string, Node>;
    tails: string[];
  }
  const root: Node = { kids: new Map(), tails: [] };
  for (const [w, tail] of list) {
    let n = root;
    for (const ch of w.toLowerCase()) {
      let k = n.kids.get(ch);
      if (k === undefined) {
        k = { kids: new Map(), tails: [] };
        n.kids.set(ch, k);
      }
      n = k;
    }
    if (!n.tails.includes(tail)) n.tails.push(tail);
  }
  const emit = (n: Node): string => {
    // Longer words first, then the tails of words ending here (an empty tail last), so
    // that a tail after the whole trie (`sqlite` / `sqlite3` then `$`) backtracks right.
    const parts: string[] = [];
    for (const [ch, k] of n.kids) parts.push(esc(ch) + emit(k));
    for (const t of n.tails) if (t !== "") parts.push(t);
    if (n.tails.includes("")) parts.push("");
    return parts.length === 1 ? parts[0]! : `(?:${parts.join("|")})`;
  };
  return emit(root);
}

const plain = (list: Iterable<string>, tail = ""): Array<readonly [string, string]> =>
  [...list].map((w) => [w, tail] as const);

const COMPONENT_WORDS: Array<readonly [string, string]> = [
  ...plain(ANYWHERE),
  ...plain([".env", ".#", "backup", "dump", "database", "db.", "error_log", "dockerfile"]),
  ...plain(LEFTOVER_NAMES),
  ...plain(SHELLS_DISTINCT),
  ...plain(SHELLS_EXACT, "\\."),
  ["cvs", SEP],
  ...[...AFTER].map(
    ([dir, next]) =>
      [dir, next === "any" ? SEP : `${SEP}+(?:${alt(next)}${dir === "proc" ? "|\\d" : ""})`] as const,
  ),
];

// safe-regex (all below): alternations are tries of escaped literals, never under a
// quantifier; quantifiers only on single character classes followed by a disjoint one.

/** A listed name as the value's first component: anchored, one try. */
// safe-regex: a trie of escaped literals (see the ReDoS note at the top).
const AT_START = new RegExp(`^${trie(COMPONENT_WORDS)}`, "i");

/**
 * After a separator: a listed name, a name sensitive under a directory, or a `.`
 * (hidden files, dot-segments `/./`, Emacs locks `/.#x`).
 */
// safe-regex: a trie of escaped literals (see the ReDoS note at the top).
const AFTER_SEP = new RegExp(`${SEP}(?:${trie([...COMPONENT_WORDS, ...plain(UNDER_DIR)])}|\\.)`, "i");

/** A script extension before a trick separator (`.php;`, `.asp:`, `.php%00`, `.php.`, `.php `). */
// safe-regex: a trie of escaped literals (see the ReDoS note at the top).
const SCRIPT_TRICK = new RegExp(`\\.${trie(plain(SCRIPT_EXTS))}[;#:\\x00\\n\\r%. \\u0100-\\uffff]`, "i");

/**
 * At a component's end (leftovers.ts, path-tricks.ts): a backup extension or suffix
 * (`.bak`, `_bak`, `.old2`), a dump, key-store or archive extension, an upload
 * extension before `/` (PATH_INFO), an editor copy's `~` or `#`.
 */
// safe-regex: a trie of escaped literals (see the ReDoS note at the top).
const COMPONENT_END = new RegExp(
  [
    `[-_.]${trie(plain(BACKUP_EXTS))}\\d{0,4}(?:$|${SEP})`,
    `\\.${trie(plain([...DUMP_EXTS, ...SECRET_EXTS, ...ARCHIVE_EXTS]))}(?:$|${SEP})`,
    `\\.${trie(plain(UPLOAD_EXTS))}${SEP}`,
    `[~#](?:$|${SEP})`,
  ].join("|"),
  "i",
);

/** Whether a listed name starts `v` (its first path component). */
export function startAnchor(v: string): boolean {
  return AT_START.test(v);
}

/** Whether a listed name or a `.` starts a component after a `/` or `\` in `v`. */
export function separatorAnchor(v: string): boolean {
  return AFTER_SEP.test(v);
}

/** Whether a script extension is followed by a trick separator in `v`. */
export function scriptTrickAnchor(v: string): boolean {
  return SCRIPT_TRICK.test(v);
}

/**
 * Whether a component of `v` ends like a leftover (backup, dump, archive, editor copy).
 * Only worth asking of a request path (findLeftover reads nothing else).
 */
export function componentEndAnchor(v: string): boolean {
  return COMPONENT_END.test(v);
}

function isAlnum(c: number): boolean {
  const l = c | 0x20;
  return (l >= 97 && l <= 122) || (c >= 48 && c <= 57);
}

/** Whether a stream wrapper scheme (`php://`, `PHAR://`, `compress.zlib://`) is written in `v`. */
export function wrapperAnchor(v: string): boolean {
  let i = v.indexOf("://");
  for (let guard = 0; i !== -1 && guard < 64; guard++) {
    let w = i;
    while (w > 0 && i - w < 8 && isAlnum(v.charCodeAt(w - 1))) w--;
    // `http`, `https`: rejected on the first letter, before any string is built.
    if (
      i - w >= 3 &&
      WRAPPER_FIRST.has(v.charCodeAt(w) | 0x20) &&
      WRAPPER_PARTS.has(v.slice(w, i).toLowerCase())
    )
      return true;
    i = v.indexOf("://", i + 3);
  }
  return false;
}

/**
 * The cheap gate in front of the SQL detector (ARCHITECTURE.md principle 6). It must let
 * through every value a rule could flag, so it is derived from the rules (rules.ts):
 *  - any rule read from a quoted context needs a quote;
 *  - comments (`--`, `/*`), `||`/`&&` and `::` casts are let through;
 *  - every other rule needs one of the trigger words (triggers.ts) with what goes with
 *    it (a `;` before a statement, a `(` for a function, a leading number before a
 *    clause), or a logic word (AND, OR, LIKE…) together with what a condition is made
 *    of: a comparison character (`= < > ~`), `@`, `#`, a call (`name(`), a literal, or
 *    a comparison word followed by a number, string, `(`, `@` or NOT.
 * Words are matched by a hash of their lower-cased letters, without allocating; a hash
 * collision only lets a value through, it never drops one.
 */
import { CH, charMask } from "../charmask.js";
import { isAsciiLetter, isDigit, isSqlSpace, isZeroWidth } from "./chars.js";
import { danglingLogic, numberGlue, wholeValueCallProbe } from "./fragment.js";
import { FRAGMENT_MAX, fragmentFunctionNames, MAGIC_NUMBERS } from "./fragment-vocab.js";
import { ormLookup } from "./orm.js";
import { alwaysWords, familyWords, triggerSets, wordHash } from "./triggers.js";

/** Words a condition is built with (prefilter reasons below). */
const LOGIC_WORDS = ["and", "or", "xor", "div", "mod", "not"];
const COMPARISON_WORDS = [
  "like",
  "rlike",
  "regexp",
  "is",
  "in",
  "between",
  "sounds",
  "glob",
  "ilike",
  "similar",
];

/** Word families, as bits of one table entry (a word may belong to several). */
const W_ALWAYS = 1;
const W_AFTER_SEMI = 2;
const W_CALL = 4;
const W_CLAUSE = 8;
const W_ANYWHERE_CLAUSE = 16;
const W_LITERAL = 32;
const W_LOGIC = 64;
const W_COMPARISON = 128;
const W_FRAG_WORD = 256;
const W_FRAG_CALL = 512;

/**
 * Every trigger word in one open-addressing table keyed by its hash: one probe per word
 * read, instead of a lookup in each of ten sets (which dominated the cost of the scan).
 */
const TABLE_BITS = 12;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const KEYS = new Int32Array(1 << TABLE_BITS);
const FAMILIES = new Uint16Array(1 << TABLE_BITS);

function addWords(hs: Iterable<number>, bit: number): void {
  for (const h of hs) {
    let i = h & TABLE_MASK;
    // Keys are stored as hash + 1 so that 0 marks an empty slot.
    while (KEYS[i] !== 0 && KEYS[i] !== h + 1) i = (i + 1) & TABLE_MASK;
    KEYS[i] = h + 1;
    FAMILIES[i] = (FAMILIES[i] ?? 0) | bit;
  }
}

function families(h: number): number {
  let i = h & TABLE_MASK;
  for (let probes = 0; probes <= TABLE_MASK; probes++) {
    const k = KEYS[i]!;
    if (k === 0) return 0;
    if (k === h + 1) return FAMILIES[i]!;
    i = (i + 1) & TABLE_MASK;
  }
  return 0;
}

(() => {
  const T = triggerSets();
  addWords(T.always, W_ALWAYS);
  addWords(T.afterSemicolon, W_AFTER_SEMI);
  addWords(T.call, W_CALL);
  addWords(T.clause, W_CLAUSE);
  addWords(T.anywhereClause, W_ANYWHERE_CLAUSE);
  addWords(T.literal, W_LITERAL);
  addWords(hashes(LOGIC_WORDS), W_LOGIC);
  addWords(hashes(COMPARISON_WORDS), W_COMPARISON);
  addWords(T.fragmentWord, W_FRAG_WORD);
  addWords(T.fragmentCall, W_FRAG_CALL);
})();
const LOGIC = hashes(LOGIC_WORDS);
const NOT = wordHash("not", 0, 3);

function hashes(words: string[]): Set<number> {
  return new Set(words.map((w) => wordHash(w, 0, w.length)));
}

/**
 * The families of all words in `v`, OR-ed (0: no trigger word), read as the scan reads
 * words — runs of letters and `_`, joined across invisible characters — but with nothing
 * else to do per character. Stops at the first word that passes on its own.
 */
function wordFamilies(v: string): number {
  const n = v.length;
  let out = 0;
  let i = 0;
  while (i < n) {
    const c = v.charCodeAt(i);
    if (!((c | 0x20) >= 97 && (c | 0x20) <= 122) && c !== 95) {
      i++;
      continue;
    }
    let h = 0x811c9dc5;
    let len = 0;
    while (i < n) {
      const d = v.charCodeAt(i);
      if (((d | 0x20) >= 97 && (d | 0x20) <= 122) || d === 95) {
        h ^= d | 0x20;
        h = Math.imul(h, 0x01000193);
        len++;
      } else if (!(d >= 0xad && isZeroWidth(d))) break;
      i++;
    }
    if (len >= 2 && len <= 24) {
      out |= families(h & 0x3fffffff);
      if ((out & W_ALWAYS) !== 0) return out;
    }
  }
  return out;
}

/** Characters that make a condition next to a logic word (`scan`'s `cond`), or a call. */
const CONDITION_CHARS = CH.EQ | CH.LT | CH.GT | CH.AT | CH.PUNCT | CH.HASH | CH.LPAREN;

/** The word lists a long value is searched for (see `longValueMayPass`), as bits. */
const L_ALWAYS = 1;
const L_STATEMENT = 2;
const L_CALL = 4;
const L_CLAUSE = 8;
const L_LITERAL = 16;
const L_LOGIC = 32;

const FAMILY = familyWords();

/** Each word (letters and `_`, lower case) of the lists, with the lists it is in. */
const LONG_WORDS = new Map<string, number>();
for (const [words, bit] of [
  [alwaysWords(), L_ALWAYS],
  [FAMILY.statements, L_STATEMENT],
  [[...FAMILY.calls, ...fragmentFunctionNames()], L_CALL],
  [FAMILY.clauses, L_CLAUSE],
  [FAMILY.literals, L_LITERAL],
  [[...LOGIC_WORDS, ...COMPARISON_WORDS], L_LOGIC],
] as const) {
  for (const w of words) if (/^[a-z_]+$/.test(w)) LONG_WORDS.set(w, (LONG_WORDS.get(w) ?? 0) | bit);
}

/**
 * Any word of the lists standing as a whole run of letters and `_` (the scan's notion of
 * a word), for long values, where a native search is cheaper than reading each character
 * in script.
 */
const LONG_WORD = (() => {
  const alt = [...LONG_WORDS.keys()].sort((a, b) => b.length - a.length).join("|");
  // safe-regex: one alternation of plain lower-case words between two single-character
  // lookarounds, no quantifier: a failed match backtracks at most one word's length.
  return new RegExp(`(?<![A-Za-z_])(?:${alt})(?![A-Za-z_])`, "gi");
})();

/**
 * The lists (L_*) that have a word in `v`, in one search for all of them: every run of
 * letters and `_` that is a word of some list is found (runs do not overlap, and a match
 * is a whole run), so the bits are exactly what one search per list would tell, at the
 * cost of the largest one (one search per list cost their sum: ~10 ns per character on
 * long benign values, against ~7.5). Stops at a word that passes on its own.
 */
function longWordLists(v: string): number {
  let out = 0;
  LONG_WORD.lastIndex = 0;
  for (let m = LONG_WORD.exec(v); m !== null; m = LONG_WORD.exec(v)) {
    out |= LONG_WORDS.get(m[0].toLowerCase()) ?? 0;
    if ((out & L_ALWAYS) !== 0) break;
  }
  LONG_WORD.lastIndex = 0;
  return out;
}

/**
 * The reasons `scan` has for a value longer than the SQL-density tier reads, checked
 * family by family (each gated by the character it needs) on the words one native search
 * found, instead of reading every character: a word that passes alone, a statement with
 * a `;`, a function with a `(`, a clause after a leading number, a logic word with what
 * makes a condition. Each test is looser than the scan (a word anywhere, a `(` anywhere),
 * so nothing the scan lets through is lost. Invisible characters inside a word are read
 * by the scan itself.
 */
function longValueMayPass(v: string, mask: number): boolean {
  if ((mask & CH.NONASCII) !== 0 && ZERO_WIDTH.test(v)) return scan(v, true) !== 0;
  const lists = longWordLists(v);
  if ((lists & L_ALWAYS) !== 0) return true;
  if ((mask & CH.SEMI) !== 0 && (lists & L_STATEMENT) !== 0) return true;
  if ((mask & CH.LPAREN) !== 0 && (lists & L_CALL) !== 0) return true;
  if ((lists & L_CLAUSE) !== 0 && leadsWithNumber(v)) return true;
  if ((lists & L_LOGIC) === 0)
    return (mask & CH.LPAREN) !== 0 && v.indexOf(".e(") !== -1 && scan(v, true) !== 0;
  if ((mask & CONDITION_CHARS) !== 0 || (lists & L_LITERAL) !== 0) return true;
  // A comparison word followed by a number or a string: only the scan reads that.
  return scan(v, true) !== 0;
}

/** `@@name` (letters, `_`, `.`) after spaces at the start: rules-bare.ts system-variable. */
function sysvarHead(v: string): boolean {
  let i = 0;
  while (i < v.length && i < 16 && isSqlSpace(v.charCodeAt(i))) i++;
  return v.charCodeAt(i) === 64 && v.charCodeAt(i + 1) === 64 && SYSVAR_HEAD.test(v.slice(i, i + 8));
}
const SYSVAR_HEAD = /^@@[A-Za-z_][A-Za-z_.]{2}/;

/** The invisible characters the scan reads through inside a word (chars.ts isZeroWidth). */
const ZERO_WIDTH = /[\u00ad\u200b-\u200d\u2060\ufeff]/;

/**
 * Characters of the operators the SQL-density tier reads in a short value (`sqlOperatorAt`
 * and `->`, whose `>` is here).
 */
const FRAGMENT_OPERATOR_CHARS = CH.LT | CH.GT | CH.PUNCT | CH.AT | CH.EQ;

/** Characters whose presence alone lets a value through (a quoted context is read). */
const QUOTES = CH.SQUOTE | CH.DQUOTE | CH.BACKTICK;

/**
 * The gate. `mask` (charmask.ts) settles the common cases without reading the value:
 * any quote passes (every quoted context starts from one), and the operators that pass
 * on their own (`--`, `/*`, `||`, `&&`, `::`) are looked up only when their character is
 * present. What remains needs a trigger word: one light pass collects the families of
 * the words, and the full scan runs only when a family and its companion are both there.
 */
export function sqliPrefilter(v: string, given?: number): boolean {
  if (gate(v, given)) {
    lastPassed = v;
    return true;
  }
  return false;
}

/**
 * The last value the gate let through. The engine calls `detect` right after the gate
 * said yes to the same string, and detect asks the gate again (so that nothing is
 * flagged that the gate would refuse, by construction): the answer is remembered for
 * that exact string only (as in xss/prefilter.ts). The values that pass are the ones
 * the gate reads longest (their words, their scan), so asking twice cost the most.
 */
export let lastPassed: string | null = null;

function gate(v: string, given: number | undefined): boolean {
  const n = v.length;
  if (n < 2) return false;
  // Called without a mask (detect's own checks, rewritten variants): a quote, found by
  // native search, settles it before the mask is computed.
  if (given === undefined && (v.indexOf("'") !== -1 || v.indexOf('"') !== -1 || v.indexOf("`") !== -1))
    return true;
  const mask = given ?? charMask(v);
  if ((mask & QUOTES) !== 0) return true;
  // `1.e.tables` (fragment.ts numberGlue) in a value of fragment size; `1.e(` is read
  // by the paths below at any length.
  if (
    n <= FRAGMENT_MAX &&
    (mask & CH.DOT) !== 0 &&
    (mask & CH.DIGIT) !== 0 &&
    v.indexOf(".e.") !== -1 &&
    numberGlue(v)
  )
    return true;
  // `@@version`: a system variable as the whole value (rules-bare.ts).
  if ((mask & CH.AT) !== 0 && sysvarHead(v)) return true;
  // `md5(`, `sha2\(`: a function name probed on its own (fragment.ts callProbe).
  if ((mask & CH.LPAREN) !== 0 && n <= 64 && wholeValueCallProbe(v)) return true;
  // One word (letters and `_` only: the most common value of all, a name or a token):
  // the scan would read just this word, which passes alone or not at all.
  // A name of letters and `_` may also be an ORM filter path (orm.ts).
  if (mask === 0)
    return (
      (n <= 24 && (families(wordHash(v, 0, n)) & (W_ALWAYS | W_FRAG_WORD)) !== 0) ||
      (n >= 12 && v.indexOf("__") > 0 && ormLookup(v))
    );
  // Digits only: nothing but an integer-overflow number.
  if (mask === CH.DIGIT) return n >= 10 && n <= 23 && MAGIC_NUMBERS.has(v);
  if ((mask & CH.DASH) !== 0 && v.indexOf("--") !== -1) return true;
  if ((mask & CH.STAR) !== 0 && v.indexOf("/*") !== -1) return true;
  if ((mask & CH.PIPE) !== 0 && v.indexOf("||") !== -1) return true;
  if ((mask & CH.AMP) !== 0 && v.indexOf("&&") !== -1) return true;
  if ((mask & CH.COLON) !== 0 && v.indexOf("::") !== -1) return true;
  if (n > FRAGMENT_MAX) return longValueMayPass(v, mask);
  const fam = wordFamilies(v);
  if (fam === 0) {
    // Without a trigger word: `1.e(`, an overflow number, or the SQL-only operators of a
    // short value (`<=`, `!=`, `1=1`, `->`).
    if ((mask & CH.LPAREN) !== 0 && v.indexOf(".e(") !== -1) return scan(v, true) !== 0;
    if (n >= 10 && n <= 23 && isDigit(v.charCodeAt(0)) && MAGIC_NUMBERS.has(v)) return true;
    if (n <= FRAGMENT_MAX && (mask & FRAGMENT_OPERATOR_CHARS) !== 0) return fragmentOperator(v, mask);
    return false;
  }
  if ((fam & W_ALWAYS) !== 0) return true;
  return scan(v, true) !== 0;
}

/**
 * `scan(v, true) !== 0` for a value of fragment size without a trigger word, a quote, an
 * operator that passes alone (`--`, `/*`, `||`, `&&`, `::`), `1.e(`, `@@name` at its head
 * or an overflow number (all ruled out by the gate before it asks): with no word, the
 * scan can only pass on the SQL-density tier's operators, `->` or one `sqlOperatorAt`
 * reads. Looked up by native search at each occurrence of their characters instead of
 * the scan's reading of every character and word (a third of the gate's cost on short
 * values with `=`, `@` or `~`: query strings, e-mail addresses, base64 padding).
 */
function fragmentOperator(v: string, mask: number): boolean {
  const n = v.length;
  if ((mask & CH.EQ) !== 0 && operatorAmong(v, "=", n)) return true;
  if ((mask & CH.LT) !== 0 && operatorAmong(v, "<", n)) return true;
  if ((mask & CH.GT) !== 0) {
    if (operatorAmong(v, ">", n)) return true;
    if ((mask & CH.DASH) !== 0 && v.indexOf("->") !== -1) return true;
  }
  if ((mask & CH.AT) !== 0 && operatorAmong(v, "@", n)) return true;
  if ((mask & CH.PUNCT) !== 0 && (operatorAmong(v, "!", n) || operatorAmong(v, "~", n))) return true;
  return false;
}

/** `sqlOperatorAt` at some occurrence of `ch`. */
function operatorAmong(v: string, ch: string, n: number): boolean {
  for (let i = v.indexOf(ch); i !== -1; i = v.indexOf(ch, i + 1)) if (sqlOperatorAt(v, i, n)) return true;
  return false;
}

/**
 * Whether a rule that fires anywhere in a value (rules.ts `anywhere`: UNION SELECT,
 * stacked queries, delay/error/exec functions, INTO OUTFILE, PROCEDURE ANALYSE) could
 * fire on it. When not, the quoted contexts only need reading if the break is followed
 * by SQL, which the detector checks cheaply before tokenizing.
 */
export function anywherePossible(v: string): boolean {
  return (scan(v, false) & ANYWHERE) !== 0;
}

/** What the full scan found: which families of rules may fire (see `contextsWorthReading`). */
export function prefilterFlags(v: string): number {
  return scan(v, false);
}

export const PASS = 1;
/** A rule that stands anywhere in the value may fire. */
export const ANYWHERE = 2;
/** A rule of the bare (unquoted) context may fire: reasons other than a lone quote. */
export const BARE = 4;

/** One pass over the value; with `gate`, returns as soon as the value may pass. */
function scan(v: string, gate: boolean): number {
  const n = v.length;
  if (n < 2) return 0;
  let out = 0;
  let logic = false;
  let cond = false;
  let semi = false;
  let paren = false;
  let stmt = false;
  let fn = false;
  let clause = false;
  // SQL-density tier (fragment.ts), for short values only: an anchor word, a function
  // name (counted with a `(`), a two-character SQL operator.
  const short = n <= FRAGMENT_MAX;
  let frag = false;
  let fragFn = false;
  let jsonStr = false;
  let lastNonSpace = 0;
  let i = 0;
  while (i < n) {
    const c = v.charCodeAt(i);
    if (isAsciiLetter(c) || c === 95) {
      // A run of letters, hashed as it is read (same hash as triggers.ts wordHash);
      // invisible characters inside it are skipped, as the tokenizer joins across them.
      let h = 0x811c9dc5;
      let len = 0;
      while (i < n) {
        const d = v.charCodeAt(i);
        if (isAsciiLetter(d) || d === 95) {
          h ^= d | 0x20;
          h = Math.imul(h, 0x01000193);
          len++;
        } else if (!(d >= 0xad && isZeroWidth(d))) break;
        i++;
      }
      lastNonSpace = 97;
      if (len < 2 || len > 24) continue;
      h &= 0x3fffffff;
      const fam = families(h);
      if (fam === 0) continue;
      if (short) {
        if ((fam & W_FRAG_WORD) !== 0) frag = true;
        else if ((fam & W_FRAG_CALL) !== 0) fragFn = true;
      }
      if ((fam & W_ALWAYS) !== 0) {
        if (gate) return PASS;
        out |= PASS | ANYWHERE | BARE;
      } else if ((fam & W_AFTER_SEMI) !== 0) stmt = true;
      else if ((fam & W_CALL) !== 0) fn = true;
      else if ((fam & W_CLAUSE) !== 0) {
        clause = true;
        if (!gate && (fam & W_ANYWHERE_CLAUSE) !== 0) out |= ANYWHERE | BARE;
      } else if ((fam & W_LITERAL) !== 0) cond = true;
      else if (len <= 7) {
        if ((fam & W_LOGIC) !== 0) logic = true;
        else if ((fam & W_COMPARISON) !== 0) {
          logic = true;
          if (!cond) cond = comparandFollows(v, i, n);
        }
      }
      continue;
    }
    switch (c) {
      case 39: // '
      case 34: // "
        if (gate) return PASS;
        out |= PASS;
        // `'{"…` / `'[…`: a JSON document in an SQL string (fragment.ts json-operator).
        if (short && !jsonStr) {
          const d = v.charCodeAt(i + 1);
          jsonStr = (d === 123 && v.charCodeAt(i + 2) === 34) || d === 91;
        }
        break;
      case 96: // ` : an identifier, read in the bare context
        if (gate) return PASS;
        out |= PASS | BARE;
        break;
      case 61: // =
      case 60: // <
      case 62: // >
      case 64: // @
      case 126: // ~
        cond = true;
        if (short && !frag) frag = sqlOperatorAt(v, i, n);
        break;
      case 35: // #
        cond = true;
        break;
      case 63: // ? : PostgreSQL jsonb `?|`, `?&`, `? '`
        {
          const d = v.charCodeAt(i + 1);
          if (d === 124 || d === 38 || (d === 32 && v.charCodeAt(i + 2) === 39)) cond = true;
        }
        break;
      case 33: // !
        if (short && !frag) frag = sqlOperatorAt(v, i, n);
        break;
      case 59: // ;
        semi = true;
        break;
      case 40: // ( after a name: a call (`/` covers `name/**/(`)
        paren = true;
        // `1.e(`: a number glued to what follows (fragment.ts).
        if (v.charCodeAt(i - 1) === 101 && v.charCodeAt(i - 2) === 46 && isDigit(v.charCodeAt(i - 3))) {
          if (gate) return PASS;
          out |= PASS;
        }
        if (lastNonSpace === 97 || lastNonSpace === 47) cond = true;
        break;
      case 124: // |
      case 38: // &
        if (v.charCodeAt(i + 1) === c) {
          if (gate) return PASS;
          out |= PASS | BARE;
        }
        break;
      case 45: // -
      case 47: // /
        if (c === 45 && short && v.charCodeAt(i + 1) === 62) frag = true; // ->
        if (v.charCodeAt(i + 1) === (c === 45 ? 45 : 42)) {
          if (gate) return PASS;
          // `/*` may glue a keyword together (`UN/**/ION`): anything may follow.
          out |= c === 47 ? PASS | ANYWHERE | BARE : PASS | BARE;
        }
        break;
      case 58: // :: (PostgreSQL cast)
        if (v.charCodeAt(i + 1) === 58) {
          if (gate) return PASS;
          out |= PASS | BARE;
        }
        break;
      case 44: // , between quotes: a keyword split into array elements (`un","ion`)
        // Only in a value the SQL-density tier reads: in a long one it is JSON's own
        // separator, and counting it would read every JSON text in every context.
        if (!gate && short && (v.charCodeAt(i - 1) === 34 || v.charCodeAt(i - 1) === 39))
          out |= ANYWHERE | BARE;
        break;
      default:
        // Invisible characters may glue a keyword together (`un\u200bion`).
        if (!gate && c >= 0xad && isZeroWidth(c)) out |= ANYWHERE | BARE;
        break;
    }
    if (!isSqlSpace(c)) lastNonSpace = isAsciiLetter(c) || c === 95 || c >= 128 ? 97 : c;
    i++;
  }
  if ((stmt && semi) || (fn && paren)) out |= PASS | ANYWHERE | BARE;
  if (frag || (fragFn && paren) || (jsonStr && cond)) out |= PASS | BARE;
  if (n >= 10 && n <= 23 && isDigit(v.charCodeAt(0)) && MAGIC_NUMBERS.has(v)) out |= PASS;
  if (sysvarHead(v)) out |= PASS | BARE;
  if (logic && short && logicThenNumber(v)) out |= PASS | BARE;
  if (logic && n <= 64 && (v.charCodeAt(n - 1) === 32 || v.charCodeAt(n - 1) === 40) && danglingLogic(v))
    out |= PASS;
  if ((logic && cond) || (clause && leadsWithNumber(v))) out |= PASS | BARE;
  return out;
}

/**
 * At `i`, an operator only SQL writes: a two-character comparison or shift (`<=`, `<>`,
 * `!=`, `>>`, `~*`, `@>`…; `==` only when something follows, since base64 ends with it),
 * or `=` between two equal characters (`1=1`, `'='`).
 */
function sqlOperatorAt(v: string, i: number, n: number): boolean {
  const c = v.charCodeAt(i);
  const d = v.charCodeAt(i + 1);
  switch (c) {
    case 60: // <
      return d === 61 || d === 62 || d === 60 || d === 64;
    case 62: // >
      return d === 61 || d === 62;
    case 33: // !
      return d === 61 || d === 60 || d === 62 || d === 126;
    case 126: // ~
      return d === 42;
    case 64: // @
      return d === 62;
    case 61: // =
      if (d === 61) return i === 0 || (i + 2 < n && v.charCodeAt(i + 2) !== 61);
      return i > 0 && v.charCodeAt(i - 1) === d && (isDigit(d) || d === 39 || d === 34);
    default:
      return false;
  }
}

/** `or 88`, `xor 5-`: the value opens with OR/AND/XOR, spaces and a digit (fragment.ts). */
function logicThenNumber(v: string): boolean {
  let i = 0;
  while (i < v.length && isSqlSpace(v.charCodeAt(i))) i++;
  const w = i;
  while (i < v.length && isAsciiLetter(v.charCodeAt(i))) i++;
  const len = i - w;
  if (len < 2 || len > 3) return false;
  const h = wordHash(v, w, i);
  if (!LOGIC.has(h)) return false;
  if (!isSqlSpace(v.charCodeAt(i))) return false;
  while (i < v.length && isSqlSpace(v.charCodeAt(i))) i++;
  return isDigit(v.charCodeAt(i));
}

/** The value opens (after spaces) with a digit, a sign, a dot or `(`. */
function leadsWithNumber(v: string): boolean {
  let j = 0;
  while (j < v.length && isSqlSpace(v.charCodeAt(j))) j++;
  const c = v.charCodeAt(j);
  return isDigit(c) || c === 45 || c === 43 || c === 46 || c === 40 || c === 126 || c === 33;
}

/** After a comparison word: a number, string, `(`, `@`, sign, or NOT follows. */
function comparandFollows(v: string, i: number, n: number): boolean {
  let j = i;
  while (j < n && isSqlSpace(v.charCodeAt(j))) j++;
  const c = v.charCodeAt(j);
  if (isDigit(c) || c === 40 || c === 64 || c === 43 || c === 45 || c === 46 || c === 39 || c === 34)
    return true;
  let k = j;
  while (k < n && k - j < 4 && isAsciiLetter(v.charCodeAt(k))) k++;
  return k - j === 3 && wordHash(v, j, k) === NOT;
}

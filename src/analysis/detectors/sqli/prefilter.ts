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
import { isAsciiLetter, isDigit, isSqlSpace, isZeroWidth } from "./chars.js";
import { FRAGMENT_MAX, MAGIC_NUMBERS } from "./fragment-vocab.js";
import { triggerSets, wordHash } from "./triggers.js";

const T = triggerSets();
const LOGIC = hashes(["and", "or", "xor", "div", "mod", "not"]);
const COMPARISON = hashes([
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
]);
const NOT = wordHash("not", 0, 3);

function hashes(words: string[]): Set<number> {
  return new Set(words.map((w) => wordHash(w, 0, w.length)));
}

export function sqliPrefilter(v: string): boolean {
  return scan(v, true) !== 0;
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
      if (short) {
        if (T.fragmentWord.has(h)) frag = true;
        else if (T.fragmentCall.has(h)) fragFn = true;
      }
      if (T.always.has(h)) {
        if (gate) return PASS;
        out |= PASS | ANYWHERE | BARE;
      } else if (T.afterSemicolon.has(h)) stmt = true;
      else if (T.call.has(h)) fn = true;
      else if (T.clause.has(h)) {
        clause = true;
        if (!gate && T.anywhereClause.has(h)) out |= ANYWHERE | BARE;
      } else if (T.literal.has(h)) cond = true;
      else if (len <= 7) {
        if (LOGIC.has(h)) logic = true;
        else if (COMPARISON.has(h)) {
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
        if (!gate && (v.charCodeAt(i - 1) === 34 || v.charCodeAt(i - 1) === 39)) out |= ANYWHERE | BARE;
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
  if (frag || (fragFn && paren)) out |= PASS | BARE;
  if (n >= 10 && n <= 23 && isDigit(v.charCodeAt(0)) && MAGIC_NUMBERS.has(v)) out |= PASS;
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
      if (d === 61) return i + 2 < n && v.charCodeAt(i + 2) !== 61;
      return i > 0 && v.charCodeAt(i - 1) === d && (isDigit(d) || d === 39 || d === 34);
    default:
      return false;
  }
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

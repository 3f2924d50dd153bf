/**
 * The cheap gate in front of the SQL detector (ARCHITECTURE.md principle 6). It must let
 * through every value a rule could flag, so it is derived from the rules (rules.ts):
 *  - any rule read from a quoted context needs a quote;
 *  - the function-call, stacked-query, boolean and comment rules need one of
 *    `( ; = < > @ | & #`, `--` or `/*`, AND some SQL word or operator to go with it;
 *  - a value still holding `%XX` may be decoded once more by the detector;
 *  - without punctuation only a few rules can fire, and each needs one of the words
 *    counted below (SELECT, a clause like ORDER/HAVING/LIMIT, a statement, a literal
 *    like NULL/TRUE, a catalog name).
 * Words are matched by a hash of their lower-cased letters, without allocating; a hash
 * collision only lets a value through, it never drops one.
 */
import { isAsciiLetter, isHexDigit } from "./chars.js";
import { triggerWordHashes, wordHash } from "./triggers.js";

const TRIGGERS = triggerWordHashes();

export function sqliPrefilter(v: string): boolean {
  const n = v.length;
  if (n < 2) return false;
  let punct = false;
  let i = 0;
  while (i < n) {
    const c = v.charCodeAt(i);
    if (isAsciiLetter(c) || c === 95) {
      const start = i;
      i++;
      while (i < n) {
        const d = v.charCodeAt(i);
        if (!(isAsciiLetter(d) || d === 95)) break;
        i++;
      }
      const len = i - start;
      if (len >= 2 && len <= 20 && TRIGGERS.has(wordHash(v, start, i))) return true;
      continue;
    }
    switch (c) {
      case 39: // '
      case 34: // "
      case 96: // `
        return true;
      case 40: // (
      case 59: // ;
      case 61: // =
      case 60: // <
      case 62: // >
      case 64: // @
      case 35: // #
      case 126: // ~ (PostgreSQL regex match)
        punct = true;
        break;
      case 124: // |
      case 38: // &
        if (v.charCodeAt(i + 1) === c) return true;
        break;
      case 45: // -
        if (v.charCodeAt(i + 1) === 45) return true;
        break;
      case 47: // /
        if (v.charCodeAt(i + 1) === 42) return true;
        break;
      case 37: // % : still percent-encoded after decoding (a name, or double encoding)
        if (isHexDigit(v.charCodeAt(i + 1)) && isHexDigit(v.charCodeAt(i + 2))) return true;
        break;
      default:
        break;
    }
    i++;
  }
  // Punctuation alone is not enough: a boolean needs a logic word (AND, OR, XOR, DIV, MOD).
  return punct && hasLogicWord(v);
}

const LOGIC_HASHES = new Set(["and", "or", "xor", "div", "mod", "like", "rlike", "regexp", "is", "in", "between", "not", "sounds", "glob", "ilike", "similar"].map((w) => wordHash(w, 0, w.length)));

function hasLogicWord(v: string): boolean {
  const n = v.length;
  let i = 0;
  while (i < n) {
    const c = v.charCodeAt(i);
    if (isAsciiLetter(c)) {
      const start = i;
      while (i < n && isAsciiLetter(v.charCodeAt(i))) i++;
      if (i - start <= 7 && LOGIC_HASHES.has(wordHash(v, start, i))) return true;
      continue;
    }
    i++;
  }
  return false;
}

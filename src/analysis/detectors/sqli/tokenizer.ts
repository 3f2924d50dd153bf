/**
 * A bounded SQL tokenizer covering the lexical quirks attackers lean on in the main
 * dialects:
 *  - MySQL: `#` and `-- ` comments, `/*! … *\/` executable comments (their body is code),
 *    backslash escapes in strings, backtick identifiers, `@@system` variables, `0x`/`0b`
 *    numbers and `x'…'`/`b'…'` literals, `1e0union` (a number glued to a keyword);
 *  - PostgreSQL: `::` casts, `$$…$$` and `$tag$…$tag$` strings, `E'…'` strings, `U&'…'`
 *    strings and `U&"…"` names;
 *  - SQL Server: `[ident]`, `N'…'` strings;  Oracle: `||` concatenation, `q'[…]'`;
 *  - SQLite: the ANSI core.
 * Inline comments glued between word characters (`UN/**\/ION`) are removed and the word
 * joined, since filters that strip comments let such words through.
 *
 * The scan can start inside a string (`startQuote`): the payload is then assumed to be
 * placed between quotes by the application, and its first matching quote closes that
 * string (the "break"), as libinjection does with its three contexts.
 *
 * Everything is bounded: at most MAX_SCAN characters are read and MAX_TOKENS produced.
 */
import { isDigit, isHexDigit, isOperatorChar, isSqlSpace, isWordChar, isZeroWidth } from "./chars.js";
import { funcKind, WordClass, wordClass } from "./keywords.js";

export enum Tk {
  Str = 1,
  Num = 2,
  Word = 3,
  Var = 4,
  Ident = 5,
  LParen = 6,
  RParen = 7,
  Comma = 8,
  Semi = 9,
  Dot = 10,
  Op = 11,
  Comment = 12,
  Other = 13,
}

/** Token flags. */
export const F_OPEN = 1; // string or comment not terminated before the end of the value
export const F_CALL = 2; // word directly followed by `(`: a function call
export const F_BREAK = 4; // the string the application opened, closed by the payload
export const F_LINE = 8; // `--` or `#` comment (runs to the end of the line)
export const F_GLUED = 16; // word rebuilt across an inline comment (`UN/**/ION`)
export const F_SYSVAR = 32; // `@@name`
export const F_TIGHT = 64; // break after one word-like token (`admin'`, `1'`) or at the very start
export const F_SPACED = 128; // break quote preceded by a space: an opening quote in prose
export const F_HEX = 512; // 0x… number (hex-encoded strings in payloads)
export const F_EXEC = 1024; // read inside a MySQL `/*! … */` executable comment
export const F_HASH = 256; // `#` comment (MySQL), also URL fragments, colours, hashtags

export interface Token {
  kind: Tk;
  start: number;
  end: number;
  /** Lower-case text for words, variables and operators; "" otherwise. */
  text: string;
  /** Word class (keywords.ts) for words. */
  wc: WordClass;
  flags: number;
}

export const MAX_TOKENS = 192;
export const MAX_SCAN = 4096;

/** Starting context: bare (0), or inside a string opened with `'` (39) or `"` (34). */
export type StartQuote = 0 | 34 | 39;

/**
 * Tokenizes `s` from the given context. Returns null when the context does not apply
 * (a quoted context whose quote never closes: the whole value stays a string literal).
 */
export function tokenize(s: string, startQuote: StartQuote): Token[] | null {
  const n = Math.min(s.length, MAX_SCAN);
  const out: Token[] = [];
  let i = 0;
  if (startQuote !== 0) {
    // No backslash escape for the break: only MySQL honours it, and SQLite, PostgreSQL,
    // SQL Server and Oracle see `\'` as a backslash followed by a closing quote.
    const end = scanStringBody(s, 0, n, startQuote, false);
    if (end < 0) return null;
    out.push(tok(Tk.Str, 0, end + 1, "", F_BREAK | breakShape(s, end)));
    i = end + 1;
  }
  let execDepth = 0;
  let arrayDepth = 0;
  let marked = 0;
  while (i < n && out.length < MAX_TOKENS) {
    if (execDepth > 0 && marked < out.length) markExec(out, marked);
    marked = out.length;
    const c = s.charCodeAt(i);
    if (isSqlSpace(c)) {
      i++;
      continue;
    }
    // Quoted strings.
    if (c === 39 || c === 34) {
      const end = scanStringBody(s, i + 1, n, c, true);
      if (end < 0) {
        out.push(tok(Tk.Str, i, n, "", F_OPEN));
        i = n;
      } else {
        out.push(tok(Tk.Str, i, end + 1, "", 0));
        i = end + 1;
      }
      continue;
    }
    if (c === 96 /* ` */) {
      const end = s.indexOf("`", i + 1);
      const e = end < 0 || end >= n ? n : end + 1;
      out.push(tok(Tk.Ident, i, e, "", end < 0 ? F_OPEN : 0));
      i = e;
      continue;
    }
    // PostgreSQL `ARRAY[…]` constructor: its brackets group like parentheses.
    if (
      c === 91 /* [ */ &&
      out.length > 0 &&
      out[out.length - 1]!.kind === Tk.Word &&
      out[out.length - 1]!.text === "array"
    ) {
      out.push(tok(Tk.LParen, i, i + 1, "[", 0));
      arrayDepth++;
      i++;
      continue;
    }
    if (c === 93 /* ] */ && arrayDepth > 0) {
      out.push(tok(Tk.RParen, i, i + 1, "]", 0));
      arrayDepth--;
      i++;
      continue;
    }
    if (c === 91 /* [ */) {
      const e = scanBracketIdent(s, i, n);
      if (e > 0) {
        out.push(tok(Tk.Ident, i, e, "", 0));
        i = e;
        continue;
      }
      out.push(tok(Tk.Other, i, i + 1, "[", 0));
      i++;
      continue;
    }
    // Comments.
    if (c === 35 /* # */ || (c === 45 && s.charCodeAt(i + 1) === 45)) {
      const e = lineEnd(s, i, n);
      out.push(tok(Tk.Comment, i, e, "", c === 35 ? F_LINE | F_HASH : F_LINE));
      i = e;
      continue;
    }
    if (c === 47 && s.charCodeAt(i + 1) === 42 /* /* */) {
      if (s.charCodeAt(i + 2) === 33 /* ! */) {
        // MySQL executable comment: the body is code; skip the optional version number.
        i += 3;
        let d = 0;
        while (i < n && d < 6 && isDigit(s.charCodeAt(i))) {
          i++;
          d++;
        }
        execDepth++;
        continue;
      }
      const close = s.indexOf("*/", i + 2);
      const e = close < 0 || close + 2 > n ? n : close + 2;
      out.push(tok(Tk.Comment, i, e, "", close < 0 ? F_OPEN : 0));
      i = e;
      continue;
    }
    if (c === 42 && s.charCodeAt(i + 1) === 47 && execDepth > 0) {
      execDepth--;
      i += 2;
      continue;
    }
    // Numbers.
    if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
      const e = scanNumber(s, i, n);
      const hex = c === 48 && (s.charCodeAt(i + 1) | 0x20) === 120 && e > i + 2;
      out.push(tok(Tk.Num, i, e, "", hex ? F_HEX : 0));
      i = e;
      continue;
    }
    // PostgreSQL containment `@>` before variables: @x, @@x, @'x', @"x", @`x`.
    if (c === 64 && s.charCodeAt(i + 1) === 62) {
      out.push(tok(Tk.Op, i, i + 2, "@>", 0));
      i += 2;
      continue;
    }
    if (c === 64 /* @ */) {
      let j = i + 1;
      let flags = 0;
      if (s.charCodeAt(j) === 64) {
        j++;
        flags = F_SYSVAR;
      }
      const q = s.charCodeAt(j);
      if (q === 39 || q === 34 || q === 96) {
        const end = s.indexOf(String.fromCharCode(q), j + 1);
        j = end < 0 || end >= n ? n : end + 1;
      } else {
        // MySQL user variable names may hold `.` and `$` as well (`@a.b`, `@.`), and system
        // variables a scope (`@@global.sql_mode`).
        while (j < n && (isWordChar(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
      }
      out.push(tok(Tk.Var, i, j, s.slice(i, Math.min(j, i + 64)).toLowerCase(), flags));
      i = j;
      continue;
    }
    // PostgreSQL dollar-quoted strings.
    if (c === 36 /* $ */) {
      const e = scanDollar(s, i, n);
      if (e !== 0) {
        out.push(tok(Tk.Str, i, Math.abs(e), "", e < 0 ? F_OPEN : 0));
        i = Math.abs(e);
        continue;
      }
    }
    if (isWordChar(c)) {
      i = scanWord(s, i, n, out);
      continue;
    }
    switch (c) {
      case 40:
        out.push(tok(Tk.LParen, i, i + 1, "(", 0));
        i++;
        continue;
      case 41:
        out.push(tok(Tk.RParen, i, i + 1, ")", 0));
        i++;
        continue;
      case 44:
        out.push(tok(Tk.Comma, i, i + 1, ",", 0));
        i++;
        continue;
      case 59:
        out.push(tok(Tk.Semi, i, i + 1, ";", 0));
        i++;
        continue;
      case 46:
        out.push(tok(Tk.Dot, i, i + 1, ".", 0));
        i++;
        continue;
      default:
        break;
    }
    // PostgreSQL jsonb key operators: `?|`, `?&`, and `?` before a quoted key
    // (`'{"a":1}' ? 'a'`). A `?` anywhere else stays punctuation (prose, URLs).
    if (c === 63) {
      const d = s.charCodeAt(i + 1);
      if (d === 124 || d === 38) {
        out.push(tok(Tk.Op, i, i + 2, d === 124 ? "?|" : "?&", 0));
        i += 2;
        continue;
      }
      let j = i + 1;
      while (j < n && j - i < 8 && s.charCodeAt(j) === 32) j++;
      if (j > i + 1 && s.charCodeAt(j) === 39) {
        out.push(tok(Tk.Op, i, i + 1, "?", 0));
        i++;
        continue;
      }
      // A positional bind parameter right after an operator or a logic word (`or ?`,
      // `is not?`, `=?`): an operand, as SQLite, JDBC and ODBC read it.
      if (isBindPosition(out)) {
        out.push(tok(Tk.Var, i, i + 1, "?", 0));
        i++;
        continue;
      }
    }
    if (isOperatorChar(c)) {
      const len = operatorLength(s, i, n);
      out.push(tok(Tk.Op, i, i + len, s.slice(i, i + len), 0));
      i += len;
      continue;
    }
    out.push(tok(Tk.Other, i, i + 1, s[i] ?? "", 0));
    i++;
  }
  markCalls(s, out, n);
  return out;
}

/** The token before is an operator or a logic word: an operand is expected there. */
function isBindPosition(out: readonly Token[]): boolean {
  const p = out[out.length - 1];
  if (p === undefined) return false;
  if (p.kind === Tk.Op) return true;
  return p.kind === Tk.Word && (p.wc === WordClass.Logic || p.wc === WordClass.Not);
}

/** Marks tokens produced inside `/*! … *\/` (the caller tracks the depth). */
function markExec(out: Token[], from: number): void {
  for (let k = from; k < out.length; k++) out[k]!.flags |= F_EXEC;
}

/**
 * What stands before the quote that closes the application's string. An injected break
 * follows a single field value (`admin'`, `42'`, `a@b.c'`) or opens the value; a quote
 * after a space opens a quotation in prose (`token '<'`), and a quote after several
 * words and punctuation is usually an inch mark or an apostrophe in running text.
 */
function breakShape(s: string, quote: number): number {
  let allSpace = true;
  let tight = true;
  // Doubled quotes opening the value (`'''or 1`) stay inside the application's string:
  // the break still opens the value.
  const q = s.charCodeAt(quote);
  let from = 0;
  while (from + 1 < quote && s.charCodeAt(from) === q && s.charCodeAt(from + 1) === q) from += 2;
  for (let i = from; i < quote; i++) {
    const c = s.charCodeAt(i);
    if (isSqlSpace(c)) {
      tight = false;
      continue;
    }
    allSpace = false;
    // A doubled quote is an apostrophe inside the string (`O''Brien`): part of the word.
    if (c === q && i + 1 < quote && s.charCodeAt(i + 1) === q) {
      i++;
      continue;
    }
    if (!(isWordChar(c) || c === 64 || c === 46 || c === 45 || c === 43 || c === 58 || c === 47 || c === 92))
      tight = false;
  }
  if (allSpace) return F_TIGHT;
  // `15"` is an inch mark far more often than a break.
  if (tight && s.charCodeAt(quote) === 34 && isDigit(s.charCodeAt(quote - 1)) && isMeasure(s, quote))
    return 0;
  if (tight) return F_TIGHT;
  return isSqlSpace(s.charCodeAt(quote - 1)) ? F_SPACED : 0;
}

function isMeasure(s: string, quote: number): boolean {
  for (let i = 0; i < quote; i++) {
    const c = s.charCodeAt(i);
    if (!(isDigit(c) || c === 46 || c === 47 || c === 45 || c === 120 || c === 88)) return false;
  }
  return true;
}

function tok(kind: Tk, start: number, end: number, text: string, flags: number): Token {
  return { kind, start, end, text, wc: WordClass.Plain, flags };
}

/**
 * From `i` (just after an opening quote `q`), returns the index of the closing quote, or
 * -1. A doubled quote and a backslash-escaped character stay inside (ANSI and MySQL).
 */
function scanStringBody(s: string, i: number, n: number, q: number, backslash: boolean): number {
  let j = i;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === 92 /* \ */ && backslash) {
      j += 2;
      continue;
    }
    if (c === q) {
      if (s.charCodeAt(j + 1) === q && j + 1 < n) {
        j += 2;
        continue;
      }
      return j;
    }
    j++;
  }
  return -1;
}

function lineEnd(s: string, i: number, n: number): number {
  let j = i;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === 10 || c === 13) return j;
    j++;
  }
  return n;
}

/** `[name]` (SQL Server): short, no quotes or brackets inside. Returns end or 0. */
function scanBracketIdent(s: string, i: number, n: number): number {
  const lim = Math.min(n, i + 130);
  for (let j = i + 1; j < lim; j++) {
    const c = s.charCodeAt(j);
    if (c === 93) return j > i + 1 ? j + 1 : 0;
    // SQL Server allows nearly anything in brackets; names in practice are words,
    // spaces, dots and dashes. Anything else (`;`, `(`, quotes) is not a name.
    if (!(isWordChar(c) || c === 32 || c === 46 || c === 45)) return 0;
  }
  return 0;
}

/** Decimal (with fraction and exponent), 0x hex and 0b binary numbers. */
function scanNumber(s: string, i: number, n: number): number {
  let j = i;
  const c1 = s.charCodeAt(i + 1) | 0x20;
  if (s.charCodeAt(i) === 48 && (c1 === 120 || c1 === 98)) {
    let k = i + 2;
    if (c1 === 120) while (k < n && isHexDigit(s.charCodeAt(k))) k++;
    else while (k < n && (s.charCodeAt(k) === 48 || s.charCodeAt(k) === 49)) k++;
    if (k > i + 2) return k;
  }
  while (j < n && isDigit(s.charCodeAt(j))) j++;
  if (s.charCodeAt(j) === 46) {
    j++;
    while (j < n && isDigit(s.charCodeAt(j))) j++;
  }
  if ((s.charCodeAt(j) | 0x20) === 101 /* e */) {
    let k = j + 1;
    const sign = s.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    if (isDigit(s.charCodeAt(k))) {
      while (k < n && isDigit(s.charCodeAt(k))) k++;
      j = k;
    }
  }
  return Math.max(j, i + 1);
}

/**
 * `$$…$$` or `$tag$…$tag$`. Returns the end (negative when unterminated) or 0 when this
 * `$` does not open a dollar-quoted string.
 */
function scanDollar(s: string, i: number, n: number): number {
  let j = i + 1;
  while (j < n && j - i < 32) {
    const c = s.charCodeAt(j);
    if (c === 36) break;
    if (!(isWordChar(c) && c !== 36) || (j === i + 1 && isDigit(c))) return 0;
    j++;
  }
  if (s.charCodeAt(j) !== 36) return 0;
  const tag = s.slice(i, j + 1);
  const close = s.indexOf(tag, j + 1);
  if (close < 0 || close + tag.length > n) return -n;
  return close + tag.length;
}

/** Second characters that extend a first operator character into a two-character operator. */
function operatorLength(s: string, i: number, n: number): number {
  const a = s.charCodeAt(i);
  const b = i + 1 < n ? s.charCodeAt(i + 1) : 0;
  const c = i + 2 < n ? s.charCodeAt(i + 2) : 0;
  switch (a) {
    case 60: // <  : <=> <= <> << <@
      if (b === 61 && c === 62) return 3;
      return b === 61 || b === 62 || b === 60 || b === 64 ? 2 : 1;
    case 62: // >  : >= >>
      return b === 61 || b === 62 ? 2 : 1;
    case 33: // !  : != !< !> !~ !~*
      if (b === 126 && c === 42) return 3;
      return b === 61 || b === 60 || b === 62 || b === 126 ? 2 : 1;
    case 124: // | : || |=
    case 38: //  & : && &=
      return b === a || b === 61 ? 2 : 1;
    case 45: // -  : -> ->> -=
      if (b === 62) return c === 62 ? 3 : 2;
      return b === 61 ? 2 : 1;
    case 58: // :  : :: :=
      return b === 58 || b === 61 ? 2 : 1;
    case 126: // ~ : ~*
      return b === 42 ? 2 : 1;
    case 61: // =  : ==
      return b === 61 ? 2 : 1;
    case 43: // +=
    case 42: // *=
    case 47: // /=
    case 37: // %=
    case 94: // ^=
      return b === 61 ? 2 : 1;
    default:
      return 1;
  }
}

/** Lower-cases without allocating when the text has no upper-case letter. */
function lowerAscii(t: string): string {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 65 && c <= 90) return t.toLowerCase();
  }
  return t;
}

/** Prefixes that turn a following quoted string into one literal: N'', X'', E'', _utf8''… */
function isStringPrefix(lower: string): boolean {
  if (lower.length === 1)
    return lower === "n" || lower === "x" || lower === "b" || lower === "e" || lower === "q";
  return lower.charCodeAt(0) === 95 && lower.length <= 10; // _charset introducer
}

/** A word, glued across `/*…*\/` comments placed between word characters. */
function scanWord(s: string, i: number, n: number, out: Token[]): number {
  let j = i;
  let text = "";
  let flags = 0;
  let segStart = i;
  for (let guard = 0; guard < 16; guard++) {
    while (j < n && isWordChar(s.charCodeAt(j))) j++;
    // Inline comment or invisible characters glued to a word character on both sides:
    // join the halves when that forms a keyword.
    let next = -1;
    if (s.charCodeAt(j) === 47 && s.charCodeAt(j + 1) === 42 && s.charCodeAt(j + 2) !== 33) {
      const close = s.indexOf("*/", j + 2);
      if (close > 0) next = close + 2;
    } else if (isZeroWidth(s.charCodeAt(j))) {
      next = j + 1;
      while (next < n && next - j < 8 && isZeroWidth(s.charCodeAt(next))) next++;
    } else {
      next = arrayJoinSeparator(s, j, n);
    }
    if (
      next > 0 &&
      next < n &&
      isWordChar(s.charCodeAt(next)) &&
      gluesIntoKeyword(s, text, segStart, j, next, n)
    ) {
      text += s.slice(segStart, j);
      j = next;
      segStart = j;
      flags |= F_GLUED;
      continue;
    }
    break;
  }
  // Keywords are at most 24 characters: longer words keep a truncated text, never match.
  text += s.slice(segStart, Math.min(j, segStart + 64));
  const lower = text.length <= 32 ? lowerAscii(text) : text.slice(0, 32);
  // PostgreSQL Unicode escapes: `U&'d\0061t'` is a string, `U&"d\0061t"` a name.
  if (lower === "u" && s.charCodeAt(j) === 38) {
    const uq = s.charCodeAt(j + 1);
    if (uq === 39 || uq === 34) {
      const end = scanStringBody(s, j + 2, n, uq, false);
      const e = end < 0 ? n : end + 1;
      out.push(tok(uq === 39 ? Tk.Str : Tk.Ident, i, e, "", end < 0 ? F_OPEN : 0));
      return e;
    }
  }
  const q = s.charCodeAt(j);
  if ((q === 39 || q === 34) && isStringPrefix(lower)) {
    const end = scanStringBody(s, j + 1, n, q, true);
    const e = end < 0 ? n : end + 1;
    out.push(tok(lower === "x" || lower === "b" ? Tk.Num : Tk.Str, i, e, "", end < 0 ? F_OPEN : 0));
    return e;
  }
  const t = tok(Tk.Word, i, j, lower, flags);
  t.wc = lower.length <= 24 ? wordClass(lower) : WordClass.Plain;
  out.push(t);
  return j;
}

/**
 * `un","ion` / `un\",\"ion`: a keyword split into array elements that the application
 * joins back (`["un","ion"].join("")`). Returns the index after the separator, or -1.
 */
function arrayJoinSeparator(s: string, j: number, n: number): number {
  let k = j;
  if (s.charCodeAt(k) === 92) k++;
  const q = s.charCodeAt(k);
  if (q !== 34 && q !== 39) return -1;
  k++;
  if (s.charCodeAt(k) !== 44) return -1;
  k++;
  if (s.charCodeAt(k) === 92) k++;
  if (s.charCodeAt(k) !== q || k >= n) return -1;
  return k + 1;
}

/**
 * `UN/**\/ION` only means UNION to a filter or application that strips comments; to
 * the database it is two names. Join the halves only when that forms an SQL keyword or
 * function name, so that `SELECT/**\/password` stays two words.
 */
function gluesIntoKeyword(
  s: string,
  before: string,
  segStart: number,
  segEnd: number,
  next: number,
  n: number,
): boolean {
  let k = next;
  while (k < n && k - next < 32 && isWordChar(s.charCodeAt(k))) k++;
  const joined = (before + s.slice(segStart, segEnd) + s.slice(next, k)).toLowerCase();
  return wordClass(joined) !== WordClass.Plain || funcKind(joined) !== 0;
}

/** Flags words followed (across spaces and comments) by `(` as calls. */
function markCalls(_s: string, out: Token[], _n: number): void {
  for (let k = 0; k + 1 < out.length; k++) {
    const t = out[k]!;
    if (t.kind !== Tk.Word) continue;
    let m = k + 1;
    while (m < out.length && out[m]!.kind === Tk.Comment && (out[m]!.flags & F_LINE) === 0) m++;
    if (out[m]?.kind === Tk.LParen) t.flags |= F_CALL;
  }
}

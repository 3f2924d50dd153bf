/**
 * The SQL-density tier: a short value that is *entirely* SQL without being a complete
 * injection — a bare function call (`cOnCaT(`, `sysdate(`), an SQL-only operator
 * (`<=>`, `IS NULL`, `11!=1`), a clause fragment (`) AS val FROM`, `ORDER BY`,
 * `case when … then`, `;truncate`), a catalogue name (`msdb`), a keyword cut by a
 * comment (`DR/**\/OP`). Such values are how scanners probe which fragments an
 * application splices into its queries; ordinary traffic never sends them whole.
 *
 * Precision comes from density, not from single words: the whole value must read as SQL
 * (no fault in the grammar, no run of prose words) AND carry a sign no prose has. Words
 * that are also English (`date(`, `order by`, `values`) only count when nothing but SQL
 * surrounds them: `Order by price`, `time (UTC)`, `log(x)` stay clean.
 */

import {
  AMBIGUOUS_FUNCTIONS,
  DDL_OBJECTS,
  FRAGMENT_CATALOG,
  FRAGMENT_MAX,
  isFragmentFunction,
  MAGIC_NUMBERS,
  OPERATOR_WORDS,
  SQL_COMPARISON_WORDS,
  SQL_ONLY_COMPARISONS,
  STACKABLE,
  WHOLE_VALUE_OPS,
} from "./fragment-vocab.js";
import { isCallWord, type Reading, read } from "./grammar.js";
import { WordClass, wordClass } from "./keywords.js";
import { isComparison, isWord, STRONG_CATALOG, type Verdict } from "./shapes.js";
import { F_GLUED, F_OPEN, F_SYSVAR, Tk, type Token } from "./tokenizer.js";

const MAX_TOKENS = 40;

/** The tier on a bare reading of `s`; null when the value is not an SQL fragment. */
export function fragment(r: Reading, s: string): Verdict | null {
  const sig = r.sig;
  if (s.length > FRAGMENT_MAX || sig.length === 0 || sig.length > MAX_TOKENS) return null;
  const v = fragmentClean(r, s, 0);
  if (v !== null) return v;
  // A stray character before the SQL (`/CREATE TABLE`, `>SET @x`) is the leftover of
  // the syntax the payload broke out of: read the rest on its own.
  // A leading `,` continues the application's own list (`, FIND_IN_SET('2', col)`).
  const f = sig[0]!;
  if (
    sig.length >= 2 &&
    (f.kind === Tk.Op || f.kind === Tk.Other || f.kind === Tk.Comma) &&
    f.end - f.start === 1
  ) {
    const w = sig[1]!;
    if (
      w.kind === Tk.Word &&
      (w.wc !== WordClass.Plain ||
        (isCallWord(w) && isFragmentFunction(w.text) && !AMBIGUOUS_FUNCTIONS.has(w.text)))
    ) {
      const rest = read(sig.slice(1));
      const v2 = fragmentClean(rest, s, 1);
      if (v2 !== null) return { sign: v2.sign, at: v2.at + 1 };
    }
  }
  return anywhereSigns(r);
}

/** Signs that stand wherever they are in a short value, even one that is not all SQL. */
function anywhereSigns(r: Reading): Verdict | null {
  const sig = r.sig;
  for (let k = 0; k < sig.length; k++) {
    const t = sig[k]!;
    if (t.kind !== Tk.Word) continue;
    // `DR/**/OP`, `UN/**/ION`: a keyword rebuilt across an inline comment is written for
    // a filter, never by a person.
    if ((t.flags & F_GLUED) !== 0 && (t.wc === WordClass.Statement || t.wc === WordClass.SetOp))
      return { sign: "comment-obfuscation", at: k };
    // Oracle's dynamic SQL.
    if ((t.text === "execute" || t.text === "exec") && isWord(sig[k + 1], "immediate"))
      return { sign: "exec", at: k };
  }
  return null;
}

/** Plain words (identifiers, prose) in sig[from, to) that are not called functions. */
function plainWords(sig: Token[], from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to && k < sig.length; k++) {
    const t = sig[k]!;
    if (t.kind === Tk.Word && t.wc === WordClass.Plain && !isCallWord(t)) n++;
  }
  return n;
}

/** The rules that need the whole reading (from sig[0]) to be SQL. `base` offsets into s. */
function fragmentClean(r: Reading, s: string, base: number): Verdict | null {
  const sig = r.sig;
  const n = sig.length;
  const hard = r.hard;
  const soft = r.soft;
  const first = sig[0]!;

  // Statement keyword glued to an inline comment: `DROP/*x*/t`, `select/**/1`.
  for (let k = 0; k + 1 < n; k++) {
    const t = sig[k]!;
    if (t.kind !== Tk.Word || !(t.wc === WordClass.Statement || t.wc === WordClass.SetOp)) continue;
    if (r.hardBefore[k] !== 0) break;
    if (
      commentBetween(s, t.end, sig[k + 1]!.start) &&
      (t.end === sig[k + 1]!.start || s.charCodeAt(t.end) === 47)
    )
      return { sign: "comment-obfuscation", at: k };
  }

  // `;drop`, `; select`, `;truncate[x`: a value that opens by ending a statement and
  // naming the next one.
  if (first.kind === Tk.Semi && base === 0) {
    const w = sig[1];
    if (w?.kind === Tk.Word && STACKABLE.has(w.text) && n <= 8 && plainWords(sig, 2, n) <= 2)
      return { sign: "stacked-query", at: 0 };
    if (isWord(w, "replace") && (hasWord(sig, "values") || hasWord(sig, "into")))
      return { sign: "stacked-query", at: 0 };
  }

  // `execute system`, `EXEC sp_who`: a procedure run by name, as the whole value.
  if (n === 2 && (first.text === "execute" || first.text === "exec") && sig[1]!.kind === Tk.Word)
    return { sign: "fragment-exec", at: 0 };

  // `SET @old_sql_notes`, `set @x:=1`: a user variable assigned.
  for (let k = 0; k + 1 < n; k++) {
    if (isWord(sig[k], "set") && sig[k + 1]!.kind === Tk.Var && r.hardBefore[k] === 0) {
      const after = sig[k + 2];
      if (after === undefined || (after.kind === Tk.Op && (after.text === "=" || after.text === ":=")))
        return { sign: "fragment-set", at: k };
    }
  }

  // A single operator or operator word as the whole value (a lone binary operator is a
  // grammar fault, so this comes before the fault check).
  if (n === 1) {
    if (base !== 0) return null;
    if (first.kind === Tk.Op && WHOLE_VALUE_OPS.has(first.text)) return { sign: "fragment-operator", at: 0 };
    if (first.kind === Tk.Word && OPERATOR_WORDS.has(first.text)) return { sign: "fragment-operator", at: 0 };
    return null;
  }

  // `FROM t GROUP BY c`, `FROM t WHERE name="x";`, `FROM \`t\` WHERE CONVERT(…`: a table,
  // then a clause that only SQL opens (prose says "from Paris where it rains", without
  // `BY` or a comparison). What follows the clause may be cut anywhere.
  if (first.text === "from" && base === 0 && (sig[1]?.kind === Tk.Word || sig[1]?.kind === Tk.Ident)) {
    const c = sig[2];
    if ((isWord(c, "group") || isWord(c, "order")) && isWord(sig[3], "by") && r.hardBefore[4] === 0)
      return { sign: "fragment-clause", at: 0 };
    const d = sig[4];
    if (
      isWord(c, "where") &&
      (sig[3]?.kind === Tk.Word || sig[3]?.kind === Tk.Ident) &&
      ((d?.kind === Tk.Op && d.text !== "-") || d?.kind === Tk.LParen) &&
      r.hardBefore[5] === 0
    )
      return { sign: "fragment-clause", at: 0 };
  }

  if (hard !== 0) return null;

  // DDL on a named object: `CREATE TABLE persons`, `drop database shop;--`.
  if (
    first.kind === Tk.Word &&
    first.wc === WordClass.Statement &&
    (first.text === "create" ||
      first.text === "drop" ||
      first.text === "alter" ||
      first.text === "truncate") &&
    n <= 8 &&
    soft === 0
  ) {
    const o = sig[1];
    if (o?.kind === Tk.Word && DDL_OBJECTS.has(o.text) && sig[2] !== undefined && sig[2].kind !== Tk.LParen)
      return { sign: "fragment-ddl", at: 0 };
    // `DROP sampletable;--`: a verb, one name, and the statement ended.
    if (
      first.text !== "create" &&
      (o?.kind === Tk.Word || o?.kind === Tk.Ident) &&
      (n === 2 || (n === 3 && sig[2]!.kind === Tk.Semi)) &&
      (r.commentAfter[n - 1] === 1 || sig[n - 1]!.kind === Tk.Semi)
    )
      return { sign: "fragment-ddl", at: 0 };
  }

  if (soft !== 0) return null;

  const fn = headCall(r, s);
  if (fn !== null) return fn;

  const op = operatorFragment(r, s);
  if (op !== null) return op;

  return clauseFragment(r);
}

function hasWord(sig: Token[], w: string): boolean {
  for (const t of sig) if (t.kind === Tk.Word && t.text === w) return true;
  return false;
}

/** `s[from, to)` holds an inline comment `/*`. */
function commentBetween(s: string, from: number, to: number): boolean {
  if (to - from < 4) return false;
  const i = s.indexOf("/*", from);
  return i !== -1 && i < to;
}

/**
 * A value that opens with a call of a known SQL function (after `(`s and an optional
 * SELECT): `cOnCaT(`, `(load_file(`, `SELECT CHAR(`, `substring(password,1,1)`.
 */
function headCall(r: Reading, _s: string): Verdict | null {
  const sig = r.sig;
  const n = sig.length;
  let f = 0;
  while (sig[f]?.kind === Tk.LParen) f++;
  let selected = false;
  if (isWord(sig[f], "select")) {
    selected = true;
    f++;
    while (sig[f]?.kind === Tk.LParen) f++;
    // `SELECT (CASE`: a CASE expression as the select list.
    if (isWord(sig[f], "case") && f > 1) return { sign: "fragment-function", at: 0 };
  }
  const t = sig[f];
  // `div(46,2)`, `div (23.5, 2)`: PostgreSQL's integer division, called on numbers only —
  // an arithmetic probe of whether the value is evaluated as SQL (`div` is otherwise
  // read as MySQL's operator).
  if (t?.kind === Tk.Word && t.text === "div" && f === 0 && sig[1]?.kind === Tk.LParen && numericArgs(sig, 2))
    return { sign: "fragment-function", at: 0 };
  if (t === undefined || t.kind !== Tk.Word || !isCallWord(t) || !isFragmentFunction(t.text)) return null;
  // Arguments: up to the matching `)`, or the end when the call is left open.
  let depth = 0;
  let close = -1;
  let argPlain = 0;
  let argSign = false;
  for (let k = f + 1; k < n; k++) {
    const a = sig[k]!;
    if (a.kind === Tk.LParen) depth++;
    else if (a.kind === Tk.RParen) {
      depth--;
      if (depth === 0) {
        close = k;
        break;
      }
    } else if (a.kind === Tk.Word) {
      if (isCallWord(a)) {
        if (isFragmentFunction(a.text) && !AMBIGUOUS_FUNCTIONS.has(a.text)) argSign = true;
      } else if (a.wc === WordClass.Plain) {
        if (STRONG_CATALOG.has(a.text)) argSign = true;
        else argPlain++;
      } else if (a.text === "select") argSign = true;
    } else if (a.kind === Tk.Var && (a.flags & F_SYSVAR) !== 0) argSign = true;
  }
  // Outside the call, nothing but SQL symbols: `concat(a,b) is useful` is prose.
  const outsidePlain = plainWords(sig, 0, f) + (close < 0 ? 0 : plainWords(sig, close + 1, n));
  if (outsidePlain !== 0) return null;
  if (selected) return { sign: "fragment-function", at: f };
  if (!AMBIGUOUS_FUNCTIONS.has(t.text)) return { sign: "fragment-function", at: f };
  // An ordinary word as a function: only an open call with nothing but SQL in it, or a
  // call holding an unmistakable SQL sign, or VALUES with a literal row.
  if (argSign) return { sign: "fragment-function", at: f };
  if (close < 0 && argPlain === 0 && f === 0) return { sign: "fragment-function", at: f };
  if (t.text === "values" && close > f + 2 && argPlain === 0 && hasComma(sig, f + 2, close))
    return { sign: "fragment-function", at: f };
  return null;
}

/** From sig[k]: numbers, signs and commas, then `)` ending the value. */
function numericArgs(sig: Token[], k: number): boolean {
  let nums = 0;
  for (let j = k; j < sig.length; j++) {
    const t = sig[j]!;
    if (t.kind === Tk.RParen) return nums >= 2 && j === sig.length - 1;
    if (t.kind === Tk.Num) nums++;
    else if (!(t.kind === Tk.Comma || (t.kind === Tk.Op && (t.text === "-" || t.text === "+")))) return false;
  }
  return false;
}

function hasComma(sig: Token[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (sig[k]!.kind === Tk.Comma) return true;
  return false;
}

function isLiteral(t: Token | undefined): boolean {
  if (t === undefined) return false;
  return t.kind === Tk.Num || t.kind === Tk.Str || (t.kind === Tk.Word && t.wc === WordClass.Literal);
}

/** Raw text of a token, for comparing two operands. */
function text(s: string, t: Token): string {
  return s.slice(t.start, Math.min(t.end, t.start + 64));
}

/**
 * Comparisons that only SQL writes: a value opening with a comparison word (`IS NULL`,
 * `in (0,1)`, `LIKE NULL`, `SOUNDS LIKE`), a comparison of two literals with an SQL-only
 * operator (`11!=1`, `42<=>42`, `'1' not regexp '2'`, `1 is not 2`), or a tautology of
 * identical literals (`1=1`, `a=1=1`, `b,1=1`), or a leading `)` closing the
 * application's parenthesis before a keyword (`) like (`, `) when 1 then`).
 */
function operatorFragment(r: Reading, s: string): Verdict | null {
  const sig = r.sig;
  const n = sig.length;
  const first = sig[0]!;
  if (plainWords(sig, 0, n) > 2) return null;
  if (first.kind === Tk.RParen) {
    const w = sig[1];
    if (w?.kind === Tk.Word && w.wc !== WordClass.Plain && plainWords(sig, 0, n) <= 1)
      return { sign: "fragment-clause", at: 1 };
  }
  if (first.kind === Tk.Word && plainWords(sig, 0, n) === 0) {
    // `IS NULL`, `is not`, `NOT NULL`, `notnull`.
    const w = first.text;
    const second = sig[1]!;
    if (w === "is" && (second.wc === WordClass.Literal || second.wc === WordClass.Not))
      return { sign: "fragment-operator", at: 0 };
    if (w === "sounds" && isWord(second, "like")) return { sign: "fragment-operator", at: 0 };
    if (
      w === "not" &&
      (SQL_COMPARISON_WORDS.has(second.text) || isWord(second, "between") || isWord(second, "null"))
    )
      return { sign: "fragment-operator", at: 0 };
    if (
      (SQL_COMPARISON_WORDS.has(w) || w === "like") &&
      (second.wc === WordClass.Literal || (second.kind === Tk.Str && (second.flags & F_OPEN) !== 0))
    )
      return { sign: "fragment-operator", at: 0 };
    // `in (0,1)`: a parenthesised list of literals.
    if (w === "in" && second.kind === Tk.LParen && n >= 5 && listOfLiterals(sig, 2))
      return { sign: "fragment-operator", at: 0 };
  }
  // `name LIKE '`: a pattern whose quote the application's own closes.
  if (n === 3 && first.kind === Tk.Word && SQL_COMPARISON_WORDS.has(sig[1]!.text)) {
    const q = sig[2]!;
    if (q.kind === Tk.Str && (q.flags & F_OPEN) !== 0 && q.end - q.start === 1)
      return { sign: "fragment-operator", at: 1 };
  }
  // `or 88`, `xor 5-`: a logic operator and one number continue the application's
  // condition (a sentence has more words).
  if (
    n <= 3 &&
    first.kind === Tk.Word &&
    (first.text === "or" || first.text === "xor" || first.text === "and") &&
    sig[1]!.kind === Tk.Num &&
    (n === 2 || sig[2]!.kind === Tk.Op)
  )
    return { sign: "tautology", at: 0 };
  // `'{"a":1}' @> '{"a":1}'`, `'[1,2]' < '$[0]'`: a JSON document in a string literal,
  // an operator, and another document or an SQL/JSON path. The JSON operators and
  // functions of the databases written out as a whole value, which the JSON-syntax WAF
  // bypasses use; a JSON API sends documents without SQL quotes around them.
  for (let k = 0; k + 2 < n; k++) {
    const a = sig[k]!;
    const op = sig[k + 1]!;
    const b = sig[k + 2]!;
    if (a.kind !== Tk.Str || b.kind !== Tk.Str || (a.flags & F_OPEN) !== 0) continue;
    if (op.kind !== Tk.Op || !(JSON_OPERATORS.has(op.text) || isComparison(op))) continue;
    if (jsonInString(s, a) && (jsonInString(s, b) || jsonPathInString(s, b)))
      return { sign: "json-operator", at: k + 1 };
  }
  // Comparisons of literals, at the start or after `x=` / `x,`.
  for (let k = 0; k + 2 < n && k < 4; k++) {
    const a = sig[k]!;
    if (!isLiteral(a)) continue;
    if (k > 0) {
      const p = sig[k - 1]!;
      if (!(p.kind === Tk.Comma || (p.kind === Tk.Op && p.text === "="))) continue;
    }
    let m = k + 1;
    let op = sig[m]!;
    let sqlOnly = false;
    let neg = false;
    if (op.kind === Tk.Word && op.wc === WordClass.Not) {
      neg = true;
      m++;
      op = sig[m] ?? op;
    }
    if (op.kind === Tk.Op) sqlOnly = SQL_ONLY_COMPARISONS.has(op.text) && !neg;
    else if (op.kind === Tk.Word) {
      if (SQL_COMPARISON_WORDS.has(op.text)) {
        sqlOnly = true;
        if (op.text === "sounds" && isWord(sig[m + 1], "like")) m++;
      } else if (op.text === "is" && !neg) {
        sqlOnly = true;
        if (sig[m + 1]?.kind === Tk.Word && sig[m + 1]!.wc === WordClass.Not) m++;
      } else continue;
    } else continue;
    const b = sig[m + 1];
    if (!isLiteral(b) || m + 2 !== n) continue;
    if (sqlOnly) return { sign: "fragment-operator", at: k + 1 };
    const eq = op.kind === Tk.Op && (op.text === "=" || op.text === "==");
    if (!eq || neg) continue;
    // `'1001'='10`: the application's closing quote completes the last string.
    if (b!.kind === Tk.Str && (b!.flags & F_OPEN) !== 0 && a.kind === Tk.Str)
      return { sign: "tautology", at: k + 1 };
    if (text(s, a) === text(s, b!)) return { sign: "tautology", at: k + 1 };
  }
  return null;
}

/** PostgreSQL's, MySQL's and SQLite's JSON operators (comparisons are added to them). */
const JSON_OPERATORS = new Set(["->", "->>", "@>", "<@", "?", "?|", "?&", "#>", "#>>", "#-", "@?", "@@"]);

/** A string token (quotes included, the last one maybe missing) holding `{…}` or `[…]`. */
function jsonInString(s: string, t: Token): boolean {
  let a = t.start + 1;
  let z = (t.flags & F_OPEN) !== 0 ? t.end : t.end - 1;
  while (a < z && isSpace(s.charCodeAt(a))) a++;
  while (z > a && isSpace(s.charCodeAt(z - 1))) z--;
  if (z - a < 2) return false;
  const o = s.charCodeAt(a);
  const c = s.charCodeAt(z - 1);
  return (o === 123 && c === 125 && s.charCodeAt(a + 1) === 34) || (o === 91 && c === 93);
}

/** A string token holding an SQL/JSON path: `$`, then `.`, `[` or the end. */
function jsonPathInString(s: string, t: Token): boolean {
  let a = t.start + 1;
  while (a < t.end && isSpace(s.charCodeAt(a))) a++;
  if (s.charCodeAt(a) !== 36) return false;
  const c = s.charCodeAt(a + 1);
  return c === 46 || c === 91 || c === s.charCodeAt(t.start) || isSpace(c) || a + 1 >= t.end;
}

/** From sig[k]: literals separated by commas up to `)` (or the end). */
function listOfLiterals(sig: Token[], k: number): boolean {
  let items = 0;
  for (let j = k; j < sig.length; j++) {
    const t = sig[j]!;
    if (t.kind === Tk.RParen) return items >= 2 && j === sig.length - 1;
    if (t.kind === Tk.Comma) continue;
    if (t.kind === Tk.Op && (t.text === "-" || t.text === "+")) continue;
    if (!isLiteral(t)) return false;
    items++;
  }
  return items >= 2;
}

/**
 * Clause fragments: `ORDER BY` / `GROUP BY` alone or with positions, `X AS name FROM`,
 * `case when … then`, `HAVING COUNT(x) > 5`, `except values(…)`, `FROM t GROUP BY c`.
 */
function clauseFragment(r: Reading): Verdict | null {
  const sig = r.sig;
  const n = sig.length;
  const first = sig[0]!;
  const plain = plainWords(sig, 0, n);
  // `ORDER BY` as the whole value, or followed only by positions and quoted names.
  if ((first.text === "order" || first.text === "group") && isWord(sig[1], "by") && plain === 0)
    return { sign: "fragment-clause", at: 0 };
  // `x AS name FROM`: an alias in a select list, with a value (not a word) before it.
  for (let k = 1; k + 2 < n; k++) {
    if (!isWord(sig[k], "as") || !isWord(sig[k + 2], "from")) continue;
    const p = sig[k - 1]!;
    const a = sig[k + 1]!;
    if (
      (p.kind === Tk.RParen || p.kind === Tk.Num || p.kind === Tk.Ident || p.kind === Tk.Str) &&
      (a.kind === Tk.Word || a.kind === Tk.Str || a.kind === Tk.Ident)
    )
      return { sign: "fragment-clause", at: k };
  }
  let f = 0;
  while (sig[f]?.kind === Tk.LParen) f++;
  const h = sig[f];
  if (h === undefined || h.kind !== Tk.Word) return null;
  // `case when … then`: the searched CASE, a pair English does not open a value with;
  // `case 1 when 2 then 3 end`: the simple CASE, with its operand and END.
  if (h.text === "case" && isWord(sig[f + 1], "when") && hasWord(sig, "then") && plain <= 3)
    return { sign: "fragment-clause", at: f };
  if (h.text === "case" && plain <= 2 && hasWord(sig, "then") && isWord(sig[n - 1], "end")) {
    for (let k = f + 2; k < n && k <= f + 6; k++)
      if (isWord(sig[k], "when")) return { sign: "fragment-clause", at: f };
  }
  // `HAVING COUNT(x) > 5`, `HAVING 1=`.
  if (h.text === "having" && f === 0) {
    const a = sig[1];
    if (a !== undefined && ((a.kind === Tk.Word && isCallWord(a)) || isLiteral(a)) && plain <= 2)
      return { sign: "fragment-clause", at: 0 };
  }
  // `except values(1,2)`, `union (select`: a set operator with a row or a subquery
  // (`union select …` is rules-anywhere's; people search for the words themselves).
  if (h.wc === WordClass.SetOp && f === 0) {
    const a = sig[1];
    if (
      (isWord(a, "values") && sig[2]?.kind === Tk.LParen) ||
      (a?.kind === Tk.LParen && isWord(sig[2], "select"))
    )
      return { sign: "fragment-clause", at: 0 };
  }
  return null;
}

/**
 * Checks on the raw value that the token reading cannot make:
 *  - a catalogue or system object name as the whole value, optionally quoted (`msdb`,
 *    `'msdasql'`);
 *  - a function name, a few punctuation characters and an open `(` as the whole value
 *    (`length||(`, `date]=(`, `IN/**\/(`): a probe of which `name(` the application lets
 *    through, written to slip past filters that want `name(` exactly;
 *  - a backtick that closes the application's quoted identifier, followed by an
 *    operator (`` `>65 ``, `` ` < 0) AND ` ``): MySQL's identifier-quote break;
 *  - a MySQL versioned comment holding a keyword (`/*!50000select`): executed by MySQL
 *    only, used to slip keywords past filters (CRS 942500);
 *  - both quote characters and nothing but SQL punctuation (`"'`): a quote probe.
 */
export function rawFragment(s: string): Verdict | null {
  const n = s.length;
  if (n <= 64) {
    let a = 0;
    let z = n;
    while (a < z && isSpace(s.charCodeAt(a))) a++;
    while (z > a && isSpace(s.charCodeAt(z - 1))) z--;
    if (z - a < 2) return null;
    const c0 = s.charCodeAt(a);
    if (z - a <= 16 && quoteProbe(s, a, z)) return { sign: "quote-probe", at: 0 };
    if (c0 === 96) {
      const v = backtickBreak(s, a + 1, z);
      if (v !== null) return v;
    }
    if ((c0 === 39 || c0 === 34) && z - a <= 24 && quoteThenKeyword(s, a, z))
      return { sign: "string-break-keyword", at: 0 };
    if (escapedQuoteBreak(s, a, z)) return { sign: "escaped-quote-break", at: 0 };
    // Strip one pair of quotes, backticks or brackets.
    let qa = a;
    let qz = z;
    const cz = s.charCodeAt(z - 1);
    if ((c0 === 39 || c0 === 34 || c0 === 96) && cz === c0 && z - a > 2) {
      qa++;
      qz--;
    } else if (c0 === 91 && cz === 93) {
      qa++;
      qz--;
    }
    if (qz - qa <= 24 && isNameRun(s, qa, qz)) {
      const w = s.slice(qa, qz).toLowerCase();
      if (FRAGMENT_CATALOG.has(w)) return { sign: "catalog-name", at: 0 };
    }
    if (s.charCodeAt(z - 1) === 40) {
      const v = callProbe(s, a, z - 1);
      if (v !== null) return v;
    }
  }
  if (n <= 64 && danglingLogic(s)) return { sign: "dangling-logic", at: 0 };
  if (n <= FRAGMENT_MAX && endsWithOpenSubquery(s)) return { sign: "fragment-subquery", at: 0 };
  if (numberGlue(s)) return { sign: "number-glue", at: 0 };
  if (n >= 10 && n <= 23 && MAGIC_NUMBERS.has(s)) return { sign: "integer-overflow", at: 0 };
  const x = s.indexOf("/*!");
  if (x !== -1 && versionedKeyword(s, x + 3)) return { sign: "versioned-comment", at: 0 };
  return null;
}

/**
 * `1.e(`, `information_schema 1.e.tables`: MySQL reads `1.e` as the number 1 and lets it
 * touch what follows, so `1.e(ascii …` hides spaces and keywords from filters and
 * `1.e.tables` stands for `.tables` (CRS 942560). No prose or code writes a digit, `.e`
 * and `(`, or a digit, `.e.` and a name of three letters or more (`1.e.g.` has one).
 */
export function numberGlue(s: string): boolean {
  // The `.e.` form is read in values of fragment size only (see the prefilter).
  const dotForm = s.length <= FRAGMENT_MAX;
  let e = s.indexOf(".e");
  for (let n = 0; e !== -1 && n < 16; n++) {
    if (e > 0 && isDigitCode(s.charCodeAt(e - 1))) {
      const c = s.charCodeAt(e + 2);
      if (c === 40) return true;
      if (c === 46 && dotForm) {
        let k = e + 3;
        while (k < s.length && k - e < 16 && (isLetter(s.charCodeAt(k)) || s.charCodeAt(k) === 95)) k++;
        if (k - (e + 3) >= 3) return true;
      }
    }
    e = s.indexOf(".e", e + 2);
  }
  return false;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0;
}

function isLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 122;
}

function isNameRun(s: string, a: number, z: number): boolean {
  for (let i = a; i < z; i++) {
    const c = s.charCodeAt(i);
    if (!(isLetter(c) || c === 95 || (i > a && c >= 48 && c <= 57))) return false;
  }
  return z > a;
}

/**
 * `"'`, `'")`, `(.'"),`: a value made only of both quote characters and SQL punctuation.
 * Scanners send it first, to see which quote breaks the query (an error or a changed
 * page answers); no one types both kinds of quote and nothing else.
 */
function quoteProbe(s: string, a: number, z: number): boolean {
  let single = false;
  let double = false;
  for (let i = a; i < z; i++) {
    const c = s.charCodeAt(i);
    if (c === 39) single = true;
    else if (c === 34) double = true;
    else if (!(c === 40 || c === 41 || c === 44 || c === 46 || c === 59 || c === 92 || c === 96))
      return false;
  }
  return single && double;
}

/**
 * The whole value (spaces trimmed, at most 64 characters) is a known function name, a
 * few punctuation characters and an open `(`: what `rawFragment` reports as a probe.
 */
export function wholeValueCallProbe(s: string): boolean {
  if (s.length > 64) return false;
  let z = s.length;
  while (z > 0 && isSpace(s.charCodeAt(z - 1))) z--;
  if (z < 2 || s.charCodeAt(z - 1) !== 40) return false;
  let a = 0;
  while (a < z && isSpace(s.charCodeAt(a))) a++;
  return z - a >= 2 && callProbe(s, a, z - 1) !== null;
}

/** `name` + at most 5 punctuation characters + the final `(` (at index `paren`). */
function callProbe(s: string, a: number, paren: number): Verdict | null {
  let i = a;
  // Names may hold digits after their first letter (`md5(`, `sha2(`).
  while (
    i < paren &&
    (isLetter(s.charCodeAt(i)) || s.charCodeAt(i) === 95 || (i > a && isDigitCode(s.charCodeAt(i))))
  )
    i++;
  if (i - a < 2 || i - a > 24) return null;
  const name = s.slice(a, i).toLowerCase();
  if (!isFragmentFunction(name)) return null;
  if (paren - i > 6) return null;
  for (let k = i; k < paren; k++) {
    const c = s.charCodeAt(k);
    if (isLetter(c) || (c >= 48 && c <= 57) || c > 126) return null;
  }
  return { sign: "fragment-function", at: 0 };
}

/**
 * `/3 or `, `name AND `, `3 and(`: one operand, then OR/AND/XOR left dangling with a
 * space or `(` after it, for the application's own text to complete the condition
 * (chained injection). A person does not end a field with "or ".
 */
export function danglingLogic(s: string): boolean {
  let z = s.length;
  const last = s.charCodeAt(z - 1);
  if (last !== 32 && last !== 40) return false;
  while (z > 0 && (s.charCodeAt(z - 1) === 32 || s.charCodeAt(z - 1) === 40)) z--;
  let w = z;
  while (w > 0 && isLetter(s.charCodeAt(w - 1))) w--;
  const len = z - w;
  if (len < 2 || len > 3) return false;
  const word = s.slice(w, z).toLowerCase();
  if (word !== "or" && word !== "and" && word !== "xor") return false;
  // Before the word: a space, then one operand with no space in it.
  if (w < 2 || s.charCodeAt(w - 1) !== 32) return false;
  let b = w - 1;
  while (b > 0 && s.charCodeAt(b - 1) === 32) b--;
  if (b === 0) return false;
  // The operand is not a plain word or number, which search-as-you-type sends with a
  // trailing space ("black or ", "5 or "): it holds code punctuation or mixes letters
  // and digits; a bare number counts only before `(`.
  let letters = false;
  let digits = false;
  let punct = false;
  for (let i = 0; i < b; i++) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) return false;
    if (isLetter(c)) letters = true;
    else if (c >= 48 && c <= 57) digits = true;
    else if (c === 47 || c === 95 || c === 39 || c === 34 || c === 41 || c === 61) punct = true;
  }
  return punct || (letters && digits) || (digits && last === 40);
}

/** The value ends by opening a subquery: `…=(select`, `( SELECT`. */
function endsWithOpenSubquery(s: string): boolean {
  let z = s.length;
  while (z > 0 && isSpace(s.charCodeAt(z - 1))) z--;
  if (z < 7 || s.slice(z - 6, z).toLowerCase() !== "select") return false;
  let i = z - 7;
  while (i >= 0 && isSpace(s.charCodeAt(i))) i--;
  return i >= 0 && s.charCodeAt(i) === 40;
}

/** Keywords that, right after a quote that opens the value, break out of the string. */
const BREAK_KEYWORDS = new Set([
  "union",
  "alter",
  "drop",
  "select",
  "insert",
  "update",
  "delete",
  "truncate",
  "exec",
  "or",
  "xor",
  "and",
]);

/**
 * `'UNION A`, `" alter/`, `' or abc!`: a short value opening with a quote (the break),
 * then a keyword that continues the query outside the string, and no second quote of
 * the same kind (which would make the first one a quotation: `"Union Pacific"`).
 * The break may be a run of up to three quotes (`'''or 1`): doubled quotes stay inside
 * the application's string, the odd one closes it.
 */
function quoteThenKeyword(s: string, a: number, z: number): boolean {
  const q = s.charCodeAt(a);
  let b = a + 1;
  while (b < z && b - a < 3 && s.charCodeAt(b) === q) b++;
  if (s.indexOf(q === 39 ? "'" : '"', b) !== -1) return false;
  let i = b;
  while (i < z && s.charCodeAt(i) === 32) i++;
  let j = i;
  while (j < z && isLetter(s.charCodeAt(j))) j++;
  if (j - i < 2 || j - i > 8) return false;
  if (!BREAK_KEYWORDS.has(s.slice(i, j).toLowerCase())) return false;
  // The keyword ends the value or is followed by a space or an operator, not more letters
  // or an apostrophe-like continuation.
  if (j === z) return j - i > 3;
  const c = s.charCodeAt(j);
  return c === 32 || c === 47 || c === 40;
}

/**
 * `\'and`, `x\' or 1`: a backslash before the quote, then a logic word that ends the
 * value or is followed by one literal only. Written for applications that escape a quote
 * by doubling it: `\'` becomes `\''`, MySQL reads `\'` as an escaped quote and the added
 * one closes the string. In text that escapes its apostrophes for a program, `\'` is
 * followed by more of a word (`it\'s`) or by prose, not by `and` and the end of the value.
 */
function escapedQuoteBreak(s: string, a: number, z: number): boolean {
  let x = s.indexOf("\\", a);
  for (let count = 0; x !== -1 && x + 1 < z && count < 4; count++) {
    const q = s.charCodeAt(x + 1);
    if ((q === 39 || q === 34) && logicThenLiteral(s, x + 2, z)) return true;
    x = s.indexOf("\\", x + 2);
  }
  return false;
}

/** From `i` to `z`: spaces, `and`/`or`/`xor`, then nothing, or spaces and one literal. */
function logicThenLiteral(s: string, i: number, z: number): boolean {
  while (i < z && isSpace(s.charCodeAt(i))) i++;
  let j = i;
  while (j < z && isLetter(s.charCodeAt(j))) j++;
  const w = s.slice(i, j).toLowerCase();
  if (w !== "and" && w !== "or" && w !== "xor") return false;
  if (j === z) return true;
  if (!isSpace(s.charCodeAt(j))) return false;
  while (j < z && isSpace(s.charCodeAt(j))) j++;
  let k = j;
  while (k < z && isDigitCode(s.charCodeAt(k))) k++;
  if (k === j) {
    while (k < z && isLetter(s.charCodeAt(k))) k++;
    const lit = s.slice(j, k).toLowerCase();
    if (lit !== "true" && lit !== "false" && lit !== "null") return false;
  }
  return k === z;
}

/** After an opening backtick: spaces, then an operator or a logic/comparison word. */
function backtickBreak(s: string, from: number, z: number): Verdict | null {
  let i = from;
  while (i < z && s.charCodeAt(i) === 32) i++;
  const c = s.charCodeAt(i);
  if (c === 60 || c === 62 || c === 61 || c === 33 || c === 124 || c === 38 || c === 94) {
    // The rest is short and has no second backtick before the operator: `` `>65 ``.
    if (i < z - 1) return { sign: "fragment-break", at: 0 };
    return null;
  }
  let j = i;
  while (j < z && isLetter(s.charCodeAt(j))) j++;
  if (j - i >= 2 && j - i <= 7) {
    const w = s.slice(i, j).toLowerCase();
    if (OPERATOR_WORDS.has(w) || SQL_COMPARISON_WORDS.has(w) || w === "or" || w === "and")
      return { sign: "fragment-break", at: 0 };
  }
  return null;
}

/** `/*!` then an optional version number, optional spaces/`+`, then an SQL keyword. */
function versionedKeyword(s: string, from: number): boolean {
  let i = from;
  let digits = 0;
  while (i < s.length && digits < 6 && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
    i++;
    digits++;
  }
  let j = i;
  while (j < s.length && j - i < 3 && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 43)) j++;
  // Without a version number the keyword must touch the `!`: `/*! For license…` is a
  // JavaScript bundle's banner.
  if (digits === 0 && j !== i) return false;
  let k = j;
  while (k < s.length && k - j < 12 && isLetter(s.charCodeAt(k))) k++;
  if (k - j < 2) return false;
  const wc = wordClass(s.slice(j, k).toLowerCase());
  if (digits >= 4) return wc !== WordClass.Plain;
  return wc === WordClass.Statement || wc === WordClass.SetOp;
}

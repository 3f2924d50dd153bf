/**
 * Signs at the start of a value spliced into a query without quotes (a number, a name,
 * a fragment of SQL): boolean conditions after a leading operand, appended clauses,
 * PostgreSQL casts, catalog names, whole statements and subqueries.
 */
import { isCallWord, type Reading } from "./grammar.js";
import { CORE_STATEMENTS, WordClass } from "./keywords.js";
import {
  attackFlavour,
  COMPARISON_WORDS,
  clauseIsSql,
  firstCondition,
  hasCondition,
  isComparison,
  isLogic,
  isWord,
  STRONG_CATALOG,
  selectListIsSql,
  skipSelectPrefix,
  statementIsSql,
  strongTail,
  tailClean,
  type Verdict,
} from "./shapes.js";
import { F_OPEN, F_SYSVAR, Tk, type Token } from "./tokenizer.js";

/** Signs at the start of a value placed bare (a number or a name) into the query. */
export function bare(r: Reading): Verdict | null {
  const sig = r.sig;
  const first = sig[0]!;
  // A value that opens with a logic operator continues the application's condition:
  // `OR 1=1`, `AND (7319=8742)`, `|| x == '…`.
  if (isLogic(first)) {
    // `and 1=1'`, `or 2>1"`: a lone quote after the condition provokes an error (an
    // error-based probe); the condition before it is what is read.
    const end = strayQuoteAtEnd(r) ? sig.length - 1 : sig.length;
    if (
      r.hardBefore[end] === 0 &&
      r.softBefore[end] === 0 &&
      end >= 2 &&
      (hasCondition(r, 1) || r.commentAfter[end - 1] !== 0)
    )
      return { sign: "tautology", at: 0 };
    if (firstCondition(r, 1, true) && strongTail(r, 1)) return { sign: "tautology", at: 0 };
    return null;
  }
  // `@@version`, `@@datadir--`: a system variable as the whole value (a numeric context
  // made to print the server's settings). Their names are words; `@@88e9…` is an id.
  if (
    sig.length === 1 &&
    !r.leadingComment &&
    first.kind === Tk.Var &&
    (first.flags & F_SYSVAR) !== 0 &&
    SYSVAR_NAME.test(first.text)
  )
    return { sign: "system-variable", at: 0 };
  // PostgreSQL error-based: a value cast to a type it cannot hold leaks it in the error
  // (`password::int`, `(select …)::text`).
  const cast = castAt(r);
  if (cast >= 0) return { sign: "pg-cast", at: cast };
  // Catalog objects named on their own or as the start of a qualified name.
  if (first.kind === Tk.Word && r.hard === 0 && r.soft === 0) {
    if (STRONG_CATALOG.has(first.text)) return { sign: "catalog", at: 0 };
    if (first.text === "mysql" && sig[1]?.kind === Tk.Dot && (isWord(sig[2], "user") || isWord(sig[2], "db")))
      return { sign: "catalog", at: 0 };
  }
  // Leading expression: operands, arithmetic, parentheses, calls, lists — up to the
  // first logic operator or clause word, with no fault.
  let j = 0;
  let numericLead = false;
  for (; j < sig.length; j++) {
    const t = sig[j]!;
    if (isLogic(t)) break;
    if (
      t.kind === Tk.Word &&
      t.wc !== WordClass.Plain &&
      t.wc !== WordClass.Literal &&
      !isCallWord(t) &&
      t.text !== "binary"
    )
      break;
    if (t.kind === Tk.Num || t.kind === Tk.Str || t.kind === Tk.Var) numericLead = true;
  }
  if (j === 0 || r.hardBefore[j] !== 0 || r.softBefore[j] !== 0) return null;
  // `title="sql" && product="wp"`: a value that is itself a filter expression (a search
  // DSL) starts with a comparison of a name; an injected condition follows a value.
  let filterExpr = first.kind === Tk.Word && first.wc === WordClass.Plain;
  if (filterExpr) {
    filterExpr = false;
    for (let m = 1; m < j; m++) if (isComparison(sig[m])) filterExpr = true;
  }
  const t = sig[j];
  if (t === undefined) return bareCommentTruncation(r);
  if (isLogic(t) || (t.kind === Tk.Word && COMPARISON_WORDS.has(t.text))) {
    if (filterExpr)
      return strongTail(r, j + 1) && firstCondition(r, j + 1, numericLead)
        ? { sign: "tautology", at: j }
        : null;
    if (firstCondition(r, j + 1, numericLead) && (tailClean(r, j + 1) || strongTail(r, j + 1)))
      return { sign: "tautology", at: j };
    if (numericLead && tailClean(r, j + 1) && r.commentAfter[sig.length - 1] !== 0)
      return { sign: "tautology", at: j };
    // `1='1' or-- -`: a comparison, then the logic word cut off by a comment (the
    // condition the application appends is commented away).
    if (
      numericLead &&
      j + 1 === sig.length &&
      r.commentAfter[j] === 1 &&
      r.hard === 0 &&
      r.soft === 0 &&
      hasComparisonBefore(sig, j)
    )
      return { sign: "tautology", at: j };
    return null;
  }
  // `-1 union`, `2 union all/*`: a number, then a set operator that ends the value — a
  // UNION probe cut where the application's text (or an error) completes it.
  if (
    t.kind === Tk.Word &&
    t.wc === WordClass.SetOp &&
    numericLead &&
    j <= 2 &&
    r.hard === 0 &&
    (j + 1 === sig.length ||
      (j + 2 === sig.length && (isWord(sig[j + 1], "all") || isWord(sig[j + 1], "distinct"))))
  )
    return { sign: "union-cut", at: j };
  if (
    t.kind === Tk.Word &&
    t.wc === WordClass.Clause &&
    (first.kind === Tk.Num || first.kind === Tk.Op || first.kind === Tk.LParen)
  ) {
    if (clauseIsSql(r, j) && (tailClean(r, j + 1) || strongTail(r, j + 1)))
      return { sign: "clause-injection", at: j };
  }
  return null;
}

function hasComparisonBefore(sig: readonly Token[], j: number): boolean {
  for (let m = 0; m < j; m++) if (isComparison(sig[m])) return true;
  return false;
}

/** `@@` and a name of letters, `_` and `.` (`@@global.sql_mode`). */
const SYSVAR_NAME = /^@@[a-z_][a-z_.]{2,40}$/;

/** The value ends with a quote that opens nothing: a string token of that one character. */
function strayQuoteAtEnd(r: Reading): boolean {
  const last = r.sig[r.sig.length - 1]!;
  return last.kind === Tk.Str && (last.flags & F_OPEN) !== 0 && last.end - last.start === 1;
}

const CAST_TYPES = new Set([
  "int",
  "int2",
  "int4",
  "int8",
  "integer",
  "bigint",
  "smallint",
  "numeric",
  "decimal",
  "real",
  "float",
  "float4",
  "float8",
  "double",
  "text",
  "varchar",
  "bool",
  "boolean",
  "json",
  "jsonb",
  "xml",
  "regclass",
  "oid",
  "bytea",
]);

/** Index of a `::type` cast applied to an operand, in a value that is SQL up to it, or -1. */
function castAt(r: Reading): number {
  const sig = r.sig;
  for (let m = 1; m + 1 < sig.length && m < 64; m++) {
    const t = sig[m]!;
    if (t.kind !== Tk.Op || t.text !== "::") continue;
    const a = sig[m + 1]!;
    const p = sig[m - 1]!;
    if (a.kind !== Tk.Word || !CAST_TYPES.has(a.text)) continue;
    if (!(p.kind === Tk.Word || p.kind === Tk.RParen || p.kind === Tk.Str || p.kind === Tk.Ident)) continue;
    if (r.hardBefore[m + 2] === 0 && r.softBefore[m + 2] === 0) return m;
    // `overlay(password placing '' from 1)::int`, `jsonb_pretty(…)::jsonb)::int`: a
    // call's result cast at the very end of a value that opens with the call. What is
    // inside the call may use syntax the grammar does not know (PostgreSQL's keyword
    // arguments); the cast of a call result to a type at the end is PostgreSQL alone.
    // A condition may follow the cast (`…)::int and id=1`), clean to the end.
    if (
      p.kind === Tk.RParen &&
      (m + 2 === sig.length ||
        (isLogic(sig[m + 2]) &&
          r.hard === r.hardBefore[m + 2] &&
          r.soft === r.softBefore[m + 2] &&
          !r.dangling &&
          hasCondition(r, m + 3))) &&
      sig[0]!.kind === Tk.Word &&
      isCallWord(sig[0]!) &&
      m < 40
    )
      return m;
  }
  return -1;
}

/**
 * A bare expression cut off by a comment: `( 1 OR 1 ) --`, `-1 /*`. The whole value
 * must read as SQL and hold more than words (prose signs off with `--` too).
 */
function bareCommentTruncation(r: Reading): Verdict | null {
  const sig = r.sig;
  // `#` is left out: URL fragments, colours and hashtags end values with it.
  if (r.hard !== 0 || r.soft !== 0 || r.commentAfter[sig.length - 1] !== 1 || sig.length < 2) return null;
  let shaped = false;
  for (const t of sig) {
    if (t.kind === Tk.LParen || t.kind === Tk.Var || isLogic(t) || t.wc === WordClass.Literal) shaped = true;
  }
  return shaped ? { sign: "comment-truncation", at: sig.length - 1 } : null;
}

/** Statements that may be reported when they make up a whole value. */
const WHOLE_STATEMENTS = new Set([...CORE_STATEMENTS, "if"]);

/**
 * A whole statement as the value: `SELECT … FROM …`, `(SELECT …)`, `DROP TABLE …`. The
 * whole value must read as SQL (a statement followed by prose is a forum post quoting
 * SQL); identifiers after names (aliases) are accepted only when the statement also
 * calls a known function or names a catalog.
 */
export function statementAtStart(r: Reading): Verdict | null {
  const sig = r.sig;
  let j = 0;
  while (sig[j]?.kind === Tk.LParen) j++;
  const t = sig[j];
  if (t?.kind !== Tk.Word) return subqueryInside(r);
  if (t.text === "from") return fromFragment(r, j);
  if (t.wc !== WordClass.Statement || !WHOLE_STATEMENTS.has(t.text)) return subqueryInside(r);
  if (r.hard !== 0 || (r.soft !== 0 && !hasCondition(r, j + 1))) return null;
  if (j > 0 && t.text === "select" && selectListIsSql(r, j)) return { sign: "subquery", at: j - 1 };
  if (t.text === "if") {
    // MSSQL `IF (SELECT …) … WAITFOR`, MySQL `IF((SELECT …),1,2)`: not JavaScript's `if(x)`.
    let m = j + 1;
    if (isWord(sig[m], "not")) m++;
    if (isWord(sig[m], "exists")) m++;
    return sig[m]?.kind === Tk.LParen && isWord(sig[skipSelectPrefix(sig, m)], "select")
      ? { sign: "statement", at: j }
      : null;
  }
  if (!statementIsSql(r, j)) return null;
  if (t.text === "select") {
    // People search for and paste ordinary queries ("select 1 from a"); a select sent
    // as a value is reported when it also does what attacks do with one, or when it
    // stops at a WHERE/AND/OR left for the application's own text to complete.
    const last = sig[sig.length - 1]!;
    const dangling =
      isWord(last, "where") || isWord(last, "and") || isWord(last, "or") || isWord(last, "having");
    return dangling || attackFlavour(r, j + 1) ? { sign: "statement", at: j } : null;
  }
  return { sign: "statement", at: j };
}

/**
 * A bare value wrapping a scalar subquery, `( BINARY ( SELECT 'b') ) --`: SQL from start
 * to end with a `(SELECT` inside.
 */
function subqueryInside(r: Reading): Verdict | null {
  const sig = r.sig;
  if (r.hard !== 0 || r.soft !== 0) return null;
  for (let m = 0; m + 1 < sig.length; m++) {
    if (sig[m]!.kind === Tk.LParen && isWord(sig[m + 1], "select") && selectListIsSql(r, m + 1))
      return { sign: "subquery", at: m };
  }
  return null;
}

/**
 * A query tail as the value: `FROM (SELECT …`, `FROM information_schema.tables …`,
 * `FROM \`t\` WHERE … LIMIT`. Prose ("from Paris where it rains") has neither a
 * quoted/catalog table nor a subquery.
 */
function fromFragment(r: Reading, j: number): Verdict | null {
  const sig = r.sig;
  const a = sig[j + 1];
  if (a === undefined || r.hardBefore[Math.min(sig.length, j + 4)] !== 0) return null;
  if (a.kind === Tk.LParen && isWord(sig[skipSelectPrefix(sig, j + 1)], "select"))
    return { sign: "statement", at: j };
  if ((a.kind === Tk.Ident || (a.kind === Tk.Word && STRONG_CATALOG.has(a.text))) && sig.length > j + 2)
    return { sign: "statement", at: j };
  return null;
}

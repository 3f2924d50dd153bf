/**
 * Structural predicates over a Reading (grammar.ts) shared by the rules: what a select
 * list, a statement, a clause or a condition looks like when it is SQL rather than prose,
 * and where in the stream a function call is injected code.
 */
import { isCallWord, type Reading } from "./grammar.js";
import { FuncKind, funcKind, isCatalog, WordClass } from "./keywords.js";
import { F_BREAK, F_EXEC, F_HEX, F_SYSVAR, type StartQuote, Tk, type Token } from "./tokenizer.js";
import { STRONG_CATALOG_NAMES } from "./triggers.js";

export interface Verdict {
  /** Sign name, without the `sqli.` prefix. */
  readonly sign: string;
  /** Token index in `Reading.sig` where the sign starts. */
  readonly at: number;
}

const COMPARISON_OPS = new Set([
  "==",
  "=",
  "<",
  ">",
  "<=",
  ">=",
  "<>",
  "!=",
  "<=>",
  "!<",
  "!>",
  "^=",
  "~*",
  "!~",
  "!~*",
  "<@",
  "@>",
  // PostgreSQL jsonb: key exists, any key exists, all keys exist.
  "?",
  "?|",
  "?&",
]);

export const COMPARISON_WORDS = new Set([
  "like",
  "ilike",
  "rlike",
  "regexp",
  "similar",
  "in",
  "is",
  "between",
  "sounds",
  "glob",
]);

const LOGIC_WORDS = new Set(["and", "or", "xor", "div", "mod"]);

export function isWord(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === Tk.Word && t.text === text;
}

export function isLogic(t: Token | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === Tk.Op) return t.text === "||" || t.text === "&&";
  return t.kind === Tk.Word && t.wc === WordClass.Logic && LOGIC_WORDS.has(t.text);
}

export function isComparison(t: Token | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === Tk.Op) return COMPARISON_OPS.has(t.text);
  return t.kind === Tk.Word && COMPARISON_WORDS.has(t.text);
}

/** Any binary operator: arithmetic, bitwise, comparison, logic. */
export function isBinary(t: Token | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === Tk.Op) return t.text !== "!" && t.text !== "~";
  return t.kind === Tk.Word && (t.wc === WordClass.Logic || t.wc === WordClass.Not);
}

/** Index of the first token after `k` that is not ALL/DISTINCT/`(`. */
export function skipSelectPrefix(sig: Token[], k: number): number {
  let j = k;
  while (j < sig.length) {
    const t = sig[j]!;
    // `+` too: a space encoded once too often (`union+select`).
    if (
      t.kind === Tk.LParen ||
      isWord(t, "all") ||
      isWord(t, "distinct") ||
      isWord(t, "distinctrow") ||
      (t.kind === Tk.Op && t.text === "+")
    )
      j++;
    else break;
  }
  return j;
}

/**
 * After SELECT at `k`: does the select list look like SQL rather than English?
 * (`SELECT 1,2`, `SELECT *`, `SELECT user()`, `SELECT a FROM t`, `SELECT @@version`…;
 * not "select a product from the list").
 */
export function selectListIsSql(r: Reading, k: number, afterSetOp = false): boolean {
  const sig = r.sig;
  let j = k + 1;
  while (
    j < sig.length &&
    (isWord(sig[j], "all") ||
      isWord(sig[j], "distinct") ||
      isWord(sig[j], "distinctrow") ||
      isWord(sig[j], "top"))
  )
    j++;
  const a = sig[j];
  // `… UNION SELECT` cut at the end still announces the technique.
  if (a === undefined) return r.commentAfter[k] !== 0 || afterSetOp;
  if (
    a.kind === Tk.Num ||
    a.kind === Tk.Str ||
    a.kind === Tk.Var ||
    a.kind === Tk.LParen ||
    a.kind === Tk.Ident
  )
    return true;
  if (a.kind === Tk.Op) return a.text === "*" || a.text === "-" || a.text === "~" || a.text === "!";
  if (a.kind !== Tk.Word) return false;
  if (a.wc === WordClass.Literal || isCallWord(a) || a.wc === WordClass.Clause) return true;
  // Injected column names are ASCII; "select 关键字怎么用" is a search for the phrase.
  if (!isAsciiText(a.text)) return false;
  const b = sig[j + 1];
  // `… UNION ALL SELECT CONCAT`: cut right after a function name.
  if (b === undefined) return r.commentAfter[j] !== 0 || (afterSetOp && funcKind(a.text) !== 0);
  if (r.commentAfter[j] !== 0) return true;
  if (
    b.kind === Tk.Comma ||
    b.kind === Tk.Dot ||
    b.kind === Tk.RParen ||
    b.kind === Tk.Semi ||
    b.kind === Tk.Ident
  )
    return true;
  if (b.kind === Tk.Op) return b.text !== "&";
  // `SELECT table_name AS t FROM …`: a column given an alias, then what ends a select
  // list item ("select best as of today" goes on with prose).
  if (isWord(b, "as")) {
    const c = sig[j + 2];
    const d = sig[j + 3];
    return (
      c !== undefined &&
      (c.kind === Tk.Word || c.kind === Tk.Str || c.kind === Tk.Ident) &&
      (d === undefined ||
        r.commentAfter[j + 2] !== 0 ||
        d.kind === Tk.Comma ||
        d.kind === Tk.RParen ||
        d.kind === Tk.Semi ||
        isWord(d, "from") ||
        d.wc === WordClass.SetOp)
    );
  }
  if (
    b.kind === Tk.Word &&
    (b.text === "group" || b.text === "order" || b.text === "having" || b.text === "limit")
  )
    return (
      sig[j + 2] !== undefined && (b.text !== "group" && b.text !== "order" ? true : isWord(sig[j + 2], "by"))
    );
  if (b.kind === Tk.Word && (b.text === "from" || b.text === "into" || b.wc === WordClass.SetOp)) {
    // "select X from Y": Y must be a name followed by SQL or nothing, not more prose.
    const c = sig[j + 2];
    const d = sig[j + 3];
    if (c === undefined) return afterSetOp;
    if (c.kind === Tk.Ident || c.kind === Tk.LParen) return true;
    if (c.kind === Tk.Word && isCatalog(c.text)) return true;
    return d === undefined || d.kind !== Tk.Word || d.wc !== WordClass.Plain;
  }
  return false;
}

/**
 * The select list after sig[k] (up to FROM, `;`, a comment or the end) is SQL: no hard
 * fault in it. "union select 关键字怎么用,ig:3BE6…" (a search for the phrase) is not.
 */
export function listClean(r: Reading, k: number): boolean {
  const sig = r.sig;
  let m = k + 1;
  while (m < sig.length && m - k < 48) {
    const t = sig[m]!;
    if (r.commentAfter[m] !== 0 || t.kind === Tk.Semi || isWord(t, "from") || t.wc === WordClass.SetOp) {
      m++;
      break;
    }
    m++;
  }
  return r.hardBefore[m] === r.hardBefore[k + 1];
}

function isAsciiText(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/** Is the statement starting at `k` (a Statement word) shaped like SQL? */
export function statementIsSql(r: Reading, k: number): boolean {
  const sig = r.sig;
  const t = sig[k]!;
  const a = sig[k + 1];
  switch (t.text) {
    case "select":
      return selectListIsSql(r, k);
    case "drop":
    case "create":
    case "alter":
    case "truncate":
    case "rename":
      return (
        a?.kind === Tk.Word &&
        /* object kinds these statements take */ [
          "table",
          "database",
          "schema",
          "procedure",
          "function",
          "user",
          "view",
          "index",
          "trigger",
          "login",
          "column",
          "temporary",
          "or",
          "definer",
        ].includes(a.text)
      );
    case "insert":
      return isWord(a, "into") || a?.kind === Tk.Ident;
    case "update":
      return (a?.kind === Tk.Word || a?.kind === Tk.Ident) && isWord(sig[k + 2], "set");
    case "delete":
      return isWord(a, "from") && sig[k + 2] !== undefined;
    case "exec":
    case "execute":
      return (
        a !== undefined &&
        (a.kind === Tk.Ident ||
          a.kind === Tk.Var ||
          a.kind === Tk.LParen ||
          (a.kind === Tk.Word &&
            (funcKind(a.text) === FuncKind.Exec ||
              a.text.startsWith("sp_") ||
              a.text.startsWith("xp_") ||
              a.text === "master" ||
              a.text === "immediate")))
      );
    case "declare":
    case "set":
      return a?.kind === Tk.Var;
    case "shutdown":
      return a === undefined || a.kind === Tk.Semi || isWord(a, "with");
    case "waitfor":
      return isWord(a, "delay") || isWord(a, "time");
    case "load":
      return isWord(a, "data") || isWord(a, "xml") || isWord(a, "file");
    case "if":
      return a?.kind === Tk.LParen || isWord(a, "exists") || isWord(a, "not") || a?.kind === Tk.Var;
    case "begin":
      return isWord(a, "declare") || isWord(a, "transaction") || isWord(a, "dbms_lock");
    case "call":
      return a?.kind === Tk.Word && isCallWord(a);
    case "copy":
      return (
        (a?.kind === Tk.Word || a?.kind === Tk.LParen) &&
        (isWord(sig[k + 2], "from") || isWord(sig[k + 2], "to"))
      );
    case "grant":
    case "revoke":
      return (
        a?.kind === Tk.Word &&
        (a.text === "all" || a.text === "select" || a.text === "dba" || a.text === "execute")
      );
    case "prepare":
      return a?.kind === Tk.Word && isWord(sig[k + 2], "from");
    case "deallocate":
      return isWord(a, "prepare");
    case "handler":
      return a?.kind === Tk.Word && (isWord(sig[k + 2], "open") || isWord(sig[k + 2], "read"));
    case "attach":
      return isWord(a, "database");
    case "merge":
      return isWord(a, "into");
    case "dbcc":
    case "pragma":
      return (
        a?.kind === Tk.Word &&
        a.wc === WordClass.Plain &&
        (sig[k + 2] === undefined || sig[k + 2]!.kind !== Tk.Word)
      );
    case "kill":
      return a?.kind === Tk.Num || isWord(a, "query") || isWord(a, "connection");
    default:
      return false;
  }
}

/** The tail after sig[j] is still SQL (no fault of either kind, nothing dangling). */
export function tailClean(r: Reading, j: number): boolean {
  return r.hard === r.hardBefore[j] && r.soft === r.softBefore[j] && !r.dangling;
}

/** No fault before sig[k]; in a bare context no soft fault either. */
export function reachable(r: Reading, k: number, ctx: StartQuote): boolean {
  if (r.hardBefore[k] !== 0) return false;
  return ctx !== 0 || r.softBefore[k] === 0;
}

/**
 * Does the tail from sig[j] carry something an injected condition is made of, rather
 * than a lone word? (A literal, a comparison, a call, a subquery, a variable, a comment
 * or a string left open for the application's own closing quote.)
 */
export function hasSubstance(r: Reading, j: number): boolean {
  const sig = r.sig;
  for (let m = j; m < sig.length; m++) {
    const t = sig[m]!;
    if (r.commentAfter[m] !== 0) return true;
    switch (t.kind) {
      case Tk.Num:
      case Tk.Str:
      case Tk.Var:
      case Tk.LParen:
      case Tk.Semi:
        return true;
      case Tk.Op:
        if (COMPARISON_OPS.has(t.text)) return true;
        break;
      case Tk.Word:
        if (t.wc === WordClass.Literal || t.wc === WordClass.Statement || t.wc === WordClass.SetOp)
          return true;
        if (COMPARISON_WORDS.has(t.text)) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

/** A comparison, call, subquery or literal somewhere after j: what a condition needs. */
export function hasCondition(r: Reading, j: number): boolean {
  const sig = r.sig;
  for (let m = j; m < sig.length; m++) {
    const t = sig[m]!;
    if (isComparison(t)) return true;
    if (t.kind === Tk.Word) {
      if (t.wc === WordClass.Literal || t.wc === WordClass.Statement) return true;
      if (isCallWord(t) && funcKind(t.text) !== 0) return true;
      if (isCatalog(t.text)) return true;
    }
    if (t.kind === Tk.Var && (t.flags & F_SYSVAR) !== 0) return true;
  }
  return false;
}

/** Oracle/SQL Server packages whose members are called qualified (`dbms_lock.sleep(…)`). */
const PACKAGES = new Set([
  "dbms_lock",
  "dbms_pipe",
  "utl_inaddr",
  "utl_http",
  "ctxsys",
  "sys",
  "dbo",
  "master",
  "dbms_xmlgen",
  "drithsx",
]);

/** sig[m] is what a condition is made of (a comparison, a subquery, a known call…). */
function isConditionAt(sig: Token[], m: number, numericLead: boolean): boolean {
  const t = sig[m]!;
  const a = sig[m + 1];
  if (t.kind === Tk.Op) return COMPARISON_OPS.has(t.text);
  if (t.kind === Tk.LParen) return isWord(sig[skipSelectPrefix(sig, m)], "select");
  if (t.kind === Tk.Var) return (t.flags & F_SYSVAR) !== 0;
  if (t.kind !== Tk.Word) return false;
  if (COMPARISON_WORDS.has(t.text))
    return (
      a !== undefined &&
      (a.kind === Tk.Str ||
        a.kind === Tk.Num ||
        a.kind === Tk.LParen ||
        a.kind === Tk.Var ||
        a.wc === WordClass.Literal ||
        a.wc === WordClass.Not)
    );
  if (t.wc === WordClass.Literal) return numericLead;
  if (t.wc === WordClass.Statement) return t.text === "select";
  if (isCallWord(t)) return funcKind(t.text) !== 0;
  return isCatalog(t.text);
}

/**
 * A condition starts within the first tokens after sig[from - 1], with no fault on the
 * way to it: `1 or 1=(SELECT TOP 1 …` is SQL up to the `(SELECT`, whatever follows.
 */
export function firstCondition(r: Reading, from: number, numericLead: boolean): boolean {
  const sig = r.sig;
  const h = r.hardBefore[from];
  const s = r.softBefore[from];
  for (let m = from; m < sig.length && m - from < 12; m++) {
    if (r.hardBefore[m + 1] !== h || r.softBefore[m + 1] !== s) {
      // The condition token itself may carry the fault of what precedes (an alias).
      return (
        isConditionAt(sig, m, numericLead) &&
        r.hardBefore[m] === h &&
        r.softBefore[m] === s &&
        (sig[m]!.kind === Tk.LParen || isWord(sig[m], "select"))
      );
    }
    if (isConditionAt(sig, m, numericLead)) return true;
  }
  return false;
}

/** The tail carries SQL no prose has: a subquery, a known function, a catalog, `@@var`. */
export function strongTail(r: Reading, from: number): boolean {
  const sig = r.sig;
  for (let m = from; m < sig.length; m++) {
    const t = sig[m]!;
    if (t.kind === Tk.LParen && isWord(sig[m + 1], "select")) return true;
    if (t.kind === Tk.Var && (t.flags & F_SYSVAR) !== 0) return true;
    if (t.kind === Tk.Word && ((isCallWord(t) && funcKind(t.text) !== 0) || isCatalog(t.text))) return true;
  }
  return false;
}

/** Where a function call can be injected code: after an operator, `(`, `,`, a break… */
export function callInCodePosition(sig: Token[], k: number): boolean {
  const p = sig[k - 1];
  if (p === undefined) return true;
  if (p.kind === Tk.Dot) {
    let m = k - 2;
    if (sig[m]?.kind === Tk.Dot) m--; // master..xp_cmdshell
    const q = sig[m];
    return q !== undefined && q.kind === Tk.Word && PACKAGES.has(q.text) && callInCodePosition(sig, m);
  }
  if (p.kind === Tk.Op || p.kind === Tk.LParen || p.kind === Tk.Comma || p.kind === Tk.Semi) return true;
  if ((p.flags & F_BREAK) !== 0) return true;
  if (p.kind === Tk.Word)
    return (
      p.wc === WordClass.Logic ||
      p.wc === WordClass.Not ||
      p.wc === WordClass.Statement ||
      p.wc === WordClass.Clause
    );
  return false;
}

/**
 * A time/error function called inside SQL punctuation (`(select(sleep(5)))`,
 * `if(now()=sysdate(),sleep(9),0)`) is injected code even when what comes before it is
 * not SQL (the payload was glued to a value): the enclosing `(` must belong to SQL (a
 * known function, SELECT, an operator), not to a program's own function.
 */
export function callInSubquery(sig: Token[], k: number): boolean {
  const p = sig[k - 1];
  if (p?.kind !== Tk.LParen && p?.kind !== Tk.Comma) return false;
  let depth = 0;
  for (let m = k - 1; m >= 0 && k - m < 64; m--) {
    const t = sig[m]!;
    if (t.kind === Tk.RParen) depth++;
    else if (t.kind === Tk.LParen) {
      if (depth > 0) {
        depth--;
        continue;
      }
      const q = sig[m - 1];
      if (q === undefined) return true;
      if (q.kind === Tk.Word && isCallWord(q)) return funcKind(q.text) !== 0;
      return q.kind === Tk.Word ? q.wc !== WordClass.Plain : q.kind !== Tk.Dot;
    }
  }
  return false;
}

/** The only content of a bare value is this call: `database()`, `user(`, `sleep(5)`. */
export function isWholeValueCall(r: Reading, k: number): boolean {
  const sig = r.sig;
  if (k !== 0 || sig[1]?.kind !== Tk.LParen) return false;
  let depth = 0;
  for (let m = 1; m < sig.length; m++) {
    const t = sig[m]!;
    if (t.kind === Tk.LParen) depth++;
    else if (t.kind === Tk.RParen && --depth === 0) return m === sig.length - 1;
  }
  return true; // unclosed: the call runs to the end
}

/** A statement no prose starts with: SELECT of a time/recon function, DROP TABLE, EXEC xp_… */
export function strongStatement(r: Reading, k: number): boolean {
  const sig = r.sig;
  const t = sig[k]!;
  const a = sig[k + 1];
  switch (t.text) {
    case "select":
      return a?.kind === Tk.Word && isCallWord(a) && funcKind(a.text) >= FuncKind.Time;
    case "drop":
    case "shutdown":
    case "waitfor":
    case "declare":
    case "exec":
    case "execute":
      return r.hardBefore[Math.min(sig.length, k + 3)] === r.hardBefore[k];
    default:
      return false;
  }
}

/** ORDER BY n, GROUP BY n, HAVING…, LIMIT n: clauses appended to the application's query. */
export function clauseIsSql(r: Reading, j: number): boolean {
  const sig = r.sig;
  const t = sig[j]!;
  const a = sig[j + 1];
  switch (t.text) {
    case "order":
    case "group":
      return (
        isWord(a, "by") &&
        sig[j + 2] !== undefined &&
        (sig[j + 2]!.kind !== Tk.Word || r.commentAfter[j + 2] !== 0 || sig[j + 3] !== undefined)
      );
    case "having":
    case "where":
      return hasCondition(r, j + 1);
    case "limit":
    case "offset":
      return a?.kind === Tk.Num;
    case "into":
      return isWord(a, "outfile") || isWord(a, "dumpfile") || a?.kind === Tk.Var;
    case "procedure":
      return isWord(a, "analyse");
    case "collate":
      // A collation name: `utf8mb4_bin`, `latin1_general_ci`, SQLite's NOCASE/RTRIM/BINARY,
      // quoted or bracketed ("1 collate these documents" is prose).
      return (
        a !== undefined &&
        (a.kind === Tk.Ident ||
          a.kind === Tk.Str ||
          (a.kind === Tk.Word &&
            (a.text.indexOf("_") > 0 || a.text === "nocase" || a.text === "rtrim" || a.text === "binary")))
      );
    case "notnull":
      return true;
    default:
      return false;
  }
}

/** Catalog names that only a database (or an attacker enumerating it) would write. */
export const STRONG_CATALOG = new Set(STRONG_CATALOG_NAMES);

/**
 * What separates an injected SELECT from a pasted one: reconnaissance, delay, error or
 * command functions, catalog tables, `@@system` variables, hex-encoded strings, a set
 * operator, or a comment cutting off the rest of the query.
 */
export function attackFlavour(r: Reading, from: number): boolean {
  const sig = r.sig;
  // A comment cutting off what the application appends (not a `;`-terminated paste).
  if (r.commentAfter[sig.length - 1] !== 0 && sig[sig.length - 1]!.kind !== Tk.Semi) return true;
  // Comments used as spaces (`SELECT/**/a/**/FROM`) hide a query from filters.
  let inline = 0;
  for (let m = 0; m + 1 < sig.length; m++) if (r.commentAfter[m] !== 0) inline++;
  if (inline >= 2) return true;
  for (let m = from; m < sig.length; m++) {
    const t = sig[m]!;
    if ((t.flags & F_EXEC) !== 0) return true;
    switch (t.kind) {
      case Tk.Var:
        if ((t.flags & F_SYSVAR) !== 0) return true;
        break;
      case Tk.Num:
        if (isHexNumber(t)) return true;
        break;
      case Tk.Word:
        if (isCallWord(t) && funcKind(t.text) >= FuncKind.Time) return true;
        if (isCatalog(t.text) || t.wc === WordClass.SetOp) return true;
        break;
      case Tk.LParen:
        if (isWord(sig[m + 1], "select")) return true; // a nested subquery
        break;
      default:
        break;
    }
  }
  return false;
}

function isHexNumber(t: Token): boolean {
  return (t.flags & F_HEX) !== 0;
}

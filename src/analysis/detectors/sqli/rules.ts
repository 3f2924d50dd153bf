/**
 * Decisions on a Reading (grammar.ts): which structural sign of injection the token
 * stream carries, if any. Each rule names one technique and is guarded by the grammar:
 * the sign only counts where the stream is still SQL up to it (no hard fault, and in a
 * bare context no prose-like soft fault either), so that English containing SQL words
 * ("select a product from the list", "Union Station") does not fire.
 */
import { isCallWord, type Reading } from "./grammar.js";
import { FuncKind, funcKind, isCatalog, WordClass } from "./keywords.js";
import { STRONG_CATALOG_NAMES } from "./triggers.js";
import {
  F_BREAK,
  F_HEX,
  F_OPEN,
  F_SPACED,
  F_SYSVAR,
  F_TIGHT,
  type StartQuote,
  Tk,
  type Token,
} from "./tokenizer.js";

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
]);
const COMPARISON_WORDS = new Set([
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

function isWord(t: Token | undefined, text: string): boolean {
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
function isBinary(t: Token | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === Tk.Op) return t.text !== "!" && t.text !== "~";
  return t.kind === Tk.Word && (t.wc === WordClass.Logic || t.wc === WordClass.Not);
}

/** Index of the first token after `k` that is not ALL/DISTINCT/`(`. */
function skipSelectPrefix(sig: Token[], k: number): number {
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
function selectListIsSql(r: Reading, k: number, afterSetOp = false): boolean {
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
  if (b === undefined) return r.commentAfter[j] !== 0;
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
function listClean(r: Reading, k: number): boolean {
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
function statementIsSql(r: Reading, k: number): boolean {
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
function tailClean(r: Reading, j: number): boolean {
  return r.hard === r.hardBefore[j] && r.soft === r.softBefore[j] && !r.dangling;
}

/** No fault before sig[k]; in a bare context no soft fault either. */
function reachable(r: Reading, k: number, ctx: StartQuote): boolean {
  if (r.hardBefore[k] !== 0) return false;
  return ctx !== 0 || r.softBefore[k] === 0;
}

/**
 * Does the tail from sig[j] carry something an injected condition is made of, rather
 * than a lone word? (A literal, a comparison, a call, a subquery, a variable, a comment
 * or a string left open for the application's own closing quote.)
 */
function hasSubstance(r: Reading, j: number): boolean {
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
function hasCondition(r: Reading, j: number): boolean {
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
function firstCondition(r: Reading, from: number, numericLead: boolean): boolean {
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
        sig[m]!.kind === Tk.LParen
      );
    }
    if (isConditionAt(sig, m, numericLead)) return true;
  }
  return false;
}

/** The tail carries SQL no prose has: a subquery, a known function, a catalog, `@@var`. */
function strongTail(r: Reading, from: number): boolean {
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
function callInCodePosition(sig: Token[], k: number): boolean {
  const p = sig[k - 1];
  if (p === undefined) return true;
  if (p.kind === Tk.Dot) {
    const q = sig[k - 2];
    return q !== undefined && q.kind === Tk.Word && PACKAGES.has(q.text) && callInCodePosition(sig, k - 2);
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
function callInSubquery(sig: Token[], k: number): boolean {
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
function isWholeValueCall(r: Reading, k: number): boolean {
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
function strongStatement(r: Reading, k: number): boolean {
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

/** Signs that are injection wherever they stand, as long as the stream is SQL up to them. */
function anywhere(r: Reading, ctx: StartQuote): Verdict | null {
  const sig = r.sig;
  const n = sig.length;
  for (let k = 0; k < n; k++) {
    const t = sig[k]!;
    if (t.kind === Tk.Word) {
      if (t.wc === WordClass.SetOp) {
        const j = skipSelectPrefix(sig, k + 1);
        if (
          isWord(sig[j], "select") &&
          r.hardBefore[k]! <= 1 &&
          r.softBefore[k]! <= 2 &&
          selectListIsSql(r, j, true)
        ) {
          if (listClean(r, j)) return { sign: "union-select", at: k };
        }
        continue;
      }
      const fk = funcKind(t.text);
      if (fk === FuncKind.Exec && (isCallWord(t) || reachable(r, k, ctx)) && (k > 0 || ctx === 0)) {
        if (callInCodePosition(sig, k) || callInSubquery(sig, k)) return { sign: "exec", at: k };
      }
      if (isCallWord(t)) {
        if (fk === FuncKind.Time || fk === FuncKind.Error) {
          if (t.text === "exp" && !(sig[k + 2]?.kind === Tk.Op && sig[k + 2]!.text === "~")) continue;
          const sign = fk === FuncKind.Time ? "time-based" : "error-based";
          if (callInSubquery(sig, k)) return { sign, at: k };
          if (reachable(r, k, ctx) && callInCodePosition(sig, k) && (k > 0 || ctx === 0)) {
            if (k > 0 || isWholeValueCall(r, k) || tailClean(r, 0)) return { sign, at: k };
          }
        } else if (fk === FuncKind.Recon && ctx === 0 && isWholeValueCall(r, k)) {
          // `database()`, `user(`, `@@version`-style reconnaissance sent on its own.
          const a = sig[k + 2];
          if (a === undefined || a.kind === Tk.RParen) return { sign: "recon-call", at: k };
        }
        continue;
      }
      // A delay function named without its call (`select pg_sleep`): only names no
      // prose or program uses for anything else.
      if (
        (fk === FuncKind.Time || fk === FuncKind.Error) &&
        t.text.indexOf("_") > 0 &&
        reachable(r, k, ctx) &&
        k > 0
      ) {
        const p = sig[k - 1]!;
        if (isWord(p, "select") || isLogic(p) || (p.flags & F_BREAK) !== 0)
          return { sign: fk === FuncKind.Time ? "time-based" : "error-based", at: k };
      }
      if (
        t.text === "waitfor" &&
        (isWord(sig[k + 1], "delay") || isWord(sig[k + 1], "time")) &&
        sig[k + 2]?.kind === Tk.Str
      ) {
        if (r.hardBefore[k] === 0 || (sig[k - 1]?.flags ?? 0) & F_BREAK) return { sign: "time-based", at: k };
      }
      if (
        t.text === "into" &&
        (isWord(sig[k + 1], "outfile") || isWord(sig[k + 1], "dumpfile")) &&
        sig[k + 2]?.kind === Tk.Str &&
        r.hardBefore[k] === 0
      )
        return { sign: "file-write", at: k };
      if (
        t.text === "procedure" &&
        isWord(sig[k + 1], "analyse") &&
        sig[k + 2]?.kind === Tk.LParen &&
        r.hardBefore[k] === 0
      )
        return { sign: "procedure-analyse", at: k };
      continue;
    }
    if (t.kind === Tk.Semi) {
      const s = sig[k + 1];
      if (s?.kind === Tk.Word && s.wc === WordClass.Statement && statementIsSql(r, k + 1)) {
        if (r.hardBefore[k] === 0 && (ctx !== 0 || r.softBefore[k] === 0 || k <= 2))
          return { sign: "stacked-query", at: k };
        // After `;` a new statement starts: what came before need not be SQL when the
        // statement itself is unmistakable.
        if (strongStatement(r, k + 1)) return { sign: "stacked-query", at: k };
      }
    }
  }
  return null;
}

/**
 * The stream ends the way an injection must for the query to stay valid: a comment, a
 * `;`, a dangling operator, or a string left open in the same quote as the application's
 * (its own closing quote completes it).
 */
function endsForQuote(r: Reading, ctx: StartQuote, s: string): boolean {
  const sig = r.sig;
  const last = sig[sig.length - 1]!;
  if (r.commentAfter[sig.length - 1] !== 0 || last.kind === Tk.Semi || r.dangling) return true;
  return last.kind === Tk.Str && (last.flags & F_OPEN) !== 0 && s.charCodeAt(last.start) === ctx;
}

/** Signs read right after the application's string was closed by the payload. */
function afterBreak(r: Reading, ctx: StartQuote, s: string): Verdict | null {
  const sig = r.sig;
  const brk = sig[0]!;
  const tight = (brk.flags & F_TIGHT) !== 0;
  const spaced = (brk.flags & F_SPACED) !== 0;
  let j = 1;
  while (sig[j]?.kind === Tk.RParen) j++;
  // `admin'--`, `x')#`: the rest of the query is cut off.
  if (tight && r.commentAfter[j - 1] !== 0 && (j === sig.length || tailClean(r, j))) {
    // `"#2 MOM"`: a quoted hashtag closes its own quote inside the "comment".
    if (r.commentAfter[j - 1] === 1 || !hashCommentQuoted(s, sig[j - 1]!.end, ctx))
      return { sign: "comment-truncation", at: j - 1 };
  }
  const t = sig[j];
  if (t === undefined) return null;
  // `x';` ends the statement (probing, or followed by a comment or a new statement).
  if (tight && t.kind === Tk.Semi && (j + 1 === sig.length || r.commentAfter[j] !== 0))
    return { sign: "string-break-terminate", at: j };
  const subquery = t.kind === Tk.LParen && isWord(sig[skipSelectPrefix(sig, j)], "select");
  if (
    !(
      isBinary(t) ||
      subquery ||
      (t.kind === Tk.Word && (t.wc === WordClass.Clause || t.wc === WordClass.Statement))
    )
  )
    return null;
  // A dangling operator at the end is fine here: the application's own closing quote
  // opens a string that runs to its next quote (`… or 'x' <' AND pass='…`).
  if (r.hardBefore[j + 1] !== 0) return null;
  if (r.hard !== r.hardBefore[j + 1] || r.soft !== r.softBefore[j + 1]) {
    // Not SQL to the end: still injection when SQL runs from the break to a condition
    // and the tail holds what no prose does (`' or 1=(select top 1 cast(a as nvarchar) ':' …`).
    const stmtHead =
      t.kind === Tk.Word && t.wc === WordClass.Statement && statementIsSql(r, j) && r.hardBefore[j + 2] === 0;
    if (!stmtHead && !(firstCondition(r, j + 1, true) && strongTail(r, j + 1))) return null;
    if (spaced) return null;
    return {
      sign: subquery
        ? "string-break-subquery"
        : stmtHead
          ? "string-break-clause"
          : isLogic(t) || isComparison(t)
            ? "tautology"
            : "string-break-operator",
      at: j,
    };
  }
  if (!hasSubstance(r, j + 1)) return null;
  const ends = endsForQuote(r, ctx, s);
  const cond = hasCondition(r, j + 1);
  const tail = sig.length - (j + 1);
  if (spaced && !(cond && ends)) return null;
  if (subquery) return { sign: "string-break-subquery", at: j };
  if (t.kind === Tk.Word && t.wc === WordClass.Clause)
    return clauseIsSql(r, j) && (tight || ends) ? { sign: "string-break-clause", at: j } : null;
  if (t.kind === Tk.Word && t.wc === WordClass.Statement)
    return statementIsSql(r, j) ? { sign: "string-break-clause", at: j } : null;
  // `x' OR 'y` with nothing else: only when the value is a single token around the
  // quotes (`A' XOR 'B`, `'='`), not a quoted word in running text (`"LIKE" STAMP`).
  if (tail === 1 && !cond && r.commentAfter[sig.length - 1] === 0) {
    const last = sig[j + 1]!;
    if (!tight || !ends || last.kind !== Tk.Str || hasSpace(s, last.start, last.end)) return null;
  }
  if (isLogic(t) || isComparison(t) || (t.kind === Tk.Word && t.wc === WordClass.Not)) {
    if (cond || ends) return { sign: "tautology", at: j };
    return null;
  }
  // Arithmetic and bitwise operators: `x'*'`, `1'-sleep(5)-'`. A lone `&` after a quote
  // is a query-string separator far more often than SQL.
  if (t.kind === Tk.Op && t.text !== "&" && (tight || cond) && (ends || cond))
    return { sign: "string-break-operator", at: j };
  return null;
}

/** The `#` comment after position `from` holds the context's quote before its line ends. */
function hashCommentQuoted(s: string, from: number, ctx: StartQuote): boolean {
  const hash = s.indexOf("#", from);
  if (hash < 0) return false;
  for (let i = hash + 1; i < s.length && i - hash < 256; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) return false;
    if (c === ctx) return true;
  }
  return false;
}

function hasSpace(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isSqlSpaceChar(s.charCodeAt(i))) return true;
  return false;
}

function isSqlSpaceChar(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0;
}

/** ORDER BY n, GROUP BY n, HAVING…, LIMIT n: clauses appended to the application's query. */
function clauseIsSql(r: Reading, j: number): boolean {
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
      return a !== undefined && (a.kind === Tk.Word || a.kind === Tk.Ident || a.kind === Tk.Str);
    case "notnull":
      return true;
    default:
      return false;
  }
}

/** Catalog names that only a database (or an attacker enumerating it) would write. */
const STRONG_CATALOG = new Set(STRONG_CATALOG_NAMES);

/** Signs at the start of a value placed bare (a number or a name) into the query. */
function bare(r: Reading): Verdict | null {
  const sig = r.sig;
  const first = sig[0]!;
  // A value that opens with a logic operator continues the application's condition:
  // `OR 1=1`, `AND (7319=8742)`, `|| x == '…`.
  if (isLogic(first)) {
    if (
      r.hard === 0 &&
      r.soft === 0 &&
      sig.length >= 2 &&
      (hasCondition(r, 1) || r.commentAfter[sig.length - 1] !== 0)
    )
      return { sign: "tautology", at: 0 };
    if (firstCondition(r, 1, true) && strongTail(r, 1)) return { sign: "tautology", at: 0 };
    return null;
  }
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
    return null;
  }
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
const WHOLE_STATEMENTS = new Set([
  "select",
  "insert",
  "update",
  "delete",
  "drop",
  "create",
  "alter",
  "truncate",
  "exec",
  "execute",
  "declare",
  "shutdown",
  "waitfor",
  "if",
]);

/**
 * A whole statement as the value: `SELECT … FROM …`, `(SELECT …)`, `DROP TABLE …`. The
 * whole value must read as SQL (a statement followed by prose is a forum post quoting
 * SQL); identifiers after names (aliases) are accepted only when the statement also
 * calls a known function or names a catalog.
 */
function statementAtStart(r: Reading): Verdict | null {
  const sig = r.sig;
  let j = 0;
  while (sig[j]?.kind === Tk.LParen) j++;
  const t = sig[j];
  if (t?.kind !== Tk.Word) return null;
  if (t.text === "from") return fromFragment(r, j);
  if (t.wc !== WordClass.Statement || !WHOLE_STATEMENTS.has(t.text)) return null;
  if (r.hard !== 0 || (r.soft !== 0 && !hasCondition(r, j + 1))) return null;
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
    // as a value is reported when it also does what attacks do with one.
    return attackFlavour(r, j + 1) ? { sign: "statement", at: j } : null;
  }
  return { sign: "statement", at: j };
}

/**
 * What separates an injected SELECT from a pasted one: reconnaissance, delay, error or
 * command functions, catalog tables, `@@system` variables, hex-encoded strings, a set
 * operator, or a comment cutting off the rest of the query.
 */
function attackFlavour(r: Reading, from: number): boolean {
  const sig = r.sig;
  if (r.commentAfter[sig.length - 1] !== 0) return true;
  for (let m = from; m < sig.length; m++) {
    const t = sig[m]!;
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
      default:
        break;
    }
  }
  return false;
}

function isHexNumber(t: Token): boolean {
  return (t.flags & F_HEX) !== 0;
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

/**
 * `rawPairs`: the value is a whole query string or form body, where `&&` and `a=1` are
 * separators and pairs, not SQL; only signs that stand anywhere are read from it bare.
 */
export function judge(r: Reading, ctx: StartQuote, s: string, rawPairs = false): Verdict | null {
  if (r.sig.length === 0) return null;
  const a = anywhere(r, ctx);
  if (a !== null) return a;
  if (ctx !== 0) return afterBreak(r, ctx, s);
  if (rawPairs) return null;
  return bare(r) ?? statementAtStart(r);
}

/**
 * Signs that are injection wherever they stand in a value, as long as the stream is SQL
 * up to them: UNION SELECT, stacked statements, delay/error/command functions, INTO
 * OUTFILE, PROCEDURE ANALYSE.
 */
import { isCallWord, type Reading } from "./grammar.js";
import { FuncKind, funcKind, WordClass } from "./keywords.js";
import {
  callInCodePosition,
  callInSubquery,
  isLogic,
  isWholeValueCall,
  isWord,
  listClean,
  reachable,
  selectListIsSql,
  skipSelectPrefix,
  statementIsSql,
  strongStatement,
  tailClean,
  type Verdict,
} from "./shapes.js";
import { F_BREAK, type StartQuote, Tk, type Token } from "./tokenizer.js";

/** Signs that are injection wherever they stand, as long as the stream is SQL up to them. */
export function anywhere(r: Reading, ctx: StartQuote, s = ""): Verdict | null {
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
          if (callInSubquery(sig, k) || selectedInSubquery(sig, k)) return { sign, at: k };
          if (reachable(r, k, ctx) && callInCodePosition(sig, k) && (k > 0 || ctx === 0)) {
            if (k > 0 || isWholeValueCall(r, k) || tailClean(r, 0)) return { sign, at: k };
          }
        } else if (fk === FuncKind.Recon && r.hardBefore[k] === 0 && k > 1 && callInSubquery(sig, k)) {
          // `length(version())`, `hex(load_file('/etc/passwd'))`: read inside SQL functions.
          return { sign: "recon-call", at: k };
        } else if (fk === FuncKind.Recon && selectedInSubquery(sig, k)) {
          // `(select load_file('\\\\host\\x'))`, `(select user())`: a scalar subquery that
          // reads the environment is SQL whatever it was glued to.
          return { sign: "recon-call", at: k };
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
      // `COPY … TO PROGRAM 'id'` / `FROM PROGRAM`: PostgreSQL runs a shell command for a
      // superuser (how CVE-2019-9193 turns an injection into code execution).
      if (
        t.text === "program" &&
        (isWord(sig[k - 1], "to") || isWord(sig[k - 1], "from")) &&
        sig[k + 1]?.kind === Tk.Str &&
        copyBefore(sig, k)
      )
        return { sign: "exec", at: k };
      if (
        t.text === "waitfor" &&
        (isWord(sig[k + 1], "delay") || isWord(sig[k + 1], "time")) &&
        sig[k + 2]?.kind === Tk.Str
      ) {
        if (r.hardBefore[k] === 0 || (sig[k - 1]?.flags ?? 0) & F_BREAK) return { sign: "time-based", at: k };
        // `WAITFOR DELAY '0:0:15'` is T-SQL whatever precedes it (a User-Agent's tail).
        if (isWord(sig[k + 1], "delay") && isClockString(s, sig[k + 2]!.start, sig[k + 2]!.end))
          return { sign: "time-based", at: k };
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

/** A `COPY` statement word among the 16 tokens before `k`. */
function copyBefore(sig: readonly Token[], k: number): boolean {
  for (let j = k - 2; j >= 0 && j >= k - 16; j--) if (isWord(sig[j], "copy")) return true;
  return false;
}

/** `'h:m:s'` (digits and colons between quotes): a T-SQL delay. */
function isClockString(s: string, from: number, to: number): boolean {
  if (to - from < 5 || to - from > 14) return false;
  let colons = 0;
  for (let i = from + 1; i < to - 1; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) colons++;
    else if (c < 48 || c > 57) return false;
  }
  return colons === 2;
}

/** sig[k] is the only select-list head of a parenthesised subquery: `(SELECT f(`. */
function selectedInSubquery(sig: readonly Token[], k: number): boolean {
  return k >= 2 && isWord(sig[k - 1], "select") && sig[k - 2]!.kind === Tk.LParen;
}

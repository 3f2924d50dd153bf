/**
 * Signs read right after the payload closed the application's string (the quoted
 * contexts): tautologies, comment truncation, operators and clauses glued to the break.
 * What stood before the quote (tokenizer F_TIGHT / F_SPACED) tells an injected break
 * from an apostrophe, an inch mark or a quotation in running text.
 */
import type { Reading } from "./grammar.js";
import { WordClass } from "./keywords.js";
import {
  clauseIsSql,
  firstCondition,
  hasCondition,
  hasSubstance,
  isBinary,
  isComparison,
  isLogic,
  isWord,
  skipSelectPrefix,
  statementIsSql,
  strongTail,
  tailClean,
  type Verdict,
} from "./shapes.js";
import { F_OPEN, F_SPACED, F_TIGHT, type StartQuote, Tk } from "./tokenizer.js";

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
export function afterBreak(r: Reading, ctx: StartQuote, s: string): Verdict | null {
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
  // `x' notnull --`, `x' isnull;`: SQLite's and PostgreSQL's postfix NULL tests complete
  // the condition on their own; only the end of the query may follow.
  if (
    t.kind === Tk.Word &&
    (t.text === "notnull" || t.text === "isnull") &&
    !spaced &&
    (j + 1 === sig.length || (j + 2 === sig.length && sig[j + 1]!.kind === Tk.Semi)) &&
    (r.commentAfter[sig.length - 1] !== 0 || sig[sig.length - 1]!.kind === Tk.Semi)
  )
    return { sign: "tautology", at: j };
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
    const closing = !stmtHead && tight && closingTautology(r, ctx, s);
    if (!stmtHead && !closing && !(firstCondition(r, j + 1, true) && strongTail(r, j + 1))) return null;
    if (spaced) return null;
    return {
      sign: closing
        ? "tautology"
        : subquery
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
    const literal = last.kind === Tk.Num || last.wc === WordClass.Literal;
    if (!tight || !(literal || (ends && last.kind === Tk.Str && !hasSpace(s, last.start, last.end))))
      return null;
  }
  if (isLogic(t) || isComparison(t) || (t.kind === Tk.Word && t.wc === WordClass.Not)) {
    if (cond || ends) return { sign: "tautology", at: j };
    return null;
  }
  // Arithmetic and bitwise operators: `x'*'`, `1'-sleep(5)-'`. A lone `&` after a quote
  // is a query-string separator far more often than SQL.
  // `"*"`, `x'*'''`: a quoted wildcard, with nothing but quotes after the `*`.
  if (t.kind === Tk.Op && t.text === "*" && onlyQuotesFrom(r, s, j + 1)) return null;
  // (`x'&email--`, cut off by a comment, is SQL's bitwise AND.)
  if (
    t.kind === Tk.Op &&
    (t.text !== "&" || r.commentAfter[sig.length - 1] === 1) &&
    (tight || cond) &&
    (ends || cond)
  )
    return { sign: "string-break-operator", at: j };
  return null;
}

/**
 * The stream ends with `… <operand> OR '9`, the application's closing quote completing the
 * number: a condition true for every row, whatever garbage came between the break and it
 * (`' * from = 1 or '9`). SQL at both ends of the payload, and no fault from the logic
 * word on.
 */
function closingTautology(r: Reading, ctx: StartQuote, s: string): boolean {
  const sig = r.sig;
  const n = sig.length;
  if (n < 4) return false;
  const last = sig[n - 1]!;
  const logic = sig[n - 2]!;
  const operand = sig[n - 3]!;
  if (last.kind !== Tk.Str || (last.flags & F_OPEN) === 0 || s.charCodeAt(last.start) !== ctx) return false;
  if (last.end - last.start < 2 || last.end - last.start > 7) return false;
  for (let i = last.start + 1; i < last.end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (!isWord(logic, "or") || r.hardBefore[n - 2] !== r.hard || r.softBefore[n - 2] !== r.soft) return false;
  return (
    operand.kind === Tk.Num ||
    operand.kind === Tk.Str ||
    operand.kind === Tk.Ident ||
    operand.kind === Tk.RParen ||
    (operand.kind === Tk.Word && operand.wc === WordClass.Literal)
  );
}

/** From sig[from] on, only strings made of nothing but quote characters. */
function onlyQuotesFrom(r: Reading, s: string, from: number): boolean {
  for (let k = from; k < r.sig.length; k++) {
    const t = r.sig[k]!;
    if (t.kind !== Tk.Str) return false;
    for (let i = t.start; i < t.end; i++) {
      const c = s.charCodeAt(i);
      if (c !== 39 && c !== 34) return false;
    }
  }
  return true;
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

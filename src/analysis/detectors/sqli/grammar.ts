/**
 * A tolerant reading of a token stream as an SQL fragment. It does not build a tree: it
 * walks the tokens with the one piece of state an expression grammar needs (is an
 * operand or an operator expected next?) and counts where the stream stops being SQL.
 *
 * Two kinds of fault are told apart:
 *  - hard: the database would reject it whatever the surrounding query (`= )`, `1 (`,
 *    `, ,`, stray punctuation);
 *  - soft: legal only through a rarely used corner (an identifier right after an
 *    operand is an alias: `SELECT a b`). Prose is full of these (`UNIQUE TABLE RUNNER`),
 *    injected SQL almost never has them.
 * Rules then ask "was the stream still SQL up to this sign, and after it?" — which is
 * what separates `x' OR 1=1--` from `rock 'n' roll or jazz` without a list of payloads.
 */
import { WordClass } from "./keywords.js";
import { F_CALL, F_HASH, Tk, type Token } from "./tokenizer.js";

export enum Expect {
  Any = 0,
  Operand = 1,
  Operator = 2,
}

export interface Reading {
  /** Tokens without comments. */
  readonly sig: Token[];
  /** Hard faults seen strictly before sig[k]. */
  readonly hardBefore: Uint16Array;
  /** Soft faults seen strictly before sig[k]. */
  readonly softBefore: Uint16Array;
  /** Non-zero when a comment directly follows sig[k]: 1 for `--` and `/*`, 2 for `#`. */
  readonly commentAfter: Uint8Array;
  /** A comment comes before the first significant token. */
  readonly leadingComment: boolean;
  /** Total faults over the whole stream (index sig.length of the arrays). */
  readonly hard: number;
  readonly soft: number;
  /** The stream ends while an operand is still expected (`1 =`). */
  readonly dangling: boolean;
  /** Lowest parenthesis depth reached (negative: the payload closed the app's `(`). */
  readonly minDepth: number;
}

/** Clause words that cannot follow a binary operator. */
const STRICT_CLAUSES = new Set([
  "from",
  "where",
  "order",
  "group",
  "having",
  "limit",
  "offset",
  "into",
  "procedure",
]);
/** Clause words after which the expression is complete (an operator may follow). */
const CLOSING_WORDS = new Set(["end"]);

/** True when a call-flagged word is a function call rather than a keyword before `(`. */
export function isCallWord(t: Token): boolean {
  if ((t.flags & F_CALL) === 0) return false;
  switch (t.wc) {
    case WordClass.Logic:
    case WordClass.Not:
    case WordClass.SetOp:
      return false;
    case WordClass.Statement:
      return t.text !== "select";
    case WordClass.Clause:
      return (
        t.text !== "from" &&
        t.text !== "as" &&
        t.text !== "on" &&
        t.text !== "then" &&
        t.text !== "else" &&
        t.text !== "when"
      );
    default:
      return true;
  }
}

export function read(tokens: Token[]): Reading {
  const sig: Token[] = [];
  let leadingComment = false;
  const cmt: number[] = [];
  const hash: boolean[] = [];
  for (const t of tokens) {
    if (t.kind === Tk.Comment) {
      if (sig.length === 0) leadingComment = true;
      else {
        cmt.push(sig.length - 1);
        hash.push((t.flags & F_HASH) !== 0);
      }
      continue;
    }
    sig.push(t);
  }
  const n = sig.length;
  const hardBefore = new Uint16Array(n + 1);
  const softBefore = new Uint16Array(n + 1);
  const commentAfter = new Uint8Array(n);
  for (let c = 0; c < cmt.length; c++) {
    const k = cmt[c]!;
    if (commentAfter[k] !== 1) commentAfter[k] = hash[c] ? 2 : 1;
  }
  let hard = 0;
  let soft = 0;
  let expect: Expect = Expect.Any;
  let depth = 0;
  let minDepth = 0;
  let callPending = false;
  for (let k = 0; k < n; k++) {
    hardBefore[k] = hard;
    softBefore[k] = soft;
    const t = sig[k]!;
    const prev = k > 0 ? sig[k - 1] : undefined;
    const wasCall = callPending;
    callPending = false;
    switch (t.kind) {
      case Tk.Str:
        if (expect === Expect.Operator) {
          // `'a' 'b'` is MySQL concatenation and `1 'x'`, `a 'x'` an alias: legal but odd.
          if (
            prev?.kind === Tk.Str ||
            prev?.kind === Tk.Num ||
            prev?.kind === Tk.Word ||
            prev?.kind === Tk.Ident ||
            prev?.kind === Tk.RParen
          )
            soft++;
          else hard++;
        }
        expect = Expect.Operator;
        break;
      case Tk.Num:
      case Tk.Var:
      case Tk.Ident:
        if (expect === Expect.Operator) {
          if (prev?.kind === Tk.Word || prev?.kind === Tk.Ident || prev?.kind === Tk.RParen) soft++;
          else hard++;
        }
        // SQL Server's `SELECT TOP 1 name`: the count is not an operand of the select list.
        expect =
          t.kind === Tk.Num && prev?.kind === Tk.Word && prev.text === "top" ? Expect.Any : Expect.Operator;
        break;
      case Tk.Word:
        if (isCallWord(t)) {
          if (expect === Expect.Operator) soft++;
          callPending = true;
          expect = Expect.Operand;
          break;
        }
        switch (t.wc) {
          case WordClass.Plain:
          case WordClass.Literal:
            // PostgreSQL `SIMILAR TO`: the second word of the operator.
            if (t.text === "to" && prev?.kind === Tk.Word && prev.text === "similar") break;
            if (expect === Expect.Operator) soft++;
            expect = Expect.Operator;
            break;
          case WordClass.Logic:
            // A value may open with AND/OR: it continues the application's condition.
            if (
              expect !== Expect.Operator &&
              k > 0 &&
              !(prev?.kind === Tk.Word && (prev.wc === WordClass.Not || prev.wc === WordClass.Logic))
            )
              hard++;
            expect = Expect.Operand;
            break;
          case WordClass.Not:
            expect = Expect.Operand;
            break;
          case WordClass.SetOp:
            if (expect === Expect.Operand) hard++;
            expect = Expect.Any;
            break;
          case WordClass.Statement:
            if (expect === Expect.Operand) hard++;
            else if (expect === Expect.Operator) soft++;
            expect = Expect.Any;
            break;
          default:
            if (expect === Expect.Operand && STRICT_CLAUSES.has(t.text)) hard++;
            expect = CLOSING_WORDS.has(t.text) ? Expect.Operator : Expect.Any;
            break;
        }
        break;
      case Tk.LParen:
        if (expect === Expect.Operator && !wasCall) hard++;
        depth++;
        expect = Expect.Any;
        break;
      case Tk.RParen:
        if (expect === Expect.Operand && prev?.kind !== Tk.LParen) hard++;
        depth--;
        if (depth < minDepth) minDepth = depth;
        expect = Expect.Operator;
        break;
      case Tk.Comma:
        // `1,,3` (an empty list item) is a typo more than a sign of prose.
        if (expect !== Expect.Operator) {
          if (prev?.kind === Tk.Comma) soft++;
          else hard++;
        }
        expect = Expect.Operand;
        break;
      case Tk.Semi:
        if (expect === Expect.Operand) hard++;
        depth = 0;
        expect = Expect.Any;
        break;
      case Tk.Dot:
        // `a.b`, and SQL Server's `db..table` (default schema).
        if (
          !(expect === Expect.Operator && (prev?.kind === Tk.Word || prev?.kind === Tk.Ident)) &&
          !(prev?.kind === Tk.Dot && (sig[k - 2]?.kind === Tk.Word || sig[k - 2]?.kind === Tk.Ident))
        )
          hard++;
        expect = Expect.Operand;
        break;
      case Tk.Op:
        // An HTML tag (`<b>`, `<script>`: a name glued to both brackets) is markup, not a
        // chained comparison: prose about HTML ("why is my <b> tag not loading") read as
        // `my < b > tag` made conditions out of words. (A closing tag's `/` is no SQL already.)
        if (tagShaped(sig, k)) hard++;
        expect = readOperator(t.text, expect, () => hard++, k === 0);
        break;
      default:
        hard++;
        break;
    }
  }
  hardBefore[n] = hard;
  softBefore[n] = soft;
  return {
    sig,
    hardBefore,
    softBefore,
    commentAfter,
    leadingComment,
    hard,
    soft,
    dangling: expect === Expect.Operand,
    minDepth,
  };
}

/** `sig[k]` is the `<` of `<name>`: the name glued to both angle brackets. */
function tagShaped(sig: readonly Token[], k: number): boolean {
  const lt = sig[k]!;
  if (lt.text !== "<") return false;
  const name = sig[k + 1];
  const gt = sig[k + 2];
  return (
    name !== undefined &&
    gt !== undefined &&
    name.kind === Tk.Word &&
    name.start === lt.end &&
    gt.kind === Tk.Op &&
    gt.text === ">" &&
    gt.start === name.end
  );
}

function readOperator(op: string, expect: Expect, fault: () => void, first: boolean): Expect {
  if (first && (op === "||" || op === "&&")) return Expect.Operand;
  if (expect !== Expect.Operator) {
    // Prefix positions: unary minus/plus/negation, and `*` as "all columns".
    if (op === "*") return Expect.Operator;
    if (op === "-" || op === "+" || op === "~" || op === "!") return Expect.Operand;
    fault();
    return Expect.Operand;
  }
  return Expect.Operand;
}

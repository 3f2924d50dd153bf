/**
 * Words the prefilter looks for, grouped by what else a rule needs besides them
 * (rules.ts). Matched by hash (no allocation): a collision only lets a value through.
 */
import { FRAGMENT_ANCHORS, fragmentFunctionNames } from "./fragment-vocab.js";
import { CORE_STATEMENTS, FuncKind, knownFunctions, LITERALS, STATEMENTS } from "./keywords.js";

/** Statements reported on their own (rules.ts WHOLE_STATEMENTS) or after SELECT/UNION. */
const ALWAYS_STATEMENTS = CORE_STATEMENTS;

/** Catalog names that fire on their own (rules.ts STRONG_CATALOG). */
export const STRONG_CATALOG_NAMES = [
  "information_schema",
  "pg_catalog",
  "pg_shadow",
  "sqlite_master",
  "sqlite_schema",
  "sysobjects",
  "syscolumns",
  "msysobjects",
  "msysaccessobjects",
  "all_tab_columns",
  "sysdatabases",
];

/**
 * Clauses the bare clause rule appends after a leading number or parenthesis, and the
 * set operator a leading number may be cut after (rules-bare.ts `union-cut`).
 */
const CLAUSES = ["order", "group", "having", "where", "limit", "offset", "into", "procedure", "union"];

export interface TriggerSets {
  /** Enough on their own. */
  readonly always: Set<number>;
  /** Statements that only matter after `;` (stacked queries). */
  readonly afterSemicolon: Set<number>;
  /** Functions that only matter when called (`(` present). */
  readonly call: Set<number>;
  /** Clauses that only matter after a leading number, sign or `(`. */
  readonly clause: Set<number>;
  /** Literals: a condition operand (`1 OR TRUE`), needing a logic word. */
  readonly literal: Set<number>;
  /** Clauses read anywhere in a value (INTO OUTFILE, PROCEDURE ANALYSE). */
  readonly anywhereClause: Set<number>;
  /** SQL-density tier (fragment.ts): function names, read in a short value with a `(`. */
  readonly fragmentCall: Set<number>;
  /** SQL-density tier: words that anchor a fragment rule in a short value. */
  readonly fragmentWord: Set<number>;
}

/** The words of `triggerSets().always`, as the scan reads them (letters and `_`). */
export function alwaysWords(): string[] {
  const out = [...ALWAYS_STATEMENTS, ...STRONG_CATALOG_NAMES, "mysql"];
  for (const [name, kind] of knownFunctions()) {
    const dot = name.lastIndexOf(".");
    const last = dot < 0 ? name : name.slice(dot + 1);
    if (
      kind === FuncKind.Exec ||
      ((kind === FuncKind.Time || kind === FuncKind.Error) && last.indexOf("_") > 0)
    )
      out.push(last);
  }
  return out.filter((w) => w.length >= 2 && w.length <= 24 && /^[a-z_]+$/.test(w));
}

/** Word lists of the families a long value is checked for (see prefilter.ts). */
export function familyWords(): {
  statements: string[];
  calls: string[];
  clauses: string[];
  literals: string[];
} {
  const calls: string[] = [];
  for (const [name, kind] of knownFunctions())
    if (kind !== FuncKind.Generic) calls.push(name.slice(name.lastIndexOf(".") + 1));
  const ok = (w: string) => w.length >= 2 && w.length <= 24 && /^[a-z_]+$/.test(w);
  return {
    statements: [...STATEMENTS].filter(ok),
    calls: calls.filter(ok),
    clauses: CLAUSES.filter(ok),
    literals: [...LITERALS].filter(ok),
  };
}

export function triggerSets(): TriggerSets {
  const always = new Set<number>();
  const call = new Set<number>();
  for (const w of [...ALWAYS_STATEMENTS, ...STRONG_CATALOG_NAMES, "mysql"]) always.add(hash(w));
  for (const [name, kind] of knownFunctions()) {
    // Qualified names (`dbms_lock.sleep`) are matched by their last part.
    const dot = name.lastIndexOf(".");
    const last = dot < 0 ? name : name.slice(dot + 1);
    if (
      kind === FuncKind.Exec ||
      ((kind === FuncKind.Time || kind === FuncKind.Error) && last.indexOf("_") > 0)
    )
      always.add(hash(last));
    else if (kind !== FuncKind.Generic) call.add(hash(last));
  }
  const afterSemicolon = new Set<number>();
  for (const w of STATEMENTS) if (!always.has(hash(w))) afterSemicolon.add(hash(w));
  return {
    always,
    afterSemicolon,
    call,
    clause: new Set(CLAUSES.map(hash)),
    literal: new Set(LITERALS.map(hash)),
    anywhereClause: new Set(["into", "procedure"].map(hash)),
    fragmentCall: new Set([...fragmentFunctionNames()].map((w) => hash(w.slice(w.lastIndexOf(".") + 1)))),
    fragmentWord: new Set(FRAGMENT_ANCHORS.map(hash)),
  };
}

function hash(w: string): number {
  return wordHash(w, 0, w.length);
}

/** FNV-1a over lower-cased letters, kept in 30 bits so it stays a small integer (no allocation). */
export function wordHash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i) | 0x20;
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x3fffffff;
}

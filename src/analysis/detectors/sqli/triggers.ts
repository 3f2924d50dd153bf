/**
 * Words whose presence lets a value without punctuation through the prefilter. Derived
 * from the rules: every rule that can fire on a value with no quote, no `(`/`;`/`=` and no
 * comment needs one of these (a statement word, one of the clauses rules.ts checks, a
 * literal, a catalog name, a time/error/exec function).
 */
import { catalogNames, FuncKind, knownFunctions, LITERALS, STATEMENTS } from "./keywords.js";

const CLAUSE_TRIGGERS = ["order", "group", "having", "where", "limit", "offset", "into", "procedure", "outfile", "dumpfile", "analyse"];

export function triggerWordHashes(): Set<number> {
  const words: string[] = [...STATEMENTS, ...LITERALS, ...CLAUSE_TRIGGERS, ...catalogNames()];
  for (const [name, kind] of knownFunctions()) {
    if (kind === FuncKind.Time || kind === FuncKind.Error || kind === FuncKind.Exec) {
      // Qualified names (`dbms_lock.sleep`) are matched by their last part.
      const dot = name.lastIndexOf(".");
      words.push(dot < 0 ? name : name.slice(dot + 1));
    }
  }
  const out = new Set<number>();
  for (const w of words) out.add(wordHash(w, 0, w.length));
  return out;
}

/** FNV-1a over lower-cased letters, kept in 31 bits (no allocation). */
export function wordHash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i) | 0x20;
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x7fffffff;
}

import { percentDecode } from "../../points/index.js";
import type { DetectorMatch } from "../types.js";
import { BRACKET_ONLY_OPERATORS, CODE_OPERATORS, QUERY_OPERATORS } from "./operators.js";

/**
 * Operators smuggled through names. Query-string parsers (PHP, Express `qs`, Rails) turn
 * `user[$ne]=x` into `{user: {$ne: "x"}}`, so a name holding `[$op]` is an operator
 * injection; a JSON key that is exactly `$op` is the same thing sent directly. Points do
 * not split bracket syntax, so the key text is read here. Double-encoded names
 * (`user%5B%24ne%5D`) are decoded up to twice.
 */

function isIdent(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** `$name` at `i` (the `$`): returns the end of the name. */
export function operatorEnd(v: string, i: number): number {
  let j = i + 1;
  const lim = Math.min(v.length, i + 24);
  while (j < lim && isIdent(v.charCodeAt(j))) j++;
  return j;
}

function sign(op: string): string {
  return CODE_OPERATORS.has(op) ? "nosqli.where-operator" : "nosqli.operator-key";
}

/** `[$op]` anywhere in `v`. `typeOk`: also accept the bracket-only operators. */
export function findBracketOperator(v: string, typeOk: boolean): DetectorMatch | null {
  let i = v.indexOf("[$");
  for (let g = 0; i !== -1 && g < 64; g++) {
    const e = operatorEnd(v, i + 1);
    if (v.charCodeAt(e) === 93 /* ] */) {
      const op = v.slice(i + 1, e);
      if (QUERY_OPERATORS.has(op) || (typeOk && BRACKET_ONLY_OPERATORS.has(op))) {
        return { signature: sign(op), start: i, end: e + 1 };
      }
    }
    i = v.indexOf("[$", i + 1);
  }
  return null;
}

export function findKeyOperator(key: string): DetectorMatch | null {
  if (key.charCodeAt(0) === 36 && QUERY_OPERATORS.has(key)) {
    return { signature: sign(key), start: 0, end: key.length };
  }
  const m = findBracketOperator(key, true);
  if (m !== null) return m;
  // Percent-encoded names: cookie names are not decoded by the point extractor, and a
  // doubly-encoded query name arrives still encoded once.
  let k = key;
  for (let round = 0; round < 2 && k.indexOf("%") !== -1; round++) {
    const d = percentDecode(k, true);
    if (d === k) break;
    k = d;
    const inner = findBracketOperator(k, true);
    if (inner !== null) return { signature: inner.signature, start: 0, end: key.length };
  }
  return null;
}

/** Same decoding as findKeyOperator, for the other sign families that read key text. */
export function decodedKey(key: string): string {
  let k = key;
  for (let round = 0; round < 2 && k.indexOf("%") !== -1; round++) {
    const d = percentDecode(k, true);
    if (d === k) break;
    k = d;
  }
  return k;
}

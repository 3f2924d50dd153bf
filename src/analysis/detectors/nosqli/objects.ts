import type { DetectorMatch } from "../types.js";
import { operatorEnd } from "./keys.js";
import { CODE_OPERATORS, QUERY_OPERATORS } from "./operators.js";

/**
 * An operator written as an object member inside a value: `{"$gt": ""}`, `{ $where: … }`,
 * `', $or: [ {}, …` — JSON or JavaScript object syntax that did not parse as JSON (so no
 * key point exists for it). The member must look like one: preceded by `{`, `,` or `[`
 * (or the start of the text) and followed by `:`. PHP code (`$where = …`, `$row[$in]`)
 * has neither.
 */

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/**
 * `password: /.*\/` — a member whose value is a match-anything regular expression
 * literal (JavaScript object syntax, or a `$where` body): the operator-free way to make a
 * MongoDB query match every document.
 */
export function findRegexMember(v: string): DetectorMatch | null {
  let i = v.indexOf("/.*/");
  for (let g = 0; i !== -1 && g < 16; g++) {
    let b = i - 1;
    while (b >= 0 && i - b < 8 && isSpace(v.charCodeAt(b))) b--;
    const c = v.charCodeAt(b);
    // After `:` (a member) or `(` (`.match(/.*/)`), not in a path.
    if (c === 58 || c === 40) return { signature: "nosqli.regex-match-all", start: i, end: i + 4 };
    i = v.indexOf("/.*/", i + 4);
  }
  return null;
}

/**
 * GraphQL variable definitions look the same (`query q($id: ID, $search: String)`) but
 * are followed by a type: a capitalised name or a list of one (`[String!]`).
 */
function graphqlType(v: string, i: number): boolean {
  let j = i;
  while (j < v.length && j - i < 8 && isSpace(v.charCodeAt(j))) j++;
  if (v.charCodeAt(j) === 91) j++;
  const c = v.charCodeAt(j);
  return c >= 65 && c <= 90;
}

export function findOperatorMember(v: string, atEndOk: boolean): DetectorMatch | null {
  let i = v.indexOf("$");
  for (let g = 0; i !== -1 && g < 128; g++) {
    const e = operatorEnd(v, i);
    const op = v.slice(i, e);
    if (e - i > 2 && QUERY_OPERATORS.has(op)) {
      // Before: optional quote, blanks, then `{` `,` `[` or the start.
      let b = i - 1;
      if (b >= 0 && isQuote(v.charCodeAt(b))) b--;
      while (b >= 0 && i - b < 16 && isSpace(v.charCodeAt(b))) b--;
      const pc = b < 0 ? -1 : v.charCodeAt(b);
      if (pc === -1 || pc === 123 || pc === 44 || pc === 91) {
        let a = e;
        if (isQuote(v.charCodeAt(a))) a++;
        while (a < v.length && a - e < 16 && isSpace(v.charCodeAt(a))) a++;
        if ((v.charCodeAt(a) === 58 && !graphqlType(v, a + 1)) || (atEndOk && a >= v.length)) {
          const where = CODE_OPERATORS.has(op);
          // A bare `$op:` at the very start of a value needs the object context to count.
          if (pc !== -1 || where) {
            return {
              signature: where ? "nosqli.where-operator" : "nosqli.operator-object",
              start: i,
              end: a + 1,
            };
          }
        }
      }
    }
    i = v.indexOf("$", e > i ? e : i + 1);
  }
  return null;
}

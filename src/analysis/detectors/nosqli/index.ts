import type { Hit, Point } from "../../../model/index.js";
import {
  C_AMP,
  C_BRACE,
  C_BREAK,
  C_DOLLAR,
  C_EQ,
  C_OPEN,
  C_PERCENT,
  C_PIPE,
  C_QUOTE,
  C_SEMI,
  census,
} from "../crlf/census.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { couchdbAdminRole } from "./couchdb.js";
import { findJavaScript } from "./javascript.js";
import { decodedKey, findBracketOperator, findKeyOperator } from "./keys.js";
import { findOperatorMember, findRegexMember } from "./objects.js";
import { findRedis } from "./redis.js";
import { findShellCall } from "./shell.js";
import { splitTautology } from "./split.js";

/**
 * NoSQL injection: MongoDB operators smuggled through names or object syntax, JavaScript
 * injected into `$where`/mapReduce, mongo shell calls, Redis commands through line
 * breaks, and the CouchDB `_admin` role trick (request-level, needs the raw body).
 */

/**
 * Every sign needs one of these literally in the value as received (keys are decoded
 * inside `detect`, and `detect` re-checks this so that it never reports what the
 * prefilter would drop). No quantifiers: linear.
 */
const JS_WORDS = /return|sleep|this|while|Date|emit|tojson|db\.|==/;
/** Keywords of the signs that need a parenthesis: `.match(`, `new Date`, `db.x.find(`. */
const CALL_WORDS = /this\.|Date|db\./;

export function mayHaveNoSql(v: string): boolean {
  if (census(v, C_DOLLAR | C_BREAK) !== 0) return true;
  const pct = census(v, C_PERCENT) !== 0;
  if (pct && v.indexOf("%24") !== -1) return true;
  // Names still percent-encoded are decoded by `detect` (names are short).
  if (pct && v.length <= 512 && JS_WORDS.test(v)) return true;
  const quote = census(v, C_QUOTE) !== 0;
  const semi = census(v, C_SEMI) !== 0;
  const andOr = census(v, C_AMP | C_PIPE) !== 0;
  const open = census(v, C_OPEN) !== 0;
  // A closed string, then `;` `&&` `||`, then JavaScript.
  if (quote && (semi || andOr) && JS_WORDS.test(v)) return true;
  // `0;return true`
  if (semi && v.indexOf("return") !== -1) return true;
  // `this.pw.match(`, `new Date … while(`, `db.users.find(`
  if (open && CALL_WORDS.test(v)) return true;
  // `|| 1==1`, `&& this.role == 'admin'`
  if ((andOr || semi || open || quote) && census(v, C_EQ) !== 0 && v.indexOf("==") !== -1) return true;
  // A match-all regular expression literal as a member value (`{ password: /.*/ }`).
  return census(v, C_BRACE | C_OPEN) !== 0 && v.indexOf("/.*/") !== -1;
}

export function detectNoSql(p: Point): DetectorMatch | null {
  const v = p.value;
  if (!mayHaveNoSql(v)) return null;
  const isKey = p.kind === "key";
  let text = v;
  if (isKey) {
    const m = findKeyOperator(v);
    if (m !== null) return m;
    text = decodedKey(v);
  } else if (census(v, C_DOLLAR) !== 0) {
    const m = findBracketOperator(v, false);
    if (m !== null) return m;
  }
  // Decoded key text has no census of its own: only the raw value's is known.
  const m =
    (text !== v || census(v, C_DOLLAR) !== 0 ? findOperatorMember(text, isKey) : null) ??
    findShellCall(text) ??
    (census(v, C_BRACE | C_OPEN) !== 0 && v.indexOf("/.*/") !== -1 ? findRegexMember(text) : null) ??
    findJavaScript(text) ??
    (census(v, C_BREAK) !== 0 ? findRedis(v) : null);
  if (m === null || text === v) return m;
  // Offsets refer to the decoded text: report the whole key.
  return { signature: m.signature, start: 0, end: v.length };
}

export const nosqliDetector: Detector = {
  type: "nosqli",
  prefilter: mayHaveNoSql,
  detect: detectNoSql,
  detectRequest(view: RequestView): Hit[] {
    const h = couchdbAdminRole(view.request) ?? splitTautology(view.request);
    return h === null ? [] : [h];
  },
};

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

export function mayHaveNoSql(v: string): boolean {
  if (census(v, C_DOLLAR | C_BREAK) !== 0) return true;
  const pct = census(v, C_PERCENT) !== 0;
  if (pct && v.indexOf("%24") !== -1) return true;
  // JavaScript signs all hold one of these next to their keyword (or `%` when the name
  // carrying them is still encoded).
  if ((pct || census(v, C_SEMI | C_OPEN | C_PIPE | C_AMP | C_QUOTE | C_EQ) !== 0) && JS_WORDS.test(v))
    return true;
  // A match-all regular expression literal as a member value (`{ password: /.*/ }`).
  return census(v, C_BRACE | C_OPEN | C_EQ) !== 0 && v.indexOf("/.*/") !== -1;
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
    (census(v, C_BRACE | C_OPEN | C_EQ) !== 0 && v.indexOf("/.*/") !== -1 ? findRegexMember(text) : null) ??
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

import type { Hit, Point } from "../../../model/index.js";
import { CH } from "../charmask.js";
import { C_BREAK, census, maskOf, remember, rememberedMask } from "../crlf/census.js";
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

/**
 * One of these in the mask, or `mayHaveNoSql` says no: every rule below tests one of
 * them (`==` with a separator, quote or parenthesis; the match-all regex literal with `{` or `(`).
 */
const NOSQL_NEEDS =
  CH.DOLLAR |
  CH.NEWLINE |
  CH.NONASCII |
  CH.PERCENT |
  CH.SQUOTE |
  CH.DQUOTE |
  CH.SEMI |
  CH.AMP |
  CH.PIPE |
  CH.LPAREN |
  CH.LBRACE;

export function mayHaveNoSql(v: string, m: number = maskOf(v)): boolean {
  if ((m & (CH.DOLLAR | CH.NEWLINE)) !== 0) return true;
  if ((m & CH.NONASCII) !== 0 && census(v, C_BREAK, m) !== 0) return true;
  const pct = (m & CH.PERCENT) !== 0;
  if (pct && v.indexOf("%24") !== -1) return true;
  const quote = (m & (CH.SQUOTE | CH.DQUOTE)) !== 0;
  const semi = (m & CH.SEMI) !== 0;
  const andOr = (m & (CH.AMP | CH.PIPE)) !== 0;
  const open = (m & CH.LPAREN) !== 0;
  // Each rule needs a mask condition and a literal; the literal-only rules go first
  // (one indexOf), so that a regular expression runs only where a word rule can apply.
  // `|| 1==1`, `&& this.role == 'admin'`
  if ((andOr || semi || open || quote) && (m & CH.EQ) !== 0 && v.indexOf("==") !== -1) return true;
  // A match-all regular expression literal as a member value (`{ password: /.*/ }`).
  if ((m & (CH.LBRACE | CH.LPAREN)) !== 0 && (m & CH.STAR) !== 0 && v.indexOf("/.*/") !== -1) return true;
  // `0;return true`
  if (semi && v.indexOf("return") !== -1) return true;
  // Names still percent-encoded are decoded by `detect` (names are short); otherwise a
  // closed string, then `;` `&&` `||`, then JavaScript.
  if (((pct && v.length <= 512) || (quote && (semi || andOr))) && JS_WORDS.test(v)) return true;
  // `7||this.product`
  if (andOr && v.indexOf("this.") !== -1) return true;
  // `this.pw.match(`, `new Date … while(`, `db.users.find(`
  return open && CALL_WORDS.test(v);
}

/**
 * The bits of the character mask mayHaveNoSql and detectNoSql read, from native searches:
 * for a value `detect` sees without the prefilter having just remembered its mask (a
 * full character scan of a 64 KiB value costs more than these few `indexOf`).
 * Look-alike line breaks count as NEWLINE, which is all these readers need.
 */
const BREAKS = /[\n\r\u560a\u560d]/;
function nosqlMask(v: string): number {
  let m = 0;
  if (v.indexOf("$") !== -1) m |= CH.DOLLAR;
  if (BREAKS.test(v)) m |= CH.NEWLINE;
  if (v.indexOf("%") !== -1) m |= CH.PERCENT;
  if (v.indexOf("'") !== -1 || v.indexOf('"') !== -1) m |= CH.SQUOTE;
  if (v.indexOf(";") !== -1) m |= CH.SEMI;
  if (v.indexOf("&") !== -1 || v.indexOf("|") !== -1) m |= CH.AMP;
  if (v.indexOf("(") !== -1) m |= CH.LPAREN;
  if (v.indexOf("=") !== -1) m |= CH.EQ;
  if (v.indexOf("{") !== -1 || v.indexOf("}") !== -1) m |= CH.LBRACE;
  if (v.indexOf("*") !== -1) m |= CH.STAR;
  return m;
}

/**
 * A name holding `name=…` is a pair the form parser could not split (its `=` was
 * encoded once more): the JavaScript signs that need the start of the value (`&&(e===`)
 * are read from what follows the `=`.
 */
function afterPairName(key: string): DetectorMatch | null {
  const eq = key.indexOf("=");
  if (eq <= 0 || eq > 64 || eq + 1 >= key.length) return null;
  for (let i = 0; i < eq; i++) {
    const c = key.charCodeAt(i);
    if (!((c | 0x20) >= 97 && (c | 0x20) <= 122) && !(c >= 48 && c <= 57) && c !== 95 && c !== 45 && c !== 46)
      return null;
  }
  const m = findJavaScript(key.slice(eq + 1));
  return m === null ? null : { signature: m.signature, start: 0, end: key.length };
}

export function detectNoSql(p: Point): DetectorMatch | null {
  const v = p.value;
  let mask = rememberedMask(v);
  if (mask === -1) mask = nosqlMask(v);
  if (!mayHaveNoSql(v, mask)) return null;
  const isKey = p.kind === "key";
  let text = v;
  if (isKey) {
    const m = findKeyOperator(v);
    if (m !== null) return m;
    text = decodedKey(v);
  } else if ((mask & CH.DOLLAR) !== 0) {
    const m = findBracketOperator(v, false);
    if (m !== null) return m;
  }
  // Decoded key text has no census of its own: only the raw value's is known.
  const m =
    (text !== v || (mask & CH.DOLLAR) !== 0 ? findOperatorMember(text, isKey) : null) ??
    findShellCall(text) ??
    ((mask & (CH.LBRACE | CH.LPAREN)) !== 0 && v.indexOf("/.*/") !== -1 ? findRegexMember(text) : null) ??
    findJavaScript(text) ??
    (isKey ? afterPairName(text) : null) ??
    ((mask & CH.NEWLINE) !== 0 || ((mask & CH.NONASCII) !== 0 && BREAKS.test(v)) ? findRedis(v) : null);
  if (m === null || text === v) return m;
  // Offsets refer to the decoded text: report the whole key.
  return { signature: m.signature, start: 0, end: v.length };
}

export const nosqliDetector: Detector = {
  type: "nosqli",
  prefilter(v, m) {
    // The engine runs `detect` right after on the same value: it finds the mask memoised.
    remember(v, m);
    return mayHaveNoSql(v, m);
  },
  needs: NOSQL_NEEDS,
  detect: detectNoSql,
  detectRequest(view: RequestView): Hit[] {
    const h = couchdbAdminRole(view.request) ?? splitTautology(view.request);
    return h === null ? [] : [h];
  },
};

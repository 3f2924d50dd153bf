/** Alternative readings of one value (see `variants`). */
import type { Point } from "../../../model/index.js";
import { hasPercentEscape, percentDecode } from "../../points/percent.js";

/**
 * Other readings of a value that the application may see, each tried only when the
 * value carries what makes it differ (so they cost nothing on ordinary values):
 *  - names (parameter keys) are not passed through the nested decoders: a key still
 *    holding `%XX` is decoded once more;
 *  - `\"`, `\'`, `` \` `` and `\$` unescaped, for payloads written to survive a JSON,
 *    C-style or shell string;
 *  - `+` as space where the value came through a header or cookie without form decoding
 *    (a Referer's query string), or was percent-decoded once more by a nested decoder
 *    (double-encoded values, percent-encoded XML attributes), as a form decoder would;
 *  - the text after a leading `name=` in a name: a pair the parser could not split, and
 *    the values of the pairs when the name holds a whole query string;
 *  - the parameter values of a URL carried in a header (Referer);
 *  - typographic quotes read as `'`;
 *  - MySQL's `\'` escape inside a string, as ANSI's doubled quote.
 */
/** Longest value some readings are tried on: payloads are short. */
const PAYLOAD_MAX = 4096;

export function variants(p: Point, v: string): string[] {
  const out: string[] = [];
  if (p.kind === "key" && hasPercentEscape(v)) out.push(percentDecode(v, true));
  // Escaped quotes are read whatever the length (JSON texts carry them); the shell and
  // nested-decoding readings only on values of payload size, not on documents or blobs.
  const small = v.length <= PAYLOAD_MAX;
  if (v.indexOf("\\") !== -1 && (small || v.indexOf("\\'") !== -1 || v.indexOf('\\"') !== -1)) {
    const u = unescapeQuoting(v);
    if (u !== v) out.push(u);
    if (small) {
      const d = backslashAsDoubled(v);
      if (d !== v) out.push(d);
    }
  }
  const base =
    (p.zone === "header" ||
      p.zone === "cookie" ||
      p.zone === "path" ||
      (small && p.steps[p.steps.length - 1] === "urlenc")) &&
    v.indexOf("+") !== -1
      ? v.replaceAll("+", " ")
      : v;
  if (base !== v) out.push(base);
  // A name holding `=` is a pair the parser could not split (an encoded `=`, a nested
  // query string): read what follows the `=` as a value.
  const eq = p.kind === "key" || p.zone === "cookie" ? base.indexOf("=") : -1;
  if (eq > 0 && eq < 64 && eq + 1 < base.length && isNameBefore(base, eq)) {
    out.push(base.slice(eq + 1));
    // A whole query string encoded once more (`a=1&b=2` sent as one name): its values.
    if (base.indexOf("&", eq) !== -1) pairValues(base, 0, out);
  }
  if (p.zone === "header" && p.depth === 0) {
    const q = base.indexOf("?");
    if (q !== -1) pairValues(base, q + 1, out);
  }
  const uq = unicodeQuotes(v);
  if (uq !== v) out.push(uq);
  return out;
}

/**
 * `\'`, `\"`, `` \` `` and `\$` without their backslash: a payload written to survive a
 * JSON, C-style or shell string (`starts_with(password,\$\$t\$\$)`).
 */
function unescapeQuoting(v: string): string {
  let out = "";
  let from = 0;
  for (let i = v.indexOf("\\"); i !== -1 && i + 1 < v.length; i = v.indexOf("\\", i + 2)) {
    const c = v.charCodeAt(i + 1);
    if (c === 39 || c === 34 || c === 96 || c === 36) {
      out += v.slice(from, i);
      from = i + 1;
    }
  }
  return from === 0 ? v : out + v.slice(from);
}

/**
 * `\'` written as `''` (and `\"` as `""`): the readings of the quoted contexts follow ANSI,
 * where a backslash escapes nothing, but MySQL reads `\'` inside a string as an escaped
 * quote, so its string ends at the next quote instead (`x\''or'1`: the break is the
 * second quote). The doubled quote is ANSI's escaped quote, which gives that reading.
 * Only when a bare quote of the same kind follows the escaped one (else nothing moves).
 */
function backslashAsDoubled(v: string): string {
  let out = v;
  for (const q of ["'", '"']) {
    const esc = out.indexOf(`\\${q}`);
    if (esc === -1 || !bareQuoteAfter(out, q, esc + 2)) continue;
    out = out.replaceAll(`\\${q}`, q + q);
  }
  return out;
}

/** A `q` from `from` on that no backslash precedes. */
function bareQuoteAfter(v: string, q: string, from: number): boolean {
  for (let i = v.indexOf(q, from); i !== -1; i = v.indexOf(q, i + 1))
    if (v.charCodeAt(i - 1) !== 92) return true;
  return false;
}

/**
 * Typographic quotes (U+2018/2019, U+00B4, U+02BC, U+FF07) become `'` when SQL Server
 * or a "best fit" code-page conversion turns Unicode into the database's charset.
 */
function unicodeQuotes(v: string): string {
  let out = v;
  for (const q of ["\u2018", "\u2019", "\u00b4", "\u02bc", "\uff07"])
    if (out.indexOf(q) !== -1) out = out.replaceAll(q, "'");
  return out;
}

/**
 * The values of the `name=value&…` pairs from `from` on: the parameters of a URL carried
 * in a header (Referer, X-Original-URL…), or of a query string sent as one name.
 */
function pairValues(v: string, from: number, out: string[]): void {
  let start = from;
  for (let count = 0; count < 16 && start < v.length; count++) {
    let end = v.indexOf("&", start);
    if (end === -1) end = v.length;
    const eq = v.indexOf("=", start);
    if (eq !== -1 && eq < end && end - eq > 4) out.push(percentDecode(v.slice(eq + 1, end), true));
    start = end + 1;
  }
}

/** `v[0..eq)` looks like a parameter name, possibly after `?` or `&`. */
function isNameBefore(v: string, eq: number): boolean {
  for (let i = 0; i < eq; i++) {
    const c = v.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) ||
      ((c | 0x20) >= 97 && (c | 0x20) <= 122) ||
      c === 95 ||
      c === 45 ||
      c === 46 ||
      c === 91 ||
      c === 93;
    if (!ok && !(i === 0 && (c === 63 || c === 38))) return false;
  }
  return true;
}

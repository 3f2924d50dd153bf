/** Alternative readings of one value (see `variants`). */
import type { Point } from "../../../model/index.js";
import { hasPercentEscape, percentDecode } from "../../points/percent.js";

/**
 * Other readings of a value that the application may see, each tried only when the
 * value carries what makes it differ (so they cost nothing on ordinary values):
 *  - names (parameter keys) are not passed through the nested decoders: a key still
 *    holding `%XX` is decoded once more;
 *  - `\"` / `\'` unescaped, for payloads written to survive a JSON or C-style string;
 *  - `+` as space where the value came through a header or cookie without form decoding
 *    (a Referer's query string);
 *  - the text after a leading `name=` in a name: a pair the parser could not split;
 *  - the parameter values of a URL carried in a header (Referer);
 *  - typographic quotes read as `'`.
 */
export function variants(p: Point, v: string): string[] {
  const out: string[] = [];
  if (p.kind === "key" && hasPercentEscape(v)) out.push(percentDecode(v, true));
  if (v.indexOf("\\") !== -1 && (v.indexOf("\\'") !== -1 || v.indexOf('\\"') !== -1))
    out.push(v.replaceAll("\\'", "'").replaceAll('\\"', '"'));
  const base =
    (p.zone === "header" || p.zone === "cookie" || p.zone === "path") && v.indexOf("+") !== -1
      ? v.replaceAll("+", " ")
      : v;
  if (base !== v) out.push(base);
  // A name holding `=` is a pair the parser could not split (an encoded `=`, a nested
  // query string): read what follows the `=` as a value.
  const eq = p.kind === "key" || p.zone === "cookie" ? base.indexOf("=") : -1;
  if (eq > 0 && eq < 64 && eq + 1 < base.length && isNameBefore(base, eq)) out.push(base.slice(eq + 1));
  if (p.zone === "header" && p.depth === 0) urlQueryValues(base, out);
  const uq = unicodeQuotes(v);
  if (uq !== v) out.push(uq);
  return out;
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

/** Parameter values of a URL carried in a header (Referer, X-Original-URL…). */
function urlQueryValues(v: string, out: string[]): void {
  const q = v.indexOf("?");
  if (q === -1) return;
  let start = q + 1;
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

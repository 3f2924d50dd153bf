import { hexVal } from "../percent.js";

/**
 * Character references: XML's predefined five and numeric references (XML 1.0 §4.1,
 * §4.6), and the HTML named references attackers lean on to hide markup and `javascript:`
 * (WHATWG HTML §13.5). Numeric references are accepted without the final `;`, as browsers
 * do. Unknown named references are kept as written (never resolved against a DTD).
 */

/** The HTML named references worth knowing for detection (the full list has 2,231). */
const NAMED: ReadonlyMap<string, string> = new Map([
  ["lt", "<"],
  ["gt", ">"],
  ["amp", "&"],
  ["quot", '"'],
  ["apos", "'"],
  ["nbsp", "\u00a0"],
  ["colon", ":"],
  ["semi", ";"],
  ["comma", ","],
  ["period", "."],
  ["excl", "!"],
  ["quest", "?"],
  ["lpar", "("],
  ["rpar", ")"],
  ["lsqb", "["],
  ["rsqb", "]"],
  ["lbrack", "["],
  ["rbrack", "]"],
  ["lcub", "{"],
  ["rcub", "}"],
  ["lbrace", "{"],
  ["rbrace", "}"],
  ["sol", "/"],
  ["bsol", "\\"],
  ["num", "#"],
  ["dollar", "$"],
  ["percnt", "%"],
  ["equals", "="],
  ["plus", "+"],
  ["ast", "*"],
  ["commat", "@"],
  ["grave", "`"],
  ["Hat", "^"],
  ["lowbar", "_"],
  ["verbar", "|"],
  ["vert", "|"],
  ["Tab", "\t"],
  ["NewLine", "\n"],
  ["hyphen", "-"],
  ["dash", "-"],
  ["midast", "*"],
  ["tilde", "~"],
  ["lsquo", "\u2018"],
  ["rsquo", "\u2019"],
  ["ldquo", "\u201c"],
  ["rdquo", "\u201d"],
]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}

/** Code point from a numeric reference body, or -1. Bounded to 8 digits. */
function numericRef(s: string, i: number, end: number, hex: boolean): number {
  let v = 0;
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (hex && (c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
    else return -1;
    v = v * (hex ? 16 : 10) + d;
    if (v > 0x10ffff) return -1;
  }
  return v;
}

/** True when `s` holds at least one reference `decodeEntities` would decode. */
export function hasEntity(s: string, xmlOnly = false): boolean {
  let i = s.indexOf("&");
  while (i !== -1) {
    if (refAt(s, i, xmlOnly) !== null) return true;
    i = s.indexOf("&", i + 1);
  }
  return false;
}

/** Reference starting at `s[i] === "&"`: [decoded text, end index] or null. */
function refAt(s: string, i: number, xmlOnly: boolean): [string, number] | null {
  const n = s.length;
  if (i + 3 > n) return null;
  if (s.charCodeAt(i + 1) === 35 /* # */) {
    const hex = (s.charCodeAt(i + 2) | 0x20) === 120;
    const start = i + (hex ? 3 : 2);
    let k = start;
    while (k < n && k - start < 10 && (hex ? hexVal(s.charCodeAt(k)) >= 0 : isDigit(s.charCodeAt(k)))) k++;
    if (k === start) return null;
    const cp = numericRef(s, start, k, hex);
    if (cp < 0) return null;
    const semi = k < n && s.charCodeAt(k) === 59;
    if (xmlOnly && !semi) return null;
    // U+0000 and surrogates become U+FFFD, as in the HTML tokenizer.
    const ch = cp === 0 || (cp >= 0xd800 && cp <= 0xdfff) ? "\ufffd" : String.fromCodePoint(cp);
    return [ch, semi ? k + 1 : k];
  }
  let k = i + 1;
  while (k < n && k - i <= 12 && isAlnum(s.charCodeAt(k))) k++;
  if (k === i + 1 || k >= n || s.charCodeAt(k) !== 59) return null;
  const name = s.slice(i + 1, k);
  const ch = xmlOnly ? XML_NAMED.get(name) : NAMED.get(name);
  return ch === undefined ? null : [ch, k + 1];
}

const XML_NAMED: ReadonlyMap<string, string> = new Map([
  ["lt", "<"],
  ["gt", ">"],
  ["amp", "&"],
  ["quot", '"'],
  ["apos", "'"],
]);

/**
 * Decodes references once (`&amp;lt;` gives `&lt;`: the nested decoder gets the next
 * round). `xmlOnly` restricts named references to XML's five and requires `;`.
 */
export function decodeEntities(s: string, xmlOnly = false): string {
  let i = s.indexOf("&");
  if (i === -1) return s;
  const parts: string[] = [];
  let last = 0;
  while (i !== -1) {
    const r = refAt(s, i, xmlOnly);
    if (r !== null) {
      if (i > last) parts.push(s.slice(last, i));
      parts.push(r[0]);
      last = r[1];
      i = s.indexOf("&", last);
    } else i = s.indexOf("&", i + 1);
  }
  if (parts.length === 0) return s;
  if (last < s.length) parts.push(s.slice(last));
  return parts.join("");
}

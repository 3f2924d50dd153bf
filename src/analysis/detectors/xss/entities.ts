/**
 * HTML character references, decoded the way a browser does before it interprets an
 * attribute value or text (WHATWG HTML §13.2.5.72 "character reference state"):
 * decimal `&#106;` and hex `&#x6A;` forms with any number of leading zeros, with or
 * without the trailing `;`, and named references. Only the named references that matter
 * for telling markup and script apart are kept (the full table has 2,231 names): the
 * punctuation and whitespace names that filter-evasion payloads use (`&colon;`, `&Tab;`,
 * `&NewLine;`, `&lpar;`…) and the legacy names browsers accept without `;`.
 */

/** Named references we decode. Lower-case keys match case-insensitively (see below). */
const NAMED: ReadonlyMap<string, string> = new Map([
  ["lt", "<"],
  ["gt", ">"],
  ["amp", "&"],
  ["quot", '"'],
  ["apos", "'"],
  ["nbsp", "\u00a0"],
  ["tab", "\t"],
  ["newline", "\n"],
  ["colon", ":"],
  ["semi", ";"],
  ["comma", ","],
  ["period", "."],
  ["sol", "/"],
  ["bsol", "\\"],
  ["lpar", "("],
  ["rpar", ")"],
  ["lsqb", "["],
  ["lbrack", "["],
  ["rsqb", "]"],
  ["rbrack", "]"],
  ["lcub", "{"],
  ["lbrace", "{"],
  ["rcub", "}"],
  ["rbrace", "}"],
  ["equals", "="],
  ["excl", "!"],
  ["quest", "?"],
  ["num", "#"],
  ["dollar", "$"],
  ["percnt", "%"],
  ["ast", "*"],
  ["midast", "*"],
  ["plus", "+"],
  ["minus", "-"],
  ["hyphen", "-"],
  ["dash", "-"],
  ["lowbar", "_"],
  ["grave", "`"],
  ["diacriticalgrave", "`"],
  ["hat", "^"],
  ["verbar", "|"],
  ["vert", "|"],
  ["commat", "@"],
  ["zwj", "\u200d"],
  ["zwnj", "\u200c"],
  ["shy", "\u00ad"],
  ["lsquo", "\u2018"],
  ["rsquo", "\u2019"],
  ["ldquo", "\u201c"],
  ["rdquo", "\u201d"],
]);

/** Legacy names a browser decodes even without the trailing `;` (a subset of them). */
const NO_SEMI_OK: ReadonlySet<string> = new Set(["lt", "gt", "amp", "quot", "nbsp"]);

const MAX_NAME = 24;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Code point → string, with the replacements the HTML spec makes for bad numbers. */
function fromCodePoint(cp: number): string {
  // NUL stays NUL (the spec makes it U+FFFD; old IE dropped it, and so do our scanners).
  if (cp === 0) return "\u0000";
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(cp);
}

/** True when `s` holds something that may be a character reference. */
export function hasEntity(s: string): boolean {
  let i = s.indexOf("&");
  while (i !== -1 && i < s.length - 1) {
    const c = s.charCodeAt(i + 1);
    if (c === 35 /* # */ || isAlnum(c)) return true;
    i = s.indexOf("&", i + 1);
  }
  return false;
}

/**
 * Decodes character references in `s`. Numbers are bounded (at most 16 digits are read,
 * further leading zeros are skipped), so the loop is linear in the input.
 */
export function decodeEntities(s: string): string {
  let i = s.indexOf("&");
  if (i === -1) return s;
  let out = "";
  let last = 0;
  const n = s.length;
  while (i !== -1 && i < n - 1) {
    let j = i + 1;
    const c = s.charCodeAt(j);
    let rep: string | null = null;
    if (c === 35 /* # */) {
      j++;
      let hex = false;
      if (j < n && (s.charCodeAt(j) | 0x20) === 120 /* x */) {
        hex = true;
        j++;
      }
      const digitsStart = j;
      let cp = 0;
      let any = false;
      while (j < n) {
        const d = s.charCodeAt(j);
        const v = hex ? hexVal(d) : d >= 48 && d <= 57 ? d - 48 : -1;
        if (v < 0) break;
        any = true;
        if (cp <= 0x10ffff) cp = cp * (hex ? 16 : 10) + v;
        j++;
        if (j - digitsStart > 64) break;
      }
      if (any) {
        if (j < n && s.charCodeAt(j) === 59 /* ; */) j++;
        rep = fromCodePoint(cp);
      }
    } else if (isAlnum(c)) {
      while (j < n && j - i <= MAX_NAME && isAlnum(s.charCodeAt(j))) j++;
      const name = s.slice(i + 1, j).toLowerCase();
      const semi = j < n && s.charCodeAt(j) === 59;
      const v = NAMED.get(name);
      if (v !== undefined && (semi || NO_SEMI_OK.has(name))) {
        rep = v;
        if (semi) j++;
      } else if (!semi) {
        // A legacy name glued to following letters (`&ltscript`): the tokenizer takes the
        // longest known prefix.
        for (const p of NO_SEMI_OK) {
          if (name.startsWith(p)) {
            rep = NAMED.get(p) ?? null;
            j = i + 1 + p.length;
            break;
          }
        }
      }
    }
    if (rep !== null) {
      out += s.slice(last, i) + rep;
      last = j;
      i = s.indexOf("&", j);
    } else {
      i = s.indexOf("&", i + 1);
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

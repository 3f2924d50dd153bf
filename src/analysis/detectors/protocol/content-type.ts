import { isTchar } from "./methods.js";

/**
 * A small, non-backtracking parser for a Content-Type value, RFC 9110 §8.3.1:
 *   media-type = type "/" subtype parameters
 *   parameters = *( OWS ";" OWS [ parameter ] )
 *   parameter  = parameter-name "=" parameter-value   (token or quoted-string)
 * Lenient where real clients are sloppy (an empty parameter such as `application/json;`).
 */
export interface MediaType {
  /** `type/subtype`, lower case. */
  readonly essence: string;
  readonly params: ReadonlyArray<readonly [name: string, value: string]>;
  /** False when the text did not follow the grammar (stray characters, no `/`…). */
  readonly wellFormed: boolean;
  /** True when a second media type follows a top-level comma (two types in one field). */
  readonly multiple: boolean;
}

const MAX_PARAMS = 32;

function skipOws(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

function readToken(s: string, i: number): number {
  while (i < s.length && isTchar(s.charCodeAt(i))) i++;
  return i;
}

export function parseMediaType(s: string, depth = 0): MediaType {
  const params: Array<[string, string]> = [];
  let i = skipOws(s, 0);
  const t0 = i;
  i = readToken(s, i);
  const typeEnd = i;
  let wellFormed = typeEnd > t0 && s.charCodeAt(i) === 47; /* / */
  let essence = s.slice(t0, typeEnd).toLowerCase();
  if (wellFormed) {
    const st = i + 1;
    i = readToken(s, st);
    if (i === st) wellFormed = false;
    essence = s.slice(t0, i).toLowerCase();
  }
  let multiple = false;
  for (let n = 0; n < MAX_PARAMS && i < s.length; n++) {
    i = skipOws(s, i);
    if (i >= s.length) break;
    const c = s.charCodeAt(i);
    if (c === 44 /* , */) {
      // A repeated identical type (`application/json, application/json`, what a
      // client appending a default header produces) is sloppy, not confusing.
      if (depth >= 4) {
        multiple = true;
        break;
      }
      const rest = parseMediaType(s.slice(i + 1), depth + 1);
      multiple = rest.essence !== essence || rest.multiple;
      break;
    }
    if (c !== 59 /* ; */) {
      wellFormed = false;
      break;
    }
    i = skipOws(s, i + 1);
    if (i >= s.length) break;
    const n0 = i;
    i = readToken(s, i);
    if (i === n0) {
      if (s.charCodeAt(i) === 59) continue; // `;;` — an empty parameter
      wellFormed = false;
      break;
    }
    const name = s.slice(n0, i).toLowerCase();
    // RFC 9110 allows no whitespace around "="; tolerate it, as many servers do.
    i = skipOws(s, i);
    if (s.charCodeAt(i) !== 61 /* = */) {
      wellFormed = false;
      break;
    }
    i = skipOws(s, i + 1);
    let value: string;
    if (s.charCodeAt(i) === 34 /* " */) {
      // quoted-string with quoted-pair (RFC 9110 §5.6.4)
      let j = i + 1;
      let out = "";
      let closed = false;
      while (j < s.length) {
        const d = s.charCodeAt(j);
        if (d === 92 && j + 1 < s.length) {
          out += s[j + 1];
          j += 2;
          continue;
        }
        if (d === 34) {
          closed = true;
          j++;
          break;
        }
        out += s[j];
        j++;
      }
      if (!closed) wellFormed = false;
      value = out;
      i = j;
    } else {
      const v0 = i;
      i = readToken(s, i);
      value = s.slice(v0, i);
    }
    params.push([name, value]);
  }
  return { essence, params, wellFormed, multiple };
}

/**
 * Character sets that turn ASCII-looking payloads into something else once the
 * application decodes them: UTF-7 (`+ADw-script+AD4-`) and the EBCDIC code pages,
 * used to slip payloads past filters that read the body as ASCII/UTF-8. No browser
 * sends them (WHATWG Encoding lists neither as a supported encoding).
 */
const EVASIVE_CHARSETS = new Set([
  "utf-7",
  "utf7",
  "unicode-1-1-utf-7",
  "csunicode11utf7",
  "x-unicode20utf7",
  "ibm037",
  "ibm-037",
  "cp037",
  "ebcdic-cp-us",
  "ibm273",
  "ibm277",
  "ibm278",
  "ibm280",
  "ibm284",
  "ibm285",
  "ibm290",
  "ibm297",
  "ibm420",
  "ibm424",
  "ibm500",
  "ibm-500",
  "cp500",
  "ebcdic-cp-be",
  "ibm870",
  "ibm871",
  "cp875",
  "ibm875",
  "ibm1026",
  "cp1026",
  "ibm01140",
  "ibm01141",
  "ibm01142",
  "ibm01143",
  "ibm01144",
  "ibm01145",
  "ibm01146",
  "ibm01147",
  "ibm01148",
  "ibm01149",
  "cp1140",
]);

export function isEvasiveCharset(cs: string): boolean {
  return EVASIVE_CHARSETS.has(cs.trim().toLowerCase());
}

/**
 * Masking of JSON text (RFC 8259) without parsing it into objects: one pass over the
 * characters that copies everything and replaces the values of sensitive keys, so the
 * stored body keeps its exact spelling, order and whitespace. The scan is tolerant: a body
 * cut by truncation, or not JSON at all, is walked the same way (an unterminated string
 * runs to the end and is masked if its key is sensitive) and it never throws.
 *
 * A sensitive key masks its string and number values, and every string and number inside
 * an object or array it holds (`"credentials": {"user": "…", "pin": 1234}`). Masked
 * numbers become the string marker, so the result stays valid JSON.
 */

import { luhnValid } from "./cards.js";

/** Deepest nesting tracked; deeper containers inherit the sensitivity of this level. */
const MAX_DEPTH = 256;
/** Longest key decoded for matching. */
const MAX_KEY = 256;

const isNumberChar = (c: number) =>
  (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;

function isCard(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return luhnValid(token);
}

/** Decodes the common JSON escapes of a key; anything odd is kept as written. */
function decodeKey(raw: string): string {
  if (!raw.includes("\\")) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== "\\" || i + 1 >= raw.length) {
      out += c;
      continue;
    }
    const e = raw[++i]!;
    if (e === "u" && i + 4 < raw.length) {
      const code = Number.parseInt(raw.slice(i + 1, i + 5), 16);
      if (Number.isNaN(code)) out += "\\u";
      else {
        out += String.fromCharCode(code);
        i += 4;
      }
    } else
      out += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : e === "b" ? "\b" : e === "f" ? "\f" : e;
  }
  return out;
}

/** End index (exclusive) of the string starting at `i` (a quote), or the text's end. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === 34) return j + 1;
    else j++;
  }
  return text.length;
}

/**
 * `cards`: also mask bare numbers that are card numbers (as the quoted marker, to keep the
 * JSON valid); cards inside strings are left to the caller's text-wide card pass.
 */
export function maskJson(
  text: string,
  mask: (key: string) => boolean,
  marker: string,
  cards = false,
): string {
  const quoted = `"${marker}"`;
  // Per open container: is it an object, and is everything inside it sensitive.
  const isObject: boolean[] = [];
  const inherited: boolean[] = [];
  let overflow = 0;
  let expectKey = false;
  let keySensitive = false;
  let out = "";
  let copied = 0;
  const n = text.length;
  const insideSensitive = () => (inherited.length > 0 ? inherited[inherited.length - 1]! : false);
  const inObject = () => (isObject.length > 0 ? isObject[isObject.length - 1]! : false);
  const valueSensitive = () => insideSensitive() || (inObject() && keySensitive);
  const replace = (from: number, to: number) => {
    out += text.slice(copied, from) + quoted;
    copied = to;
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(text, i);
      if (inObject() && expectKey) {
        const raw = text.slice(i + 1, Math.min(end - 1, i + 1 + MAX_KEY));
        keySensitive = mask(decodeKey(raw));
        expectKey = false;
      } else if (valueSensitive() && text.slice(i, end) !== quoted) replace(i, end);
      i = end;
    } else if (c === 123 || c === 91) {
      const sensitive = valueSensitive();
      if (isObject.length < MAX_DEPTH) {
        isObject.push(c === 123);
        inherited.push(sensitive);
      } else overflow++;
      expectKey = c === 123;
      keySensitive = false;
      i++;
    } else if (c === 125 || c === 93) {
      if (overflow > 0) overflow--;
      else {
        isObject.pop();
        inherited.pop();
      }
      expectKey = false;
      keySensitive = false;
      i++;
    } else if (c === 44) {
      expectKey = inObject();
      if (expectKey) keySensitive = false;
      i++;
    } else if (c === 58) {
      expectKey = false;
      i++;
    } else if (isNumberChar(c) && c !== 43 && c !== 46 && c !== 101 && c !== 69) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      if (valueSensitive() || (cards && j - i >= 13 && j - i <= 19 && isCard(text.slice(i, j))))
        replace(i, j);
      i = j;
    } else i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

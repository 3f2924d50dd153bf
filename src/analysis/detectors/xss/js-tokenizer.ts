/**
 * A small, bounded JavaScript tokenizer (ECMA-262 §12 lexical grammar, leniently): it
 * yields identifiers with their `\uXXXX` / `\u{…}` escapes decoded (so `\u0061lert` is
 * `alert`), string literals with their escapes decoded (`"\x61l\u0065rt"` is `alert`),
 * template literals with their `${…}` substitutions, regular-expression literals,
 * numbers and punctuators. Comments (`/*…*\/`, `//…`, and the HTML-like `<!--` of
 * Annex B) and every Unicode space are skipped, as the engine skips them. A `\` outside
 * a literal is dropped: payloads written for one more level of string escaping
 * (`top[\"al\"+\"ert\"]`) then still read as the code they become.
 */

export type TokType = "id" | "str" | "num" | "re" | "p" | "tpl" | "tple";

export interface Tok {
  readonly t: TokType;
  /** Identifier name, decoded string value, number text, regex body, or punctuator. */
  readonly v: string;
  /** ASCII whitespace or a line break came right before this token. */
  readonly sp: boolean;
  /** A string literal written with escapes (`"\x61lert"`): obfuscation, not prose. */
  readonly esc: boolean;
  readonly pos: number;
}

export const MAX_TOKENS = 1024;
const MAX_SCAN = 16 * 1024;

function isIdStart(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 36 || c === 95 || (c >= 0x80 && !isUniSpace(c))
  );
}
function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57) || c === 0x200c || c === 0x200d;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** Unicode spaces JavaScript skips besides ASCII ones (§12.2, §12.3). */
function isUniSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Reads `\u` escape at `i` (pointing at `u`): [char, next index] or null. */
function readUnicodeEscape(s: string, i: number): [string, number] | null {
  if (s.charCodeAt(i) === 123 /* { */) {
    let cp = 0;
    let j = i + 1;
    while (j < s.length && j - i < 10 && hexVal(s.charCodeAt(j)) >= 0) {
      cp = cp * 16 + hexVal(s.charCodeAt(j));
      j++;
    }
    if (s.charCodeAt(j) !== 125 || cp > 0x10ffff) return null;
    return [String.fromCodePoint(cp), j + 1];
  }
  if (i + 4 > s.length) return null;
  let cp = 0;
  for (let k = 0; k < 4; k++) {
    const v = hexVal(s.charCodeAt(i + k));
    if (v < 0) return null;
    cp = cp * 16 + v;
  }
  return [String.fromCharCode(cp), i + 4];
}

/** Reads one escape inside a string literal; `i` points after the backslash. */
function readStringEscape(s: string, i: number): [string, number] {
  const c = s.charCodeAt(i);
  if (c === 117 /* u */) {
    const r = readUnicodeEscape(s, i + 1);
    if (r) return r;
    return ["u", i + 1];
  }
  if (c === 120 /* x */) {
    const a = hexVal(s.charCodeAt(i + 1));
    const b = hexVal(s.charCodeAt(i + 2));
    if (a >= 0 && b >= 0) return [String.fromCharCode(a * 16 + b), i + 3];
    return ["x", i + 1];
  }
  if (c >= 48 && c <= 55) {
    // Legacy octal escape (Annex B.1.2): up to three digits, value ≤ 0o377.
    let v = c - 48;
    let j = i + 1;
    while (j < s.length && j - i < 3) {
      const d = s.charCodeAt(j);
      if (d < 48 || d > 55 || v * 8 + (d - 48) > 255) break;
      v = v * 8 + (d - 48);
      j++;
    }
    return [String.fromCharCode(v), j];
  }
  if (c === 110) return ["\n", i + 1];
  if (c === 116) return ["\t", i + 1];
  if (c === 114) return ["\r", i + 1];
  if (c === 13 || c === 10) return ["", i + 1];
  return [s[i] ?? "", i + 1];
}

/** Tokens that end an expression: a `/` after them divides, elsewhere it opens a regex. */
function endsExpression(t: Tok | undefined): boolean {
  if (t === undefined) return false;
  if (t.t === "id") return t.v !== "return" && t.v !== "typeof" && t.v !== "in" && t.v !== "of";
  if (t.t === "p") return t.v === ")" || t.v === "]" || t.v === "}";
  return t.t !== "tpl";
}

/** Tokenizes `s` (at most MAX_SCAN characters, MAX_TOKENS tokens). Never throws. */
export function tokenizeJs(s: string): Tok[] {
  const toks: Tok[] = [];
  const n = Math.min(s.length, MAX_SCAN);
  let i = 0;
  let sp = false;
  // Each open `${` remembers the brace depth it started at; `inTpl` means we are in the
  // raw text of a template literal.
  const substDepth: number[] = [];
  let braces = 0;
  let inTpl = false;
  const push = (t: TokType, v: string, pos: number, esc = false) => {
    toks.push({ t, v, sp, pos, esc });
    sp = false;
  };
  while (i < n && toks.length < MAX_TOKENS) {
    if (inTpl) {
      // Template characters up to `${` or the closing backtick.
      let j = i;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (c === 96) break;
        if (c === 36 && s.charCodeAt(j + 1) === 123) break;
        j += c === 92 ? 2 : 1;
      }
      if (j > i) push("str", s.slice(i, Math.min(j, n)), i);
      if (j >= n) break;
      if (s.charCodeAt(j) === 96) {
        push("tple", "`", j);
        inTpl = false;
        i = j + 1;
      } else {
        push("p", "${", j);
        substDepth.push(braces);
        inTpl = false;
        i = j + 2;
      }
      continue;
    }
    const c = s.charCodeAt(i);
    if (c <= 32) {
      sp = true;
      i++;
      continue;
    }
    if (isUniSpace(c)) {
      i++;
      continue;
    }
    if (c === 47 /* / */) {
      const d = s.charCodeAt(i + 1);
      if (d === 42) {
        const close = s.indexOf("*/", i + 2);
        i = close === -1 ? n : close + 2;
        continue;
      }
      if (d === 47) {
        const nl = s.indexOf("\n", i + 2);
        i = nl === -1 ? n : nl + 1;
        sp = true;
        continue;
      }
      if (!endsExpression(toks[toks.length - 1])) {
        // Regular expression literal: up to an unescaped `/` outside a class.
        let j = i + 1;
        let cls = false;
        // Bounded: a `/` without its closing `/` nearby is division, not a regex.
        const stop = Math.min(n, i + 256);
        while (j < stop) {
          const e = s.charCodeAt(j);
          if (e === 92) j++;
          else if (e === 91) cls = true;
          else if (e === 93) cls = false;
          else if (e === 47 && !cls) break;
          else if (e === 10) break;
          j++;
        }
        if (j < stop && s.charCodeAt(j) === 47) {
          push("re", s.slice(i + 1, j), i);
          j++;
          while (j < n && isIdPart(s.charCodeAt(j))) j++;
          i = j;
          continue;
        }
      }
      push("p", "/", i);
      i++;
      continue;
    }
    if (c === 60 /* < */ && s.startsWith("!--", i + 1)) {
      const nl = s.indexOf("\n", i + 4);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (c === 34 || c === 39) {
      let j = i + 1;
      // Fast path: no escape before the closing quote.
      while (j < n && s.charCodeAt(j) !== c && s.charCodeAt(j) !== 92 && j - i < 4096) j++;
      let v = s.slice(i + 1, j);
      let esc = false;
      while (j < n) {
        const e = s.charCodeAt(j);
        if (e === c) break;
        if (e === 92) {
          const [ch, next] = readStringEscape(s, j + 1);
          const e1 = s.charCodeAt(j + 1);
          if (e1 === 120 || e1 === 117 || (e1 >= 48 && e1 <= 55)) esc = true;
          v += ch;
          j = next;
          continue;
        }
        v += s[j];
        j++;
        if (v.length > 4096) break;
      }
      push("str", v, i, esc);
      i = j + 1;
      continue;
    }
    if (c === 96) {
      push("tpl", "`", i);
      inTpl = true;
      i++;
      continue;
    }
    if (isIdStart(c) || (c === 92 && s.charCodeAt(i + 1) === 117)) {
      let j = i;
      // Fast path: plain identifier characters.
      while (j < n && j - i < 256 && isIdPart(s.charCodeAt(j))) j++;
      let v = s.slice(i, j);
      while (j < n) {
        const e = s.charCodeAt(j);
        if (e === 92 && s.charCodeAt(j + 1) === 117) {
          const r = readUnicodeEscape(s, j + 2);
          if (r === null) break;
          v += r[0];
          j = r[1];
          continue;
        }
        if (!isIdPart(e)) break;
        v += s[j];
        j++;
        if (v.length > 256) break;
      }
      if (j === i) {
        i++;
        continue;
      }
      push("id", v, i);
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
      let j = i;
      let dot = false;
      while (j < n) {
        const e = s.charCodeAt(j);
        if (e === 46) {
          if (dot) break;
          dot = true;
        } else if (!isIdPart(e)) break;
        j++;
      }
      push("num", s.slice(i, j), i);
      i = j;
      continue;
    }
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c === 123) braces++;
    else if (c === 125) {
      if (substDepth.length > 0 && substDepth[substDepth.length - 1] === braces) {
        substDepth.pop();
        push("p", "}", i);
        inTpl = true;
        i++;
        continue;
      }
      braces--;
    }
    push("p", s[i]!, i);
    i++;
  }
  return toks;
}

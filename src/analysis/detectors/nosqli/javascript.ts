import type { DetectorMatch } from "../types.js";

/**
 * JavaScript injected into a `$where` clause, a mapReduce function or any server-side
 * evaluation of a string the application built as `"this.name == '" + input + "'"`:
 *  - a quote that closes the string, then `;`, `&&` or `||` and JavaScript
 *    (`'; return true; var x='`, `' && this.password.match(/.*\/)//`, `';sleep(5000);`,
 *    `';it=new Date();do{…}while(…)`);
 *  - a short literal ending the expression, then `;return …` (`0;return true`);
 *  - `this.field.match(` or `this.field ==` after a boolean operator, and `this.field`
 *    glued to `&&`/`||`;
 *  - a value opening with `&&`/`||` and a strict (in)equality (`&&(e===`);
 *  - a JavaScript-only tautology (`|| 1==1`, `&& 'a'==='a'`): SQL compares with `=`.
 */

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

function isIdent(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function skip(v: string, i: number): number {
  let j = i;
  while (j < v.length && j - i < 8 && isSpace(v.charCodeAt(j))) j++;
  return j;
}

function identEnd(v: string, i: number): number {
  let j = i;
  const lim = Math.min(v.length, i + 48);
  while (j < lim && isIdent(v.charCodeAt(j))) j++;
  return j;
}

/** Statement starts that mean JavaScript rather than SQL after a string break. */
const JS_STARTS: ReadonlySet<string> = new Set(["return", "sleep", "this", "while", "emit", "tojson", "db"]);

/** `;`, `&&` or `||` at `i`: its length, else 0. */
function joinerAt(v: string, i: number): number {
  const c = v.charCodeAt(i);
  if (c === 59) return 1;
  if ((c === 38 || c === 124) && v.charCodeAt(i + 1) === c) return 2;
  return 0;
}

/** JavaScript statement at `i`: a known start, or `x=new Date`. Returns its end or -1. */
function jsStatementAt(v: string, i: number): number {
  if (!isIdentStart(v.charCodeAt(i))) return -1;
  const e = identEnd(v, i);
  const w = v.slice(i, e);
  if (JS_STARTS.has(w)) {
    const c = v.charCodeAt(e);
    if (w === "sleep" || w === "emit" || w === "tojson") return c === 40 ? e + 1 : -1;
    if (w === "this" || w === "db") return c === 46 ? e + 1 : -1;
    if (w === "while") return v.charCodeAt(skip(v, e)) === 40 ? e : -1;
    return isSpace(c) || c === 40 || c === 39 || c === 34 || c === 33 ? e : -1; // return
  }
  // `it=new Date()`: the timing loop of a blind $where injection.
  let j = skip(v, e);
  if (v.charCodeAt(j) !== 61 || v.charCodeAt(j + 1) === 61) return -1;
  j = skip(v, j + 1);
  return v.startsWith("new Date", j) ? j + 8 : -1;
}

function quoteBreak(v: string): DetectorMatch | null {
  return quoteBreakWith(v, "'") ?? quoteBreakWith(v, '"');
}

function quoteBreakWith(v: string, quote: string): DetectorMatch | null {
  let i = v.indexOf(quote);
  for (let g = 0; i !== -1 && g < 256; g++, i = v.indexOf(quote, i + 1)) {
    const j = skip(v, i + 1);
    const len = joinerAt(v, j);
    if (len === 0) continue;
    const k = skip(v, j + len);
    const e = jsStatementAt(v, k);
    if (e !== -1) return { signature: "nosqli.js-injection", start: i, end: e };
  }
  return null;
}

/** The text before `;` closes an expression: nothing, a number, a closed string, a literal. */
function literalPrefix(v: string, end: number): boolean {
  if (end > 24) return false;
  const p = v.slice(0, end).trim();
  if (p.length === 0 || p === "true" || p === "false" || p === "null") return true;
  const last = p.charCodeAt(p.length - 1);
  if (last === 39 || last === 34) return p.indexOf(" ") === -1;
  for (let k = 0; k < p.length; k++) {
    const c = p.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `0;return true`: a literal then `;return`. */
function literalReturn(v: string): DetectorMatch | null {
  let i = v.indexOf("return");
  for (let g = 0; i !== -1 && g < 32; g++) {
    let b = i - 1;
    while (b >= 0 && i - b < 8 && isSpace(v.charCodeAt(b))) b--;
    if (b >= 0 && v.charCodeAt(b) === 59 && literalPrefix(v, b)) {
      const a = i + 6;
      const c = v.charCodeAt(a);
      if (isSpace(c) || c === 40 || c === 39 || c === 34 || c === 33) {
        return { signature: "nosqli.js-injection", start: b, end: a };
      }
    }
    i = v.indexOf("return", i + 6);
  }
  return null;
}

/** `this.field.match(` / `this.field ==` after `&&`, `||`, `;`, `(`, a quote or the start. */
function thisField(v: string): DetectorMatch | null {
  let i = v.indexOf("this.");
  for (let g = 0; i !== -1 && g < 32; g++) {
    let b = i - 1;
    while (b >= 0 && i - b < 8 && isSpace(v.charCodeAt(b))) b--;
    const pc = b < 0 ? -1 : v.charCodeAt(b);
    if (pc === -1 || pc === 38 || pc === 124 || pc === 59 || pc === 40 || pc === 39 || pc === 34) {
      const fe = identEnd(v, i + 5);
      if (fe > i + 5) {
        if (v.startsWith(".match(", fe)) return { signature: "nosqli.js-injection", start: i, end: fe + 7 };
        // `7||this.product`, `'&&this.x`: a literal, then a JavaScript boolean operator glued
        // to a document field — the application's `this.id == 7` continued. (Source code
        // spaces its operators: `a && this.x`.)
        if ((pc === 38 || pc === 124) && b === i - 1 && b >= 2 && v.charCodeAt(b - 1) === pc) {
          const lit = v.charCodeAt(b - 2);
          if ((lit >= 48 && lit <= 57) || lit === 39 || lit === 34)
            return { signature: "nosqli.js-injection", start: b - 1, end: fe };
        }
        const a = skip(v, fe);
        const c = v.charCodeAt(a);
        if ((c === 61 || c === 33) && v.charCodeAt(a + 1) === 61) {
          return { signature: "nosqli.js-injection", start: i, end: a + 2 };
        }
      }
    }
    i = v.indexOf("this.", i + 5);
  }
  return null;
}

/** A literal at `i`: digits or a quoted string; returns its end or -1. */
function literalEnd(v: string, i: number): number {
  const c = v.charCodeAt(i);
  if (c >= 48 && c <= 57) {
    let j = i + 1;
    while (j < v.length && j - i < 16 && v.charCodeAt(j) >= 48 && v.charCodeAt(j) <= 57) j++;
    return j;
  }
  if (c === 39 || c === 34) {
    const close = v.indexOf(v[i]!, i + 1);
    return close === -1 || close - i > 32 ? -1 : close + 1;
  }
  return -1;
}

/** `|| 1==1`, `&& 'a'==='a'`: both sides the same literal, compared with `==`/`===`. */
export function tautology(v: string): DetectorMatch | null {
  let i = v.indexOf("==");
  for (let g = 0; i !== -1 && g < 32; g++) {
    let eq = i + 2;
    if (v.charCodeAt(eq) === 61) eq++;
    // Left literal, ending right before the operator (blanks allowed).
    let b = i - 1;
    while (b >= 0 && i - b < 4 && isSpace(v.charCodeAt(b))) b--;
    const rs = skip(v, eq);
    let re = literalEnd(v, rs);
    let right = re === -1 ? "" : v.slice(rs, re);
    // `' || '1'=='1`: the closing quote of the right side is the application's.
    const q = v.charCodeAt(rs);
    if (re === -1 && (q === 39 || q === 34) && v.length - rs <= 32 && v.indexOf(v[rs]!, rs + 1) === -1) {
      re = v.length;
      right = v.slice(rs) + v[rs]!;
    }
    if (b >= 0 && re !== -1) {
      const ls = b + 1 - right.length;
      if (ls >= 0 && v.slice(ls, b + 1) === right) {
        let j = ls - 1;
        while (j >= 0 && ls - j < 8 && isSpace(v.charCodeAt(j))) j--;
        if (j >= 1 && joinerAt(v, j - 1) === 2)
          return { signature: "nosqli.js-tautology", start: j - 1, end: re };
      }
    }
    i = v.indexOf("==", eq);
  }
  return null;
}

/**
 * `new Date` polled in a `while (…)` loop: the busy-wait a blind `$where` injection uses
 * as a clock (MongoDB's server-side JavaScript has no sleep in recent versions). A form
 * parser may have cut the payload at its `=`, so the loop is looked for on its own.
 */
function timingLoop(v: string): DetectorMatch | null {
  const d = v.indexOf("new Date");
  if (d === -1) return null;
  let w = v.indexOf("while", d);
  for (let g = 0; w !== -1 && g < 8; g++) {
    if (v.charCodeAt(skip(v, w + 5)) === 40) return { signature: "nosqli.js-timing", start: d, end: w + 6 };
    w = v.indexOf("while", w + 5);
  }
  return null;
}

/**
 * `&&(e===`, `|| (x !== 1`: a value that opens with a JavaScript boolean operator and a
 * strict (in)equality — JavaScript's alone, SQL has neither — continuing the expression
 * the application evaluates. JavaScript source does not start with `&&`.
 */
function leadingJoiner(v: string): DetectorMatch | null {
  let i = skip(v, 0);
  if (joinerAt(v, i) !== 2) return null;
  i = skip(v, i + 2);
  if (v.charCodeAt(i) === 40) i = skip(v, i + 1);
  if (!isIdentStart(v.charCodeAt(i))) return null;
  let e = identEnd(v, i);
  while (v.charCodeAt(e) === 46 && isIdentStart(v.charCodeAt(e + 1))) e = identEnd(v, e + 1);
  const o = skip(v, e);
  const c = v.charCodeAt(o);
  if ((c === 61 || c === 33) && v.charCodeAt(o + 1) === 61 && v.charCodeAt(o + 2) === 61)
    return { signature: "nosqli.js-injection", start: 0, end: o + 3 };
  return null;
}

export function findJavaScript(v: string): DetectorMatch | null {
  return (
    quoteBreak(v) ?? literalReturn(v) ?? thisField(v) ?? tautology(v) ?? leadingJoiner(v) ?? timingLoop(v)
  );
}

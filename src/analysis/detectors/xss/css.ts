/**
 * Script in CSS: IE's `expression(…)` and `behavior:url(…)`, Gecko's `-moz-binding`,
 * `url(javascript:…)`, and `@import` of a remote style sheet.
 *
 * Before matching, CSS text is brought to the form a CSS tokenizer sees (CSS Syntax
 * Level 3 §4.3): comments removed, escapes `\65 ` / `\e` decoded, then whitespace
 * dropped and letters lowered, so `exp/**\/ression(`, `\65xpression(` and
 * `ja\vascript:` all match.
 */

const MAX_CSS = 8192;

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Comments out, escapes decoded, whitespace and controls dropped, lower case. */
export function normalizeCss(s: string): string {
  const n = Math.min(s.length, MAX_CSS);
  let out = "";
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 47 /* / */ && s.charCodeAt(i + 1) === 42 /* * */) {
      const close = s.indexOf("*/", i + 2);
      i = close === -1 ? n : close + 2;
      continue;
    }
    if (c === 92 /* \ */) {
      let j = i + 1;
      let cp = 0;
      let digits = 0;
      while (j < n && digits < 6) {
        const v = hexVal(s.charCodeAt(j));
        if (v < 0) break;
        cp = cp * 16 + v;
        digits++;
        j++;
      }
      if (digits > 0) {
        if (j < n && s.charCodeAt(j) <= 32) j++;
        out +=
          cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : "\ufffd";
        i = j;
        continue;
      }
      // `\` before any other character stands for that character; before a newline it
      // is a line continuation.
      i++;
      continue;
    }
    if (c > 32) out += s[i];
    i++;
  }
  return out.toLowerCase();
}

const STRONG_CSS = [
  "expression(",
  "javascript:",
  "vbscript:",
  "binding:",
  "behavior:",
  "behaviour:",
  "@import",
];

/** Inside a `style` attribute or a `<style>` element: any of the signs. */
export function cssIsActive(style: string): boolean {
  const t = normalizeCss(style);
  for (const m of STRONG_CSS) if (t.includes(m)) return true;
  return (
    t.includes("url(") &&
    (t.includes("url(javascript") || t.includes("url('javascript") || t.includes('url("javascript'))
  );
}

/**
 * A `style` attribute holds a declaration list (CSS Style Attributes §2): braces,
 * brackets, escapes, comments or control characters in it are CSS injection (breaking
 * out of the declaration, hiding a keyword), and `url(….svg)` pulls in an SVG document
 * that may hold script. Inline styles written by people and editors have none of these.
 */
export function cssIsMalformed(style: string): boolean {
  for (let i = 0; i < style.length && i < MAX_CSS; i++) {
    const c = style.charCodeAt(i);
    // Tabs and line breaks are CSS whitespace (editors write them); other controls are not.
    if (
      c === 123 ||
      c === 125 ||
      c === 91 ||
      c === 93 ||
      (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12)
    ) {
      return true;
    }
    // A CSS escape (`\65`, `\e`); `\"` and `\\` are the JSON or JS string holding the
    // markup, not CSS.
    if (c === 92) {
      const d = style.charCodeAt(i + 1);
      if ((d >= 48 && d <= 57) || ((d | 0x20) >= 97 && (d | 0x20) <= 122)) return true;
    }
    if (c === 47 && style.charCodeAt(i + 1) === 42) return true;
  }
  const t = style.toLowerCase();
  const u = t.indexOf("url(");
  return u !== -1 && t.indexOf(".svg", u) !== -1;
}

/**
 * In free text (a parameter that is reflected into a style): only unambiguous signs.
 * `expression(` needs a property before it (`x:expression(`), as "regular expression
 * (regex)" is English; `@import` needs a target after it.
 */
export function bareCssSign(lower: string): number {
  let i = lower.indexOf("-moz-binding");
  if (i !== -1) {
    let j = i + 12;
    while (j < lower.length && lower.charCodeAt(j) <= 32) j++;
    if (lower.charCodeAt(j) === 58 /* : */) return i;
  }
  i = lower.indexOf("url");
  while (i !== -1) {
    let j = i + 3;
    while (j < lower.length && lower.charCodeAt(j) <= 32) j++;
    if (lower.charCodeAt(j) === 40 /* ( */) {
      j++;
      while (j < lower.length && (lower.charCodeAt(j) <= 32 || lower[j] === "'" || lower[j] === '"')) j++;
      if (lower.startsWith("javascript", j) || lower.startsWith("vbscript", j)) return i;
    }
    i = lower.indexOf("url", i + 3);
  }
  i = lower.indexOf("expression");
  if (i !== -1 && lower.indexOf("\\") !== -1 && normalizeCss(lower).includes(":expression(")) return i;
  while (i !== -1) {
    let j = i + 10;
    while (j < lower.length && (lower.charCodeAt(j) <= 32 || lower.startsWith("/*", j))) {
      j = lower.startsWith("/*", j) ? skipComment(lower, j) : j + 1;
    }
    let b = i - 1;
    while (b >= 0 && lower.charCodeAt(b) <= 32) b--;
    if (lower.charCodeAt(j) === 40 && b >= 0 && lower.charCodeAt(b) === 58 /* : */) return i;
    i = lower.indexOf("expression", i + 10);
  }
  for (const w of ["behavior", "behaviour"]) {
    i = lower.indexOf(w);
    if (i !== -1) {
      const rest = lower.slice(i + w.length, i + w.length + 32).replace(/\s+/g, "");
      if (rest.startsWith(":url(")) return i;
    }
  }
  i = lower.indexOf("@import");
  if (i !== -1) {
    let j = i + 7;
    while (j < lower.length && lower.charCodeAt(j) <= 32) j++;
    const c = lower[j];
    if (c === "'" || c === '"' || lower.startsWith("url(", j)) return i;
  }
  return -1;
}

function skipComment(s: string, j: number): number {
  const close = s.indexOf("*/", j + 2);
  return close === -1 ? s.length : close + 2;
}

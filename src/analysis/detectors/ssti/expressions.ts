/**
 * Finds template expressions in a value: the delimiters of the common engines, each with
 * the text it encloses. Delimiters (from each engine's documentation):
 *  `{{ }}` Jinja2, Twig, Nunjucks, Handlebars, Angular, Go; `{% %}` Jinja2/Twig/Tornado
 *  statements; `${ }` FreeMarker, Velocity, JSP EL, Thymeleaf, Mako, JS template
 *  literals; `#{ }` Ruby/Pug interpolation, JSF EL, Thymeleaf messages; `*{ }` Thymeleaf
 *  selection; `<%= %>`/`<% %>` ERB, EJS, JSP, ASP; `@( )` Razor; `{ }` Smarty tags;
 *  `<# >`/`[# ]` FreeMarker directives.
 * Nested braces are balanced; every search is bounded.
 */

export type Delim = "{{" | "{%" | "${" | "#{" | "*{" | "<%" | "@(" | "{$" | "{";

export interface TemplateExpr {
  readonly delim: Delim;
  /** The enclosed text, without delimiters. */
  readonly body: string;
  readonly start: number;
  readonly end: number;
  /** True when the closing delimiter was found. */
  readonly closed: boolean;
}

const MAX_EXPRS = 32;
/** Tag names that open a Smarty tag worth reading (others: JSON, CSS, prose). */
const SMARTY_TAG =
  /^\s*(?:\$|\/?php\b|if\s|math\s|fetch\s|eval\s|include\s|literal\b|system\s*\(|exec\s*\(|passthru\s*\(|shell_exec\s*\(|popen\s*\(|phpinfo\s*\(|readfile\s*\(|file_get_contents\s*\(|smarty)/i;
const MAX_BODY = 1024;

/** Index of the brace that closes the one at `open`, or -1. */
function closeBrace(s: string, open: number, openCh: number, closeCh: number): number {
  let depth = 0;
  const lim = Math.min(s.length, open + MAX_BODY);
  for (let i = open; i < lim; i++) {
    const c = s.charCodeAt(i);
    if (c === openCh) depth++;
    else if (c === closeCh && --depth === 0) return i;
  }
  return -1;
}

export function findExpressions(s: string): TemplateExpr[] {
  const out: TemplateExpr[] = [];
  // Unclosed openers each cost a bounded forward scan; stop trying after a few.
  let misses = 0;
  const n = s.length;
  for (let i = 0; i < n - 1 && out.length < MAX_EXPRS; i++) {
    const c = s.charCodeAt(i);
    const d = s.charCodeAt(i + 1);
    if (c === 123 /* { */) {
      if (d === 123 || d === 37 /* % */) {
        // `{{ expression }}` or `{% statement %}`: the same scan, other closing pair.
        const delim = d === 123 ? "{{" : "{%";
        const close = s.indexOf(d === 123 ? "}}" : "%}", i + 2);
        const end = close === -1 ? Math.min(n, i + 2 + MAX_BODY) : close;
        out.push({
          delim,
          body: s.slice(i + 2, end),
          start: i,
          end: close === -1 ? end : close + 2,
          closed: close !== -1,
        });
        i = Math.max(i, end - 1);
        continue;
      }
      // Smarty-style single-brace tag: `{$smarty.version}`, `{php}`, `{system('id')}`.
      if (misses > 16 || !SMARTY_TAG.test(s.slice(i + 1, i + 24))) continue;
      const close = closeBrace(s, i, 123, 125);
      if (close === -1) misses++;
      if (close !== -1 && close - i > 1) {
        const prev = i > 0 ? s.charCodeAt(i - 1) : 32;
        if (prev !== 36 && prev !== 35 && prev !== 42 && prev !== 123) {
          out.push({
            delim: d === 36 ? "{$" : "{",
            body: s.slice(i + 1, close),
            start: i,
            end: close + 1,
            closed: true,
          });
        }
      }
      continue;
    }
    if ((c === 36 || c === 35 || c === 42) && d === 123) {
      const close = misses > 16 ? -1 : closeBrace(s, i + 1, 123, 125);
      if (close === -1) misses++;
      const end = close === -1 ? Math.min(n, i + 2 + MAX_BODY) : close;
      const delim: Delim = c === 36 ? "${" : c === 35 ? "#{" : "*{";
      out.push({
        delim,
        body: s.slice(i + 2, end),
        start: i,
        end: close === -1 ? end : close + 1,
        closed: close !== -1,
      });
      if (close !== -1) i = close;
      continue;
    }
    if (c === 60 && d === 37 /* <% */) {
      const close = s.indexOf("%>", i + 2);
      const end = close === -1 ? Math.min(n, i + 2 + MAX_BODY) : close;
      let from = i + 2;
      const e = s.charCodeAt(from);
      if (e === 61 || e === 45 || e === 35 || e === 33) from++;
      out.push({
        delim: "<%",
        body: s.slice(from, end),
        start: i,
        end: close === -1 ? end : close + 2,
        closed: close !== -1,
      });
      if (close !== -1) i = close + 1;
      continue;
    }
    if (c === 64 && d === 40 /* @( */ && misses <= 16) {
      const close = closeBrace(s, i + 1, 40, 41);
      if (close === -1) misses++;
      if (close !== -1) {
        out.push({ delim: "@(", body: s.slice(i + 2, close), start: i, end: close + 1, closed: true });
        i = close;
      }
    }
  }
  return out;
}

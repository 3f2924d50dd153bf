/**
 * What makes a template expression an injection rather than a placeholder.
 *
 * Decision on plain placeholders: `{{ user.name }}`, `${price}`, `#{name}`, `<%= title %>`
 * are NOT flagged. A CMS field, a mail template or a JSON config legitimately carries
 * them, and an engine that renders them only substitutes a value. What is flagged is
 * what only a probe or an exploit writes: arithmetic between literals (`{{7*7}}`, the
 * universal SSTI probe), walks through the object model (`__class__`, `getClass()`,
 * `T(java.lang.Runtime)`), calls of functions that reach the OS, engine internals
 * (`_self.env`, `self._TemplateReference__context`, `$smarty`), and template statements
 * (`{% import os %}`, `<#assign ex="…"?new()>`, `#set(…)`).
 */
import type { TemplateExpr } from "./expressions.js";

/** Literal arithmetic: `7*7`, `7 * '7'`, `1+1`, `49/7`, `(3*3)`. */
export function isArithmeticProbe(body: string): boolean {
  let b = body.trim();
  // One more brace layer (`${{7*7}}`: a `${` around Jinja braces), or an engine's output
  // or whitespace marker (`{{= 7*7}}` doT, `{{- 7*7 -}}` Jinja/Twig, `<%= %>` EJS/ERB).
  if (b.charCodeAt(0) === 123 && b.charCodeAt(b.length - 1) === 125) b = b.slice(1, -1).trim();
  if (b.charCodeAt(0) === 61 || b.charCodeAt(0) === 45) b = b.slice(1).trim();
  if (b.charCodeAt(b.length - 1) === 45) b = b.slice(0, -1).trim();
  if (b.length < 3 || b.length > 40) return false;
  let nums = 0;
  let ops = 0;
  let dashes = 0;
  let i = 0;
  let expectNum = true;
  while (i < b.length) {
    const c = b.charCodeAt(i);
    if (c === 32 || c === 40 || c === 41) {
      i++;
      continue;
    }
    if (expectNum) {
      let j = i;
      const q = b.charCodeAt(j);
      if (q === 39 || q === 34) j++;
      const st = j;
      while (j < b.length && b.charCodeAt(j) >= 48 && b.charCodeAt(j) <= 57) j++;
      if (j === st) return false;
      if (q === 39 || q === 34) {
        if (b.charCodeAt(j) !== q) return false;
        j++;
      }
      nums++;
      i = j;
      expectNum = false;
      continue;
    }
    if (c === 42 || c === 43 || c === 47 || c === 37 || c === 45) {
      if (c === 45) dashes++;
      ops++;
      i++;
      if (c === 42 && b.charCodeAt(i) === 42) i++;
      expectNum = true;
      continue;
    }
    return false;
  }
  // `2023-01-01` is a date, not a probe.
  return (
    nums >= 2 &&
    ops >= 1 &&
    !expectNum &&
    dashes < 2 &&
    !(dashes === 1 && ops === 1 && /^\d{4}-\d{1,2}$/.test(b))
  );
}

/** Object-model walks and engine internals: reaching them is the exploit. */
const TRAVERSAL: readonly string[] = [
  "__class__",
  "__mro__",
  "__subclasses__",
  "__globals__",
  "__builtins__",
  "__init__",
  "__import__",
  "__base__",
  "__bases__",
  "__dict__",
  "__getitem__",
  "__getattribute__",
  "__reduce__",
  "mro()",
  "getclass",
  "forname",
  "getruntime",
  "processbuilder",
  "classloader",
  "_templatereference__context",
  "_self.env",
  "registerundefinedfiltercallback",
  "getfilter(",
  "freemarker.template",
  "?new(",
  "?new (",
  "?api",
  "t(java",
  "t (java",
  "new java.",
  "java.lang",
  "javax.script",
  "scriptenginemanager",
  "request.application",
  "request.environ",
  "url_for.__",
  "lipsum.__",
  "cycler.__",
  "joiner.__",
  "namespace.__",
  "get_flashed_messages",
  "application.__",
  "os.popen",
  "os.system",
  "subprocess",
  "popen(",
  "system(",
  ".exec(",
  "exec(",
  "passthru(",
  "shell_exec(",
  "eval(",
  "require(",
  "process.mainmodule",
  "child_process",
  "constructor.constructor",
  "file.open(",
  "file.read(",
  "io.popen",
  "%x(",
  "`id`",
  "getenv(",
  ".inspect",
  "smarty.",
  "$smarty",
  "self.module",
  "self.__",
  "config.items",
  "config.__",
  "|attr(",
  'attr("__',
  "attr('__",
  '|map("system',
  "|map('system",
  '|filter("system',
  "|filter('system",
  "['__",
  '["__',
  "dump(app",
  "app.request",
  "_self",
  "display(",
  "setattribute(",
  "getattribute(",
  "invoke(",
];

/** Whole-expression recon probes: the engine's own objects by name. */
const RECON: ReadonlySet<string> = new Set([
  "self",
  "config",
  "request",
  "settings",
  "_self",
  "app",
  "smarty.version",
  "$smarty.version",
  "smarty",
  "dump(app)",
  "_context",
  "__context",
  "env",
  "globals",
  "this",
  "request.environ",
  "g",
  "session",
  "cycler",
  "lipsum",
  "joiner",
  "namespace",
  "url_for",
  "get_flashed_messages",
]);

/** `{% if %}`, `{% import os %}`, `{% for x in y %}`…: statement keywords of Jinja2/Twig/Tornado/Django. */
const STATEMENTS =
  /^\s*(?:-\s*)?(?:if|for|set|import|from|include|extends|macro|call|filter|with|block|print|debug|module|apply|embed|sandbox|do|load|python|exec)\b/i;

/** Statements that reach outside the template by themselves: modules, files, code, dumps. */
const REACHING =
  /^\s*(?:-\s*)?(?:import|from|include|extends|embed|load|python|exec|debug|module|do|sandbox|print)\b/i;
/**
 * Inside a statement: a call, a literal (`True`, `none`, numbers, strings), an operator or
 * a dunder, not only names (`{% if True %}49{% endif %}` is a probe).
 */
const STATEMENT_CODE = /[()[\]'"*+/%=<>|]|__|\d|\b(?:true|false|none|null|nil)\b/i;

/** A method call on an object path: `x.y()`, `'s'.upper()`, `a.b.c(d)`. */
const METHOD_CALL = /[\w'")\]]\s*\.\s*[A-Za-z_]\w{0,40}\s*\(/;

export interface Verdict {
  readonly signature: string;
}

export function judgeExpression(e: TemplateExpr): Verdict | null {
  const body = e.body;
  const lower = body.toLowerCase();
  const trimmed = lower.trim();
  switch (e.delim) {
    case "{%":
      // Control flow over plain names (`{% for item in items %}`, `{% if user %}`,
      // `{% endblock %}`) is what people write about templates, and runs nothing; a
      // statement that reaches outside the template (imports, includes, debug dumps) or
      // holds calls, literals, operators or dunders is a probe or an exploit.
      if (e.closed && STATEMENTS.test(body) && (REACHING.test(body) || STATEMENT_CODE.test(body)))
        return { signature: "ssti.template-statement" };
      break;
    case "{":
    case "{$": {
      // Smarty tags: `{php}`, `{$smarty.version}`, `{system('id')}`, `{if system(...)}`.
      if (trimmed === "php" || trimmed === "/php" || trimmed.startsWith("php}"))
        return { signature: "ssti.smarty" };
      if (trimmed.startsWith("$smarty") || trimmed.startsWith("smarty_internal"))
        return { signature: "ssti.smarty" };
      if (/^(?:if|math|fetch|eval|include|literal)\b/.test(trimmed) && /[(=$]/.test(trimmed)) {
        if (
          /(?:system|exec|passthru|shell_exec|popen|file_get_contents|readfile|phpinfo)\s*\(|file=|equation=/.test(
            trimmed,
          )
        )
          return { signature: "ssti.smarty" };
      }
      if (/^(?:system|exec|passthru|shell_exec|popen|phpinfo|readfile|file_get_contents)\s*\(/.test(trimmed))
        return { signature: "ssti.smarty" };
      return null;
    }
    default:
      break;
  }
  if (isArithmeticProbe(body)) return { signature: "ssti.arithmetic-probe" };
  if (RECON.has(trimmed)) return { signature: "ssti.recon" };
  for (const t of TRAVERSAL) if (lower.indexOf(t) !== -1) return { signature: "ssti.object-traversal" };
  if (e.delim === "<%" && e.closed && body.length < 256) {
    // ERB/EJS/JSP code: a call or a statement rather than a bare name.
    if (/^\s*(?:if|for|while|import|require|include|=\s*\w)\b/.test(body) || /\w\s*\(|`/.test(body))
      return { signature: "ssti.code-block" };
  }
  if (
    e.delim === "{{" &&
    /^\s*#\s*(?:with|each|blockhelpermissing)\b/.test(lower) &&
    /string|constructor|lookup|apply/.test(lower)
  )
    return { signature: "ssti.handlebars" };
  if (
    (e.delim === "{{" || e.delim === "${" || e.delim === "#{" || e.delim === "*{" || e.delim === "@(") &&
    METHOD_CALL.test(body)
  )
    return { signature: "ssti.method-call" };
  if (e.delim === "@(" && /\w\s*\(/.test(body)) return { signature: "ssti.method-call" };
  return null;
}

/** Directive syntaxes outside the expression delimiters (FreeMarker, Velocity). */
export function judgeDirectives(s: string, lower: string): { signature: string; at: number } | null {
  let k = lower.indexOf("<#");
  if (k === -1) k = lower.indexOf("[#");
  if (
    k !== -1 &&
    /^[<[]#(?:assign|include|import|macro|function|list|if|setting|attempt|visit|ftl)\b/.test(
      lower.slice(k, k + 14),
    )
  )
    return { signature: "ssti.freemarker", at: k };
  if (lower.indexOf("?new(") !== -1 || lower.indexOf("freemarker.template.utility") !== -1)
    return { signature: "ssti.freemarker", at: 0 };
  const v = /#(?:set|foreach|evaluate|define|macro|parse|include)\s*\(\s*[$'"]/.exec(s);
  if (v) return { signature: "ssti.velocity", at: v.index };
  const c =
    /\$\{?\s*(?:class|request|session|application|context|servletcontext)\s*\.\s*(?:inspect|getclass|forname|type|getruntime|getattribute|servletcontext|classloader)/i.exec(
      s,
    );
  if (c) return { signature: "ssti.velocity", at: c.index };
  return null;
}

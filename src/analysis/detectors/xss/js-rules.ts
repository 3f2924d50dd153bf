/**
 * Signs of injected JavaScript, judged on tokens (js-tokenizer.ts) rather than on
 * characters, so that comments, escapes, string concatenation and whitespace do not hide
 * them. Each sign is something an XSS payload needs and ordinary text does not have:
 *  - a call of a dialog or code-evaluating function (`alert(1)`, `eval(…)`,
 *    `setTimeout("…")`, `Function(…)()`), also without parentheses (`alert\`1\``,
 *    `alert.call(…)`, `${alert}`, `(alert)(1)`, `[1].find(alert)`);
 *  - computed access to a global or a dangerous property (`top['al'+'ert']`,
 *    `self[/al/.source+/ert/.source]`, `x["\143onstructor"]`);
 *  - the Function constructor reached through `constructor` (`constructor.constructor(…)`,
 *    AngularJS sandbox escapes);
 *  - reads of what an attacker steals or writes (`document.cookie`, `document.domain`,
 *    `location.href=`, `.innerHTML`, `String.fromCharCode`);
 *  - calling a function with a tagged template (`[].sort.call\`${alert}1\``).
 */
import { type Tok, tokenizeJs } from "./js-tokenizer.js";

/** Functions whose call is the point of a payload. */
const SINKS: ReadonlySet<string> = new Set([
  "alert",
  "prompt",
  "confirm",
  "eval",
  "Function",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "execScript",
  "msgbox",
  "MsgBox",
  "atob",
  "btoa",
  "import",
  "globalEval",
  // AngularJS scope evaluation, the usual end of a sandbox escape.
  "$eval",
]);

/** Sinks that show something even when called empty: `alert()` is the usual proof. */
const VISIBLE_EMPTY: ReadonlySet<string> = new Set(["alert", "prompt", "confirm", "msgbox", "MsgBox"]);

/**
 * Sinks that do nothing when called with no argument (`eval()` is undefined, `setTimeout()`
 * schedules nothing, `atob()` throws): named in prose ("What does eval() do?"), not a
 * payload. `alert()`, `prompt()`, `confirm()` open a dialog even empty, the usual proof.
 */
const INERT_EMPTY: ReadonlySet<string> = new Set([...SINKS].filter((n) => !VISIBLE_EMPTY.has(n)));

/** Sinks that are also English words: in free text they need stronger evidence. */
const ENGLISH: ReadonlySet<string> = new Set(["alert", "prompt", "confirm", "import"]);

/** Objects through which payloads reach everything else. */
const GLOBALS: ReadonlySet<string> = new Set([
  "window",
  "self",
  "top",
  "parent",
  "frames",
  "globalThis",
  "document",
  "opener",
  "content",
]);

/** `object.property` pairs that are what an attacker reads or writes. */
const MEMBER_SIGNS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [
    "document",
    new Set(["cookie", "domain", "write", "writeln", "location", "createElement", "documentElement", "body"]),
  ],
  ["window", new Set(["location", "eval", "alert", "name", "open"])],
  ["self", new Set(["location", "eval", "alert"])],
  ["top", new Set(["location", "eval", "alert"])],
  ["parent", new Set(["location", "eval", "alert"])],
  ["location", new Set(["href", "hash", "replace", "assign", "search"])],
  ["String", new Set(["fromCharCode", "fromCodePoint"])],
]);

/** Is `object.property` one of the pairs above (the prefilter asks too)? */
export function isMemberSign(object: string, property: string): boolean {
  return MEMBER_SIGNS.get(object)?.has(property) === true;
}

/** Properties that are a sign wherever they are read. */
export const PROPS: ReadonlySet<string> = new Set([
  "innerHTML",
  "outerHTML",
  "fromCharCode",
  "getScript",
  "globalEval",
  "srcdoc",
]);

/** Names that, reached as a computed member (`x["…"]`), give code execution. */
const DANGEROUS_NAMES: ReadonlySet<string> = new Set([
  ...SINKS,
  "constructor",
  "cookie",
  "domain",
  "location",
  "write",
  "writeln",
  "innerHTML",
  "outerHTML",
  "createElement",
  "fromCharCode",
  "getScript",
  "__proto__",
  "call",
  "apply",
]);

/** DOM properties whose assignment writes markup or text into the page. */
export const DOM_WRITES: ReadonlySet<string> = new Set([
  "innerHTML",
  "outerHTML",
  "textContent",
  "innerText",
  "srcdoc",
]);

const CALLERS: ReadonlySet<string> = new Set(["call", "apply", "bind"]);

export interface JsSign {
  readonly sig: string;
  readonly pos: number;
}

function isEventName(name: string): boolean {
  if (name.length < 5 || name.charCodeAt(0) !== 111 || name.charCodeAt(1) !== 110) return false;
  for (let k = 2; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function isP(t: Tok | undefined, v: string): boolean {
  return t !== undefined && t.t === "p" && t.v === v;
}
function isId(t: Tok | undefined, v?: string): boolean {
  return t !== undefined && t.t === "id" && (v === undefined || t.v === v);
}

/**
 * An English-word sink followed by `(` after a space (`confirm (…)`) is a call only if
 * what is inside looks like code: nothing, a literal, a template or a global.
 */
function argLooksLikeCode(toks: readonly Tok[], i: number): boolean {
  const a = toks[i];
  if (a === undefined) return false;
  if (isP(a, ")")) return true;
  if (a.t === "str" || a.t === "tpl") return true;
  if (a.t === "num") return isP(toks[i + 1], ")");
  if (a.t === "id") return GLOBALS.has(a.v) || isP(toks[i + 1], ".");
  return false;
}

/**
 * Folds a constant string expression starting at `i` (inside `[ … ]`): string literals,
 * templates without substitutions, `/re/.source`, `N..toString(radix)`, and `[ "…" ][0]`,
 * joined with `+`. Returns the folded value or null.
 */
export function foldString(toks: readonly Tok[], i: number): string | null {
  let out = "";
  let k = i;
  for (let parts = 0; parts < 16; parts++) {
    const t = toks[k];
    if (t === undefined) return null;
    if (t.t === "str") {
      out += t.v;
      k++;
    } else if (t.t === "tpl") {
      const body = toks[k + 1];
      if (body?.t === "str" && toks[k + 2]?.t === "tple") {
        out += body.v;
        k += 3;
      } else if (toks[k + 1]?.t === "tple") k += 2;
      else return null;
    } else if (t.t === "re" && isP(toks[k + 1], ".") && isId(toks[k + 2], "source")) {
      out += t.v;
      k += 3;
    } else if (
      t.t === "num" &&
      isP(toks[k + 1], ".") &&
      isId(toks[k + 2], "toString") &&
      isP(toks[k + 3], "(")
    ) {
      const radix = Number(toks[k + 4]?.v);
      const num = Number(t.v.endsWith(".") ? t.v.slice(0, -1) : t.v);
      if (!(radix >= 2 && radix <= 36) || !Number.isSafeInteger(num) || !isP(toks[k + 5], ")")) return null;
      out += num.toString(radix);
      k += 6;
    } else if (isP(t, "[") && toks[k + 1]?.t === "str" && isP(toks[k + 2], "]") && isP(toks[k + 3], "[")) {
      // `['a'][0]`: an array literal indexed at once.
      out += toks[k + 1]!.v;
      k += 6;
    } else return null;
    if (!isP(toks[k], "+")) break;
    k++;
  }
  return out;
}

/**
 * Could an expression start right after `t`? At the start of the text, after an operator,
 * an opening bracket or `;` — not after a word or a `/` (prose: "see docs/window.location",
 * "read document.cookie").
 */
function startsExpression(t: Tok | undefined): boolean {
  if (t === undefined) return true;
  if (t.t === "id") return KEYWORDS_BEFORE_EXPR.has(t.v);
  if (t.t !== "p") return false;
  return t.v !== "." && t.v !== "/" && t.v !== ")" && t.v !== "]" && t.v !== "}";
}

/** Is the token at `i` the start of a computed member access (`x[`, `)[`, `][`)? */
function isMemberBracket(toks: readonly Tok[], i: number): boolean {
  const prev = toks[i - 1];
  if (prev === undefined) return false;
  if (prev.t === "id") return !KEYWORDS_BEFORE_EXPR.has(prev.v);
  if (prev.t === "str" || prev.t === "tple") return true;
  return isP(prev, ")") || isP(prev, "]");
}
const KEYWORDS_BEFORE_EXPR: ReadonlySet<string> = new Set([
  "return",
  "typeof",
  "in",
  "of",
  "new",
  "void",
  "throw",
  "case",
]);

/**
 * Looks for a sign of injected script in `toks`. `strict` is true where the text is
 * known to be script (an event handler, a `javascript:` URL, a `<script>` body): there an
 * English-word sink followed by `(` counts even after a space. `members` false leaves out
 * the `document.cookie`-style reads (for path segments, where they name documents).
 * `depth` bounds the look into escaped string literals.
 */
export function findJsSign(toks: readonly Tok[], strict: boolean, members = true, depth = 0): JsSign | null {
  const n = toks.length;
  for (let i = 0; i < n; i++) {
    const t = toks[i]!;
    const next = toks[i + 1];
    const prev = toks[i - 1];
    if (t.t === "id") {
      const name = t.v;
      if (SINKS.has(name)) {
        // "What does eval() do?": nothing to run, named after a word of a sentence (no
        // expression puts a name right after another). Alone (`atob()`), after `new` or
        // an operator, or with its result called (`Function()()`) it stays a sign.
        const empty =
          isP(next, "(") &&
          next?.sp === false &&
          isP(toks[i + 2], ")") &&
          INERT_EMPTY.has(name) &&
          !isP(toks[i + 3], "(") &&
          prev?.t === "id" &&
          !KEYWORDS_BEFORE_EXPR.has(prev.v) &&
          t.sp;
        if (next !== undefined && (isP(next, "(") || next.t === "tpl") && !empty) {
          // An English word needs to stand where an expression starts (`';alert(1)`,
          // `x.alert(1)`), not after another word ("best chatgpt prompt(s)").
          const english = ENGLISH.has(name) && !strict;
          const placed = !english || startsExpression(prev) || isP(prev, ".");
          if (placed && (!english || !next.sp || argLooksLikeCode(toks, i + 2))) {
            // `import(` with a space is English ("willing to import (and…").
            if (!(name === "import" && next.sp && !strict)) return { sig: "xss.js-sink-call", pos: t.pos };
          }
        }
        // `alert.call(null,1)`, `prompt.apply(…)`, `confirm.bind(…)()`.
        if (isP(next, ".") && isId(toks[i + 2]) && CALLERS.has(toks[i + 2]!.v)) {
          const after = toks[i + 3];
          if (isP(after, "(") || after?.t === "tpl") return { sig: "xss.js-sink-call", pos: t.pos };
        }
        if (isP(prev, "${")) return { sig: "xss.js-sink-ref", pos: t.pos };
        if (isP(prev, "(") && isP(next, ")")) {
          const after = toks[i + 2];
          if (isP(after, "(") || after?.t === "tpl") return { sig: "xss.js-sink-ref", pos: t.pos };
          // `.find(alert)`, `.map(eval)`: passed as a callback to a method.
          if (isId(toks[i - 2]) && isP(toks[i - 3], ".")) return { sig: "xss.js-sink-ref", pos: t.pos };
        }
        // `(0,eval)(…)`, `.with(0,alert)`: the comma operator or an argument list.
        if (isP(prev, ",") && isP(next, ")")) return { sig: "xss.js-sink-ref", pos: t.pos };
        if (isP(prev, "[") && isP(next, "]") && isP(toks[i + 2], "["))
          return { sig: "xss.js-sink-ref", pos: t.pos };
        if (
          strict &&
          (isP(prev, "=") || isP(prev, ":")) &&
          (next === undefined || isP(next, ";") || isP(next, "}") || isP(next, ","))
        ) {
          return { sig: "xss.js-sink-ref", pos: t.pos };
        }
      }
      if ((name === "XMLHttpRequest" || name === "ActiveXObject") && isId(prev, "new")) {
        return { sig: "xss.js-member", pos: t.pos };
      }
      // `onerror=alert;throw 1`, `window.onmessage=eval`: a sink installed as a handler.
      if (isP(next, "=") && isId(toks[i + 2]) && SINKS.has(toks[i + 2]!.v) && isEventName(name)) {
        return { sig: "xss.js-handler-assign", pos: t.pos };
      }
      if (name === "constructor") {
        if (isP(next, "(") && isP(prev, ".")) return { sig: "xss.js-constructor", pos: t.pos };
        if (isP(next, ".") && isId(toks[i + 2], "constructor"))
          return { sig: "xss.js-constructor", pos: t.pos };
      }
      if (GLOBALS.has(name) || (name === "location" && !isP(prev, "."))) {
        // `top?.["al"+"ert"]`: optional chaining reaches the same member.
        const open = isP(next, "?") && isP(toks[i + 2], ".") && isP(toks[i + 3], "[") ? i + 3 : i + 1;
        if (isP(toks[open], "[")) {
          const a = toks[open + 1];
          if (a !== undefined && a.t !== "num" && !isP(a, "]"))
            return { sig: "xss.js-global-index", pos: t.pos };
        }
        if (isP(prev, "(") && isP(next, ")") && isP(toks[i + 2], "["))
          return { sig: "xss.js-global-index", pos: t.pos };
      }
      if (members && isP(next, ".") && isId(toks[i + 2]) && startsExpression(prev)) {
        if (isMemberSign(name, toks[i + 2]!.v)) return { sig: "xss.js-member", pos: t.pos };
      }
      if (isP(prev, ".")) {
        if (members && PROPS.has(name)) return { sig: "xss.js-member", pos: t.pos };
        // `x.textContent="…"`: a DOM write (`=`, not `==`).
        if (DOM_WRITES.has(name) && isP(next, "=") && !isP(toks[i + 2], "="))
          return { sig: "xss.js-dom-write", pos: t.pos };
        // `[].sort.call\`${alert}1\``, `[a,b].join\`\``: a method called with a tagged
        // template, the way to call without parentheses.
        if (next?.t === "tpl" && isId(toks[i - 2])) return { sig: "xss.js-tagged-call", pos: t.pos };
        if (next?.t === "tpl" && (isP(toks[i - 2], "]") || isP(toks[i - 2], ")"))) {
          return { sig: "xss.js-tagged-call", pos: t.pos };
        }
      }
    } else if (isP(t, "[") && isMemberBracket(toks, i)) {
      const folded = foldString(toks, i + 1);
      if (folded !== null && DANGEROUS_NAMES.has(folded))
        return { sig: "xss.js-computed-member", pos: t.pos };
    } else if (t.t === "str") {
      if (isP(prev, "${") && DANGEROUS_NAMES.has(t.v) && isP(toks[i - 2], "tpl")) {
        return { sig: "xss.js-computed-member", pos: t.pos };
      }
      // `'al'+'ert'(…)`, `"\141\154…"`: a sink name built from pieces or escapes.
      if (!isP(prev, "+") && !isP(prev, "[")) {
        const folded = foldString(toks, i);
        if (folded !== null && folded !== t.v && SINKS.has(folded))
          return { sig: "xss.js-computed-member", pos: t.pos };
      }
      if (t.esc && depth === 0 && t.v.length < 4096 && /[(`]/.test(t.v)) {
        if (findJsSign(tokenizeJs(t.v), true, true, 1) !== null)
          return { sig: "xss.js-escaped-code", pos: t.pos };
      }
    }
  }
  return null;
}

/**
 * JSFuck and similar encodings write any script with `[]()!+` alone. Reported when the
 * text is made only of those characters (and spaces) and holds the typical `![]` / `+[]`
 * building blocks.
 */
export function isJsFuck(s: string): boolean {
  if (s.length < 5) return false;
  let blocks = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 91 && c !== 93 && c !== 40 && c !== 41 && c !== 33 && c !== 43 && c !== 32) return false;
    if (c === 91 && s.charCodeAt(i + 1) === 93 && i > 0) {
      const p = s.charCodeAt(i - 1);
      if (p === 33 || p === 43) blocks++;
    }
  }
  return blocks >= 1;
}

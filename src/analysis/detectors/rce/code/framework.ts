/**
 * Framework-specific code-execution shapes that no single value shows as code: a PHP
 * callable dispatcher and the function it should call sent as separate parameters
 * (ThinkPHP 5 `invokefunction`, CVE-2018-20062 / CVE-2019-9082, and the
 * `_method=__construct&filter[]=system` variant), a route naming a framework class and
 * method, Drupal render-array callback properties in parameter names (Drupalgeddon2,
 * CVE-2018-7600), and prototype pollution through nested JSON/XML keys
 * (`{"constructor":{"prototype":{…}}}`).
 */
import type { Point } from "../../../../model/index.js";
import type { DetectorMatch } from "../../types.js";
import { PHP_RUNNERS } from "./php-names.js";

/**
 * PHP built-ins (and the ThinkPHP container method) that call a function named by a
 * string: with the name of a command or code runner in another parameter, a request
 * asks the application to call it. `__construct` is how ThinkPHP 5.0's `_method`
 * override re-runs the Request constructor with an attacker's `filter` callable.
 */
const DISPATCHERS: ReadonlySet<string> = new Set([
  "call_user_func",
  "call_user_func_array",
  "forward_static_call",
  "forward_static_call_array",
  "call_user_method",
  "call_user_method_array",
  "invokefunction",
  "invokemethod",
  "array_map",
  "array_filter",
  "array_walk",
  "array_walk_recursive",
  "array_reduce",
  "iterator_apply",
  "usort",
  "uasort",
  "uksort",
  "create_function",
  "register_shutdown_function",
  "register_tick_function",
  "__construct",
]);

/** PHP functions that run a command or code, write a file or dump the configuration (PHP manual). */
const RUNNERS: ReadonlySet<string> = new Set([
  ...PHP_RUNNERS,
  "create_function",
  "file_put_contents",
  "fwrite",
  "fputs",
  "phpinfo",
  "preg_replace",
]);

/** Longest name in the two sets above (a longer value is neither). */
const NAME_MAX = 25;

/** The value, trimmed and lower-cased, when it can be a dispatcher or runner name; else "". */
/** First letters (lower case) of the names in both sets: most values start otherwise. */
const FIRST = new Set([...DISPATCHERS, ...RUNNERS].map((n) => n.charCodeAt(0)));

function nameOf(p: Point): string {
  if (p.kind !== "value" || (p.zone !== "query" && p.zone !== "body")) return "";
  const v = p.value;
  if (v.length < 3 || v.length > NAME_MAX + 4) return "";
  // Before any allocation: the first non-blank character must start some name.
  let i = 0;
  while (i < v.length && v.charCodeAt(i) <= 32) i++;
  const c = v.charCodeAt(i);
  if (!FIRST.has(c >= 65 && c <= 90 ? c | 32 : c)) return "";
  return v.trim().toLowerCase();
}

/**
 * Two points are one list's items (`fn[]=…&fn[]=…`, `["exec","call_user_func"]`): a list
 * of function names (a `disable_functions` setting, a linter's rule) is no call.
 */
function sameList(a: Point, b: Point): boolean {
  if (a.name === b.name) return true;
  const s = a.steps;
  const t = b.steps;
  if (s.length !== t.length || !/^\d{1,6}$/.test(s[s.length - 1]!) || !/^\d{1,6}$/.test(t[t.length - 1]!))
    return false;
  for (let i = 0; i < s.length - 1; i++) if (s[i] !== t[i]) return false;
  return true;
}

/**
 * One parameter names a dispatcher and another a runner, each as its whole value:
 * `function=call_user_func_array&vars[0]=system&vars[1][]=id`. Each name alone is an
 * ordinary value (`action=system`, `sort=exec`); the pair is a call. Returns the runner's
 * point. One pass over the request's points (bounded by limits.ts).
 */
export function dispatchedRunner(points: readonly Point[]): Point | null {
  const dispatchers: Point[] = [];
  const runners: Point[] = [];
  for (const p of points) {
    const n = nameOf(p);
    if (n.length === 0) continue;
    const d = DISPATCHERS.has(n);
    const r = RUNNERS.has(n);
    if (d) {
      for (const q of runners) if (!sameList(p, q)) return q;
      // Few values are either: at most 8 of each are kept to compare with.
      if (dispatchers.length < 8) dispatchers.push(p);
    }
    if (r) {
      for (const q of dispatchers) if (!sameList(p, q)) return p;
      if (runners.length < 8) runners.push(p);
    }
  }
  return null;
}

/**
 * A route (ThinkPHP's `s=` pathinfo) that names a namespaced class and the method to
 * call on it: `/Index/\think\app/invokefunction`, `index/think\Container/invokefunction`,
 * `index/\think\Request/input`, `index/\think\template\driver\file/write`. ThinkPHP 5
 * resolved a controller written with a backslash as a class name. Any namespace reaching
 * a container's `invokefunction`/`invokemethod`, or a class of the `think` namespace.
 */
const NS_INVOKE = /(?:^|\/)\\?[a-z_]\w{0,39}(?:\\[a-z_]\w{0,39}){1,6}\/invoke(?:function|method|class)\b/i;
const THINK_ROUTE = /(?:^|\/)\\?think\\[a-z_]\w{0,39}(?:\\[a-z_]\w{0,39}){0,5}\/[a-z_]\w{0,39}/i;

export function frameworkRoute(v: string): DetectorMatch | null {
  // Both shapes need a backslash before a `/`; most values have neither.
  const b = v.indexOf("\\");
  if (b === -1 || v.indexOf("/", b) === -1 || v.length > 512) return null;
  const m = NS_INVOKE.exec(v) ?? THINK_ROUTE.exec(v);
  return m === null
    ? null
    : { signature: "rce.php-framework-route", start: m.index, end: m.index + m[0].length };
}

/**
 * Drupal render-array properties whose value is a PHP callable (Drupal Render API:
 * `#post_render`, `#pre_render`, `#lazy_builder`, `#access_callback`, `#process`,
 * `#after_build`, `#element_validate`, `#value_callback`). Forms never name a field
 * with them; Drupalgeddon2 sends `mail[#post_render][]=exec`.
 */
export const RENDER_CALLBACKS: readonly string[] = [
  "#post_render",
  "#pre_render",
  "#lazy_builder",
  "#access_callback",
  "#process",
  "#after_build",
  "#element_validate",
  "#value_callback",
];

/** A parameter name holding a render callback property as a whole key or `[…]` part. */
const RENDER_KEY =
  /(?:^|\[)\s?#(?:post_render|pre_render|lazy_builder|access_callback|process|after_build|element_validate|value_callback)\s?(?:\]|\[|$)/i;

export function renderCallbackKey(key: string): DetectorMatch | null {
  if (key.length > 256) return null;
  const m = RENDER_KEY.exec(key);
  return m === null
    ? null
    : { signature: "rce.drupal-render-callback", start: m.index, end: m.index + m[0].length };
}

/**
 * A key `prototype` directly under a key `constructor` (JSON or XML, at any depth):
 * merging it into an object writes `Object.prototype` (`{"constructor":{"prototype":
 * {"isAdmin":true}}}`), as `__proto__` does. Steps end `… › constructor › prototype › #key`.
 */
export function nestedPrototype(points: readonly Point[]): Point | null {
  for (const p of points) {
    if (p.kind !== "key" || p.value !== "prototype") continue;
    const s = p.steps;
    const n = s.length;
    if (n >= 3 && s[n - 1] === "#key" && s[n - 2] === "prototype" && s[n - 3] === "constructor") return p;
  }
  return null;
}

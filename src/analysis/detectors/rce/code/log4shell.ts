/**
 * Log4Shell (CVE-2021-44228) and Log4j lookup injection. Log4j 2 resolves `${prefix:key}`
 * lookups recursively, with `${key:-default}` defaults and `lower`/`upper` functions
 * (Log4j 2 manual, "Lookups"); attackers spell `jndi` through them:
 * `${${lower:j}ndi:…}`, `${${::-j}${::-n}di:…}`, `${${env:X:-j}ndi:…}`. We evaluate the
 * lookups the same way (bounded depth and length) and look at what comes out.
 */
import type { DetectorMatch } from "../../types.js";

const LOOKUPS: readonly string[] = [
  "jndi",
  "env",
  "sys",
  "java",
  "lower",
  "upper",
  "main",
  "ctx",
  "date",
  "base64",
  "k8s",
  "docker",
  "spring",
  "web",
  "log4j",
  "jvmrunargs",
  "bundle",
  "map",
  "sd",
  "marker",
  "event",
  "hostname",
];
const MAX_LEN = 4096;
const MAX_DEPTH = 12;

/** Evaluates `${…}` starting after the `${` at i; returns [text, index after `}`]. */
function evalLookup(s: string, i: number, depth: number, budget: { n: number }): [string, number] {
  let content = "";
  let j = i;
  while (j < s.length) {
    if (--budget.n < 0) return [content, s.length];
    const c = s.charCodeAt(j);
    if (c === 36 && s.charCodeAt(j + 1) === 123 && depth < MAX_DEPTH) {
      const [inner, end] = evalLookup(s, j + 2, depth + 1, budget);
      content += inner;
      j = end;
      continue;
    }
    if (c === 125) {
      return [resolve(content), j + 1];
    }
    content += s[j];
    j++;
  }
  // Unclosed: keep it as text so that `${jndi` in a header name is still seen.
  return [`\${${content}`, j];
}

function resolve(content: string): string {
  const dflt = content.indexOf(":-");
  const colon = content.indexOf(":");
  const prefix = (colon === -1 ? content : content.slice(0, colon)).toLowerCase();
  if (prefix === "lower") return content.slice(colon + 1).toLowerCase();
  if (prefix === "upper") return content.slice(colon + 1).toUpperCase();
  if (prefix === "jndi") return `\${${content}}`;
  if (dflt !== -1) return content.slice(dflt + 2);
  if (prefix === "date") return content.slice(colon + 1).replace(/'/g, "");
  return `\${${content}}`;
}

/** Cheap gate: a `${` (or its escaped form) is present. */
export function mayBeLog4j(v: string): boolean {
  return v.indexOf("${") !== -1 || v.indexOf("$\\{") !== -1;
}

export function detectLog4j(value: string): DetectorMatch | null {
  let v = value.length > MAX_LEN ? value.slice(0, MAX_LEN) : value;
  if (v.indexOf("$\\{") !== -1) v = v.replace(/\\([{}])/g, "$1");
  let at = v.indexOf("${");
  if (at === -1) return null;
  // Only strings with a lookup-shaped `${name:` or a nested `${${` go on.
  let out = "";
  let last = 0;
  const budget = { n: 20000 };
  for (let n = 0; at !== -1 && n < 64; n++) {
    out += v.slice(last, at);
    const [text, end] = evalLookup(v, at + 2, 0, budget);
    out += text;
    last = end;
    at = v.indexOf("${", end);
  }
  out += v.slice(last);
  const lower = out.toLowerCase();
  const j = lower.indexOf("${jndi");
  if (j !== -1) return { signature: "rce.log4shell-jndi", start: 0, end: value.length };
  // Any other Log4j lookup evaluated to an unresolved `${prefix:…}`: exfiltration probes
  // like `${env:AWS_SECRET_ACCESS_KEY}` inside a callback host name.
  for (const p of LOOKUPS) {
    const k = lower.indexOf(`\${${p}:`);
    if (k !== -1 && lower.indexOf("}", k) !== -1)
      return { signature: "rce.log4j-lookup", start: 0, end: value.length };
  }
  // Obfuscated pieces that only make sense to Log4j even when the rest is cut off.
  if (
    /\$\{(?:lower:|upper:|::-|[a-z]{1,10}:[^}:]{0,64}:-)[a-z:/]\}/i.test(v) &&
    v.indexOf("${") !== v.lastIndexOf("${")
  )
    return { signature: "rce.log4j-obfuscation", start: 0, end: value.length };
  return null;
}

import type { Hit, HttpRequest, Point } from "../../../model/index.js";
import { pointName } from "../../../model/index.js";
import { protocolHit } from "./headers.js";
import { classifyOverride } from "./methods.js";

/**
 * Checks on the request-target and on parameter names, run once per request. Each is
 * gated on a cheap test of the raw target or body so that clean browser requests pay
 * for a couple of indexOf calls only.
 */

const EOL = /[\r\n]/;
/**
 * mod_proxy's `unix:/path|http://backend/` syntax in a URL lets a request pick the
 * back-end itself (CVE-2021-40438, SSRF through Apache mod_proxy).
 */
const UNIX_SCHEME = /unix:/i;
/** Longer "names" are values sent without `=` (a text body, a beacon payload). */
const MAX_NAME = 256;

/**
 * RFC 9112 §3.2 / RFC 3986: no whitespace or line break in a request-target. Checked
 * with `indexOf` (memchr speed) for the characters that break a request line.
 */
const LINE_BREAKERS = [" ", "\t", "\r", "\n", "\u0000"];
const PIPE = ["|", "%7c", "%7C"];
const BRACKET = ["]", "%5d", "%5D"];

function badTargetChar(t: string): number {
  let first = -1;
  for (const c of LINE_BREAKERS) {
    const i = t.indexOf(c);
    if (i !== -1 && (first === -1 || i < first)) first = i;
  }
  return first;
}

function hasAny(s: string, needles: readonly string[]): boolean {
  for (const n of needles) if (s.indexOf(n) !== -1) return true;
  return false;
}

/** Anything any check below could start from, in one native search of the target. */
const TARGET_ANY = /[ \t\r\n\0|\]]|%(?:0|7[cC]|5[dD])|_method/;

export function checkTarget(req: HttpRequest, points: readonly Point[], out: Hit[]): void {
  const t = req.target;
  // The common case: a clean target and no body, settled without a dozen searches.
  const any = TARGET_ANY.test(t);
  if (!any && req.body.length === 0) return;
  const bad = any ? badTargetChar(t) : -1;
  if (bad !== -1) out.push(protocolHit("target", t, bad, bad + 1, "bad-target"));

  // What could be there, judged on the raw target and body before touching points.
  // Flags from the raw target decide which query/path checks can find anything. Body
  // form fields are few and short, and only a form body has them: they are always
  // looked at (the loop below costs a few property reads per point otherwise).
  const eol = bad !== -1 || (any && t.indexOf("%0") !== -1);
  const pipe = any && hasAny(t, PIPE);
  const bracket = any && hasAny(t, BRACKET);
  const override = any && t.indexOf("_method") !== -1;
  if (!eol && !pipe && !bracket && !override && req.body.length === 0) return;

  let pathDone = false;
  let keysDone = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const zone = p.zone;
    if (zone === "path") {
      // A line break decoded into the path: header injection through the URL, and the
      // PHP-FPM `PATH_INFO` bug (CVE-2019-11043) that needs a `%0a` in the path.
      if (eol && !pathDone && p.kind === "path") {
        pathDone = true;
        const e = EOL.exec(p.value);
        if (e !== null) out.push(protocolHit(pointName(p), p.value, e.index, e.index + 1, "crlf-in-path"));
      }
      if (pipe && p.kind === "path") unixSocket(p, out);
      continue;
    }
    if (zone !== "query" && zone !== "body") continue;
    if (p.kind === "key") {
      // Names as sent: query and form keys read straight off the request. Keys of
      // decoded JSON (or of binary read as JSON) are data, not names a server routes on.
      if (p.depth !== 0 || p.value.length > MAX_NAME || keysDone++ > 512) continue;
      const form = zone === "body";
      if (form && p.steps[1] !== "form") continue;
      const v = p.value;
      // CR/LF in a parameter *name*: the name is reflected into headers by some
      // frameworks, and no form or script produces it. (A line break in a parameter
      // *value* is the crlf detector's business.)
      const e = eol || form ? EOL.exec(v) : null;
      if (e !== null) out.push(protocolHit(pointName(p), v, e.index, e.index + 1, "crlf-in-name"));
      else if ((bracket || form) && v.indexOf("]") !== -1) bogusArray(p, out);
      if (pipe && zone === "query") unixSocket(p, out);
    } else if (p.kind === "value") {
      if (pipe && zone === "query") unixSocket(p, out);
      // Rails/Laravel/Symfony method override through a parameter.
      if ((override || zone === "body") && p.name === "_method" && p.depth === 0) {
        if (classifyOverride(p.value) !== null) {
          out.push(protocolHit(pointName(p), p.value, 0, p.value.length, "method-override"));
        }
      }
    }
  }
}

function unixSocket(p: Point, out: Hit[]): void {
  // The first `unix:` has the most text after it: a `|` anywhere after it is enough.
  const u = UNIX_SCHEME.exec(p.value);
  if (u === null) return;
  const bar = p.value.indexOf("|", u.index + 5);
  if (bar !== -1) out.push(protocolHit(pointName(p), p.value, u.index, bar + 1, "mod-proxy-unix"));
}

/**
 * HTTP parameter pollution through array syntax: characters after a closing bracket
 * that do not open another one (`a[1]x=`, `a[1]x[2]=`). PHP silently drops them, so the
 * name the application sees differs from the one a filter saw.
 */
function bogusArray(p: Point, out: Hit[]): void {
  const v = p.value;
  const open = v.indexOf("[");
  if (open <= 0 || v.length > 128) return;
  // The base name must be a plain identifier; anything else is not array syntax.
  for (let k = 0; k < open; k++) {
    const c = v.charCodeAt(k);
    if (
      !(
        (c >= 48 && c <= 57) ||
        (c >= 65 && c <= 90) ||
        (c >= 97 && c <= 122) ||
        c === 95 ||
        c === 45 ||
        c === 46
      )
    )
      return;
  }
  let i = v.indexOf("]", open);
  for (let n = 0; n < 16 && i !== -1 && i + 1 < v.length; n++) {
    const c = v.charCodeAt(i + 1);
    if (c !== 91 /* [ */) {
      out.push(protocolHit(pointName(p), v, i, i + 2, "hpp-bogus-array"));
      return;
    }
    i = v.indexOf("]", i + 1);
  }
}

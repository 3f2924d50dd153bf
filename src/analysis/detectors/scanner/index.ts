import type { Hit, Point } from "../../../model/index.js";
import { excerpt, pointName } from "../../../model/index.js";
import { CH, charMask } from "../charmask.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { findIntrospection, mayBeIntrospection } from "./graphql.js";
import { findOobHost, findProbe, mayHaveOobHost } from "./markers.js";
import { toolHeader } from "./tool-headers.js";
import { findTool } from "./user-agents.js";

/**
 * Known scanners and attack tools:
 *  - per request: the User-Agent names a scanner, or a header only a scanner sends
 *    (`Acunetix-Product`, `X-Scanner`, `X-WIPP`…); a tool's unique probe string in the
 *    decoded path or the raw request-target;
 *  - per point: an out-of-band callback host (interactsh, Burp Collaborator, dnslog.cn…)
 *    as the authority of a URL or UNC path in any value (path, parameter, header,
 *    cookie, body), `scanner.oob-domain`; GraphQL introspection (graphql.ts),
 *    `scanner.graphql-introspection`.
 *
 * Why the callback hosts are per point: the shared character mask rejects a value
 * without a `.` and a `/` or `\` in one AND, where the request-level pass had to touch
 * every value. The introspection prefilter needs `{`, `(` or `@` (what follows
 * `__schema`, `__type` or a type condition), then a `__` followed by the first letters
 * of an introspection name. A lone `__typename` is not introspection (see graphql.ts).
 */
const OOB_MASK = CH.DOT;
const OOB_SEP = CH.SLASH | CH.BACKSLASH;
const GRAPHQL_MASK = CH.LBRACE | CH.LPAREN | CH.AT;

/** Longest value worth searching for a callback host: a callback payload is short. */
const MAX_VALUE = 4096;

function mayHaveOob(v: string, mask: number): boolean {
  return (
    (mask & OOB_MASK) !== 0 &&
    (mask & OOB_SEP) !== 0 &&
    v.length >= 8 &&
    v.length <= MAX_VALUE &&
    // findOobHost reads an authority after `//`, or a UNC host after a leading `\\`.
    (v.indexOf("//") !== -1 || (v.charCodeAt(0) === 92 && v.charCodeAt(1) === 92)) &&
    mayHaveOobHost(v)
  );
}

export function scannerPrefilter(v: string, mask: number = charMask(v)): boolean {
  return mayHaveOob(v, mask) || ((mask & GRAPHQL_MASK) !== 0 && mayBeIntrospection(v));
}

export const scannerDetector: Detector = {
  type: "scanner",

  prefilter: scannerPrefilter,
  // A callback host needs a separator (and a dot), introspection `{`, `(` or `@`.
  needs: OOB_SEP | GRAPHQL_MASK,

  detect(point: Point): DetectorMatch | null {
    // Path segments and extensions repeat the whole path, which is scanned once; the
    // raw query string repeats its parameters.
    const kind = point.kind;
    if (kind === "segment" || kind === "ext") return null;
    const v = point.value;
    if (v.length >= 8 && v.length <= MAX_VALUE && !(kind === "raw" && point.zone === "query")) {
      const o = findOobHost(v);
      if (o !== null) return { signature: `scanner.${o.sign}`, start: o.start, end: o.end };
    }
    const m = findIntrospection(v);
    return m === null ? null : { signature: "scanner.graphql-introspection", start: m.start, end: m.end };
  },

  detectRequest(view: RequestView): Hit[] {
    const out: Hit[] = [];
    for (const h of view.request.headers) {
      const name = h[0];
      const c = name.charCodeAt(0) | 0x20;
      // Only `User-Agent`, `Acunetix-*` and `X-*` names can say anything: one test each.
      if (c === 0x75 /* u */) {
        if (!isUserAgent(name)) continue;
        const value = h[1];
        const t = findTool(value);
        if (t !== null) {
          out.push({
            type: "scanner",
            point: "header › user-agent",
            payload: excerpt(value, t.start, t.end),
            signature: `scanner.user-agent.${t.tool.replace(/ /g, "-")}`,
          });
        }
        continue;
      }
      if (c !== 0x61 /* a */ && c !== 0x78 /* x */) continue;
      const tool = toolHeader(name);
      if (tool !== null) {
        out.push({
          type: "scanner",
          point: `header › ${name.toLowerCase()}`,
          payload: excerpt(`${name}: ${h[1]}`, 0, name.length),
          signature: `scanner.header.${tool}`,
        });
      }
    }
    const probe = probeHit(view);
    if (probe !== null) out.push(probe);
    return out;
  },
};

/** `name` is `User-Agent` in any case (compared in place: no lower-cased copy per request). */
function isUserAgent(name: string): boolean {
  if (name.length !== 10) return false;
  for (let i = 0; i < 10; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== USER_AGENT.charCodeAt(i)) return false;
  }
  return true;
}
const USER_AGENT = "user-agent";

/** A tool's probe string in the decoded request path, else in the raw request-target. */
function probeHit(view: RequestView): Hit | null {
  const points = view.points;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.kind !== "path") continue;
    const m = findProbe(p.value);
    if (m !== null) {
      return {
        type: "scanner",
        point: pointName(p),
        payload: excerpt(p.value, m.start, m.end),
        signature: `scanner.${m.sign}`,
      };
    }
    break;
  }
  // Probes in the query (`?acunetix_wvs_security_test`) are read off the raw target.
  const t = view.request.target;
  const m = findProbe(t);
  return m === null
    ? null
    : { type: "scanner", point: "target", payload: excerpt(t, m.start, m.end), signature: "scanner.probe" };
}

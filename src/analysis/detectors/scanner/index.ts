import type { Hit, Point } from "../../../model/index.js";
import { excerpt, pointName } from "../../../model/index.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { findIntrospection, mayBeIntrospection } from "./graphql.js";
import { findOobHost, findProbe } from "./markers.js";
import { toolHeader } from "./tool-headers.js";
import { findTool } from "./user-agents.js";

/**
 * Known scanners and attack tools, all judged once per request:
 *  - the User-Agent names a scanner, or a header only a scanner sends
 *    (`Acunetix-Product`, `X-Scanner`, `X-WIPP`…);
 *  - an out-of-band callback host (interactsh, Burp Collaborator, dnslog.cn…) as the
 *    authority of a URL or UNC path in any value (path, parameter, header, cookie,
 *    body);
 *  - a tool's unique probe string in the path or the request-target.
 *
 * Why request-level for the values too: the checks are anchored on `//` and on a few
 * rare literals, and the per-point hook would add a call per point per request for
 * nothing.
 *
 * Per point, only GraphQL introspection (graphql.ts), `scanner.graphql-introspection`:
 * the prefilter is a `__` followed by the first letter of `__schema`, `__type` or an
 * introspection type, so ordinary values cost one indexOf. A lone `__typename` is not
 * introspection (see graphql.ts).
 */
export const scannerDetector: Detector = {
  type: "scanner",

  prefilter: mayBeIntrospection,

  detect(point: Point): DetectorMatch | null {
    // Path segments and extensions repeat the whole path, which is scanned once.
    if (point.kind === "segment" || point.kind === "ext") return null;
    const m = findIntrospection(point.value);
    return m === null ? null : { signature: "scanner.graphql-introspection", start: m.start, end: m.end };
  },

  detectRequest(view: RequestView): Hit[] {
    const out: Hit[] = [];
    for (const h of view.request.headers) {
      const name = h[0];
      const value = h[1];
      if (
        name.length === 10 &&
        (name.charCodeAt(0) | 0x20) === 0x75 /* u */ &&
        name.toLowerCase() === "user-agent"
      ) {
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
      const tool = toolHeader(name);
      if (tool !== null) {
        out.push({
          type: "scanner",
          point: `header › ${name.toLowerCase()}`,
          payload: excerpt(`${name}: ${value}`, 0, name.length),
          signature: `scanner.header.${tool}`,
        });
      }
    }
    const m = markerPoint(view.points);
    if (m !== null) out.push(m);
    else {
      // Probes in the query (`?acunetix_wvs_security_test`) are read off the raw target.
      const t = view.request.target;
      const probe = findProbe(t);
      if (probe !== null) {
        out.push({
          type: "scanner",
          point: "target",
          payload: excerpt(t, probe.start, probe.end),
          signature: "scanner.probe",
        });
      }
    }
    return out;
  },
};

/** Longest value worth searching: a callback payload is short; long values are parsed into parts. */
const MAX_VALUE = 4096;
const MAX_SCANNED = 512;

function markerPoint(points: readonly Point[]): Hit | null {
  let scanned = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const v = p.value;
    if (v.length < 8 || v.length > MAX_VALUE) continue;
    const kind = p.kind;
    if (kind === "segment" || kind === "ext" || (kind === "raw" && p.zone === "query")) continue;
    if (++scanned > MAX_SCANNED) return null;
    const m = kind === "path" ? (findProbe(v) ?? findOobHost(v)) : findOobHost(v);
    if (m !== null) {
      return {
        type: "scanner",
        point: pointName(p),
        payload: excerpt(v, m.start, m.end),
        signature: `scanner.${m.sign}`,
      };
    }
  }
  return null;
}

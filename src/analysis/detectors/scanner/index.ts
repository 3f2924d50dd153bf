import type { Hit, Point } from "../../../model/index.js";
import { excerpt, pointName } from "../../../model/index.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { findMarker, findTargetProbe, mayHaveMarker } from "./markers.js";
import { toolHeader } from "./tool-headers.js";
import { findTool } from "./user-agents.js";

/**
 * Known scanners and attack tools, all judged once per request:
 *  - the User-Agent names a scanner, or a header only a scanner sends
 *    (`Acunetix-Product`, `X-Scanner`, `X-WIPP`…);
 *  - an out-of-band callback domain or a tool's unique probe string in a value (path,
 *    parameter, header, cookie, body).
 *
 * Why request-level for the values too: the marker test is a multi-literal search, the
 * costliest kind of scan per character, and it only needs the values an attacker
 * writes. Fixed-vocabulary browser headers (Accept*, Sec-*, caching validators) and the
 * whole-query `#raw` duplicate are skipped, and so are values longer than a callback
 * payload ever is (their parsed parts are points of their own). The per-point hook is
 * therefore unused: `prefilter` is constant false and `detect` never matches.
 */
export const scannerDetector: Detector = {
  type: "scanner",

  prefilter: () => false,

  detect(_point: Point): DetectorMatch | null {
    return null;
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
      const t = view.request.target;
      const probe = findTargetProbe(t);
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

/** Shortest marker (`xss.ht`) and longest value worth searching. */
const MIN_VALUE = 6;
const MAX_VALUE = 1024;
const MAX_SCANNED = 512;

/**
 * Browser-generated headers with a fixed vocabulary: nothing to find in them. The
 * User-Agent is matched against the tool list instead; a callback domain there is a
 * Log4Shell-style payload that the injection detectors report.
 */
const FIXED_HEADERS = new Set([
  "user-agent",
  "accept",
  "accept-encoding",
  "accept-language",
  "cache-control",
  "connection",
  "content-length",
  "content-type",
  "dnt",
  "if-modified-since",
  "if-none-match",
  "pragma",
  "priority",
  "sec-ch-ua",
  "sec-ch-ua-arch",
  "sec-ch-ua-bitness",
  "sec-ch-ua-full-version",
  "sec-ch-ua-full-version-list",
  "sec-ch-ua-mobile",
  "sec-ch-ua-model",
  "sec-ch-ua-platform",
  "sec-ch-ua-platform-version",
  "sec-fetch-dest",
  "sec-fetch-mode",
  "sec-fetch-site",
  "sec-fetch-user",
  "upgrade-insecure-requests",
]);

function markerPoint(points: readonly Point[]): Hit | null {
  let scanned = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const v = p.value;
    if (v.length < MIN_VALUE || v.length > MAX_VALUE) continue;
    const kind = p.kind;
    if (kind === "segment" || kind === "ext" || (kind === "raw" && p.zone === "query")) continue;
    if (p.zone === "header" && p.header !== undefined && FIXED_HEADERS.has(p.header)) continue;
    if (++scanned > MAX_SCANNED) return null;
    if (!mayHaveMarker(v)) continue;
    const m = findMarker(v);
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

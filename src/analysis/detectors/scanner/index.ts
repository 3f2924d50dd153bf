import type { Hit, Point } from "../../../model/index.js";
import { excerpt } from "../../../model/index.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { findMarker, mayHaveMarker } from "./markers.js";
import { toolHeader } from "./tool-headers.js";
import { findTool } from "./user-agents.js";

/**
 * Known scanners and attack tools:
 *  - per request: the User-Agent names a scanner, or a header only a scanner sends
 *    (`Acunetix-Product`, `X-Scanner`, `X-WIPP`…);
 *  - per point: an out-of-band callback domain or a tool's unique probe string in any
 *    value (path, parameter, header, cookie, body).
 */
export const scannerDetector: Detector = {
  type: "scanner",

  prefilter: mayHaveMarker,

  detect(point: Point): DetectorMatch | null {
    const m = findMarker(point.value);
    return m === null ? null : { signature: `scanner.${m.sign}`, start: m.start, end: m.end };
  },

  detectRequest(view: RequestView): Hit[] {
    const out: Hit[] = [];
    for (const h of view.request.headers) {
      const name = h[0];
      const value = h[1];
      if (name.length === 10 && name.toLowerCase() === "user-agent") {
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
    return out;
  },
};

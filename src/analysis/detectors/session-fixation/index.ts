import type { Hit, Point } from "../../../model/index.js";
import { excerpt, pointName } from "../../../model/index.js";
import { CH } from "../charmask.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { findCookieMarkup, mentionsCookie } from "./cookie-markup.js";
import { isSessionIdName } from "./names.js";
import { requestOrigin } from "./origin.js";

/**
 * Session fixation (CWE-384), the two halves CRS 943 looks for:
 *  - per point: a value that sets a cookie once reflected (`<meta http-equiv=set-cookie>`,
 *    `document.cookie=`);
 *  - per request: a session-id parameter (JSESSIONID, PHPSESSID, ASP.NET_SessionId…) in
 *    the query, a form/JSON body or a `;jsessionid=` path parameter of a request that
 *    came from another site or from nowhere — the planted link. Requests a browser
 *    attests as sub-resource or same-site fetches (Fetch Metadata) are left alone.
 */
export const sessionFixationDetector: Detector = {
  type: "session_fixation",

  prefilter: (v, mask) => mentionsCookie(v, mask),
  // Every sign assigns (mentionsCookie).
  needs: CH.EQ,

  detect(point: Point): DetectorMatch | null {
    const m = findCookieMarkup(point.value);
    return m === null ? null : { signature: `session_fixation.${m.sign}`, start: m.start, end: m.end };
  },

  detectRequest(view: RequestView): Hit[] {
    // Provenance first: browser traffic is nearly always attested same-site or a
    // sub-resource, and then the names need not be looked at.
    const origin = requestOrigin(view.request.headers);
    if (origin.provenance === "trusted" || origin.provenance === "same-site") return [];
    const candidate = findSessionParam(view.points);
    if (candidate === null) return [];
    const sign = origin.provenance === "none" ? "sid-param-no-referer" : "sid-param-foreign-referer";
    const name = pointName(candidate);
    const payload =
      candidate.kind === "key" ? candidate.value : excerpt(candidate.value, 0, candidate.value.length);
    return [{ type: "session_fixation", point: name, payload, signature: `session_fixation.${sign}` }];
  },
};

/** Upper bound on names looked at per request (the point extractor caps parts too). */
const MAX_KEYS = 1024;

/**
 * The first point that names a session id: a query/form/JSON key straight off the
 * request, or a `;jsessionid=…` style path parameter (servlet URL rewriting).
 */
function findSessionParam(points: readonly Point[]): Point | null {
  let keys = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.kind === "key") {
      if (p.depth !== 0 || p.zone === "header" || p.zone === "cookie") continue;
      if (++keys > MAX_KEYS) return null;
      if (p.zone === "body") {
        // Form and multipart fields, and top-level JSON members (`{"phpsessid": …}`);
        // not nested JSON data, XML element names or GraphQL arguments.
        const parser = p.steps[1];
        if (parser === "json") {
          if (p.steps.length > 4) continue;
        } else if (parser !== "form" && parser !== "multipart") continue;
      }
      if (isSessionIdName(p.value)) return p;
    } else if (p.kind === "path" && p.value.indexOf(";") !== -1) {
      if (pathParamHasSessionId(p.value)) return p;
    }
  }
  return null;
}

/** `/app/login;jsessionid=ABC` — RFC 3986 §3.3 path parameters on any segment. */
function pathParamHasSessionId(path: string): boolean {
  let from = 0;
  for (let n = 0; n < 16; n++) {
    const semi = path.indexOf(";", from);
    if (semi === -1) return false;
    from = semi + 1;
    const eq = path.indexOf("=", from);
    if (eq === -1) return false;
    const slash = path.indexOf("/", from);
    if (slash !== -1 && slash < eq) continue;
    if (eq - from <= 64 && isSessionIdName(path.slice(from, eq))) return true;
  }
  return false;
}

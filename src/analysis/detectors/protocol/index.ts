import type { Hit, Point } from "../../../model/index.js";
import { CH } from "../charmask.js";
import type { Detector, DetectorMatch, RequestView } from "../types.js";
import { checkHeaders, protocolHit } from "./headers.js";
import { classifyMethod } from "./methods.js";
import { findRequestLine } from "./request-line.js";
import { checkTarget } from "./target.js";

/**
 * HTTP protocol abuse visible in a mirrored request: request smuggling (framing
 * conflicts, obfuscated Transfer-Encoding, a request line hidden in a value), header
 * injection, invalid or dangerous methods and method override, malformed
 * request-target, Host, Range and Content-Type, RFC 2965 cookie attributes, mod_proxy
 * socket syntax and bracket-based parameter pollution.
 *
 * Per point only one sign runs (an embedded request line, anchored on `HTTP/`);
 * everything else is a request-level check, because it needs the header set, the
 * method or the raw target.
 */
const MIN_REQUEST_LINE = 12;

export const protocolDetector: Detector = {
  type: "protocol",

  needs: CH.SLASH,

  // "M / HTTP/1" is the shortest request line: shorter values cannot hold one.
  prefilter(value: string, mask: number): boolean {
    return (mask & CH.SLASH) !== 0 && value.length >= MIN_REQUEST_LINE && value.indexOf("HTTP/") !== -1;
  },

  detect(point: Point): DetectorMatch | null {
    if (point.value.length < MIN_REQUEST_LINE) return null;
    const s = findRequestLine(point.value);
    return s === null ? null : { signature: "protocol.embedded-request-line", start: s.start, end: s.end };
  },

  detectRequest(view: RequestView): Hit[] {
    const out: Hit[] = [];
    const req = view.request;
    const m = classifyMethod(req.method);
    if (m !== null) out.push(protocolHit("method", req.method, 0, req.method.length, m));
    checkHeaders(req, out);
    checkTarget(req, view.points, out);
    return out;
  },
};

import type { Hit, HttpRequest } from "../../../model/index.js";
import { percentDecode } from "../../points/index.js";
import { tautology } from "./javascript.js";

/**
 * `|| 1==1` sent unencoded in a query string or form body is cut by the pair parser at
 * its first `=` (name `|| 1`, value `=1`), so no point holds the comparison. The raw
 * query string and a small urlencoded/plain body are read whole, only when they contain
 * `==` at all.
 */

const MAX_RAW = 8192;

function check(raw: string, point: string): Hit | null {
  if (raw.length === 0 || raw.length > MAX_RAW || raw.indexOf("==") === -1) return null;
  const text = percentDecode(raw, true);
  const m = tautology(text);
  if (m === null) return null;
  return {
    type: "nosqli",
    point,
    payload: text.slice(Math.max(0, m.start - 40), m.end + 40),
    signature: m.signature,
  };
}

export function splitTautology(req: HttpRequest): Hit | null {
  const q = req.target.indexOf("?");
  if (q !== -1 && req.target.indexOf("==", q) !== -1) {
    const h = check(req.target.slice(q + 1), "query");
    if (h !== null) return h;
  }
  if (typeof req.body === "string" && req.body.length <= MAX_RAW) {
    const c = req.body.charCodeAt(0);
    // JSON and XML bodies are parsed into points; only flat bodies lose the comparison.
    if (c !== 123 && c !== 91 && c !== 60) return check(req.body, "body");
  }
  return null;
}

/**
 * Request-level re-reading of text the point parsers split apart.
 */
import { excerpt, type Hit } from "../../../model/index.js";
import { percentDecode } from "../../points/percent.js";
import type { RequestView } from "../types.js";
import { detectSqli } from "./detect.js";
import { sqliPrefilter } from "./prefilter.js";

/**
 * Re-reads a whole query string or form body that holds a single pair, and the whole
 * Cookie header: the parsers split at `=` and `;`, which cuts payloads such as
 * `admin' AND '1'='1` (sent as a bare query) or `admin'; -- -` (sent as a cookie) in two.
 */
export function detectWhole(view: RequestView): Hit[] {
  const hits: Hit[] = [];
  let formKeys = 0;
  let queryKeys = 0;
  for (const p of view.points) {
    if (p.kind !== "key" || p.depth !== 0) continue;
    if (p.steps[0] === "query") queryKeys++;
    else if (p.steps[0] === "body" && p.steps[1] === "form") formKeys++;
  }
  const target = view.request.target;
  const q = target.indexOf("?");
  if (queryKeys === 1 && q !== -1) {
    const raw = target.slice(q + 1);
    check(hits, "query", percentDecode(raw, true), true);
    if (hits.length === 0) checkPlus(hits, "query", raw);
  }
  if (formKeys === 1 && typeof view.request.body === "string") {
    const before = hits.length;
    check(hits, "body › form", percentDecode(view.request.body, true), true);
    if (hits.length === before) checkPlus(hits, "body › form", view.request.body);
  }
  for (const [name, value] of view.request.headers) {
    // Decode only a Cookie header that holds a quote, raw or percent-encoded.
    if (name.length === 6 && name.toLowerCase() === "cookie" && mayHoldQuote(value))
      check(hits, "header › cookie", percentDecode(value, false), false);
  }
  return hits;
}

function check(hits: Hit[], point: string, value: string, needsEq: boolean): void {
  if (value.length > 4096 || (value.indexOf("'") === -1 && value.indexOf('"') === -1)) return;
  if (needsEq && value.indexOf("=") === -1) return;
  if (!sqliPrefilter(value)) return;
  const m = detectSqli(value);
  if (m !== null)
    hits.push({ type: "sqli", point, payload: excerpt(value, m.start, m.end), signature: m.signature });
}

/**
 * `SELECT CHAR(113)+CHAR(118)+(SELECT …`: a payload typed without encoding its `+` (SQL
 * Server's string concatenation, arithmetic) reaches the form decoder as spaces, which
 * breaks the expression apart. The single pair is read once more with `+` kept.
 */
function checkPlus(hits: Hit[], point: string, raw: string): void {
  if (raw.length > 4096 || raw.indexOf("+") === -1 || raw.indexOf("(") === -1) return;
  const value = percentDecode(raw, false);
  if (!sqliPrefilter(value)) return;
  const m = detectSqli(value);
  if (m !== null)
    hits.push({ type: "sqli", point, payload: excerpt(value, m.start, m.end), signature: m.signature });
}

function mayHoldQuote(v: string): boolean {
  return v.indexOf("'") !== -1 || v.indexOf('"') !== -1 || v.indexOf("%2") !== -1;
}

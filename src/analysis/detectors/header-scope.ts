import type { Point } from "../../model/index.js";

/**
 * Whether a point is the value of a header `name` is in, as the client sent it — not a
 * value a decoder read out of it. Detectors skip the headers whose grammar is fixed
 * (Accept*, Sec-Fetch-*, Authorization…) as sent, but what is decoded from them is
 * application data like any other: the claims of a JWT in `Authorization: Bearer …`
 * (`sub`, `kid`) reach SQL queries, templates and file paths, and are classic carriers
 * of injections.
 */
export function isHeaderAsSent(p: Point, names: ReadonlySet<string>): boolean {
  return p.zone === "header" && p.depth === 0 && p.header !== undefined && names.has(p.header);
}

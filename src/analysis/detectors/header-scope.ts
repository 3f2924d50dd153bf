import type { Point } from "../../model/index.js";

/**
 * The (lower-case) name of the header whose value `p` is, as the client sent it — not a
 * value a decoder read out of it; undefined for any other point. Detectors skip the headers whose grammar is fixed
 * (Accept*, Sec-Fetch-*, Authorization…) as sent, but what is decoded from them is
 * application data like any other: the claims of a JWT in `Authorization: Bearer …`
 * (`sub`, `kid`) reach SQL queries, templates and file paths, and are classic carriers
 * of injections.
 */
export function headerAsSent(p: Point): string | undefined {
  return p.zone === "header" && p.depth === 0 ? p.header : undefined;
}

/** Whether `p` is, as sent, the value of one of the headers `names`. */
export function isHeaderAsSent(p: Point, names: ReadonlySet<string>): boolean {
  const h = headerAsSent(p);
  return h !== undefined && names.has(h);
}

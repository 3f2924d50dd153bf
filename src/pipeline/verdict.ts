import type { AnalysisResult } from "../analysis/index.js";

/**
 * One output line of `mirrorwatch analyze` (ARCHITECTURE.md, fixed interface):
 * `{"id","hits":[{"type","point","payload","signature"}]}`, then optional fields.
 * Built field by field so that the key order never depends on how a detector built
 * its Hit objects; extend only by adding fields after `hits`.
 */
export function verdictLine(id: string, r: AnalysisResult): string {
  const hits = r.hits.map((h) => ({
    type: h.type,
    point: h.point,
    payload: h.payload,
    signature: h.signature,
  }));
  if (r.anomalies.length === 0) return JSON.stringify({ id, hits });
  const anomalies = r.anomalies.map((a) => ({
    code: a.code,
    ...(a.point !== undefined ? { point: a.point } : {}),
    ...(a.detail !== undefined ? { detail: a.detail } : {}),
  }));
  return JSON.stringify({ id, hits, anomalies });
}

/** The line written for a request whose analysis failed (a bug, never the input's fault). */
export function failedVerdictLine(id: string, message: string): string {
  return JSON.stringify({ id, hits: [], error: `analysis failed: ${message}` });
}

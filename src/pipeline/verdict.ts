import type { AnalysisResult } from "../analysis/index.js";
import { exchangeFacts } from "../events/request.js";
import type { Anomaly, HttpExchange } from "../model/index.js";

/**
 * One output line of `mirrorwatch analyze` (ARCHITECTURE.md, fixed interface):
 * `{"id","hits":[{"type","point","payload","signature"}]}`, then optional fields.
 * Built field by field so that the key order never depends on how a detector built
 * its Hit objects; extend only by adding fields after `hits`.
 */
export function verdictLine(id: string, r: AnalysisResult, ex?: HttpExchange): string {
  const hits = r.hits.map((h) => ({
    type: h.type,
    point: h.point,
    payload: h.payload,
    signature: h.signature,
  }));
  const seen =
    ex?.anomalies !== undefined && ex.anomalies.length > 0 ? [...ex.anomalies, ...r.anomalies] : r.anomalies;
  const wire = ex !== undefined && isCaptured(ex) ? capturedFields(ex) : undefined;
  if (seen.length === 0 && wire === undefined) return JSON.stringify({ id, hits });
  const anomalies = seen.length === 0 ? undefined : seen.map(anomalyJson);
  return JSON.stringify({ id, hits, anomalies, ...wire });
}

function anomalyJson(a: Anomaly) {
  return {
    code: a.code,
    ...(a.point !== undefined ? { point: a.point } : {}),
    ...(a.detail !== undefined ? { detail: a.detail } : {}),
  };
}

/** Exchanges read from a capture: the reader cannot tell them apart by id alone. */
function isCaptured(ex: HttpExchange): boolean {
  return ex.source?.startsWith("pcap:") === true;
}

/**
 * For captures, the line also says which request it is and how the server answered
 * (fields after `hits`, as the fixed interface allows): the request line, the flow's
 * endpoints, the tunnel, and the response's status, size and time.
 */
function capturedFields(ex: HttpExchange) {
  // The same status, size and time the node stores on hits.
  const facts = ex.response === undefined ? undefined : exchangeFacts(ex);
  return {
    request: {
      method: ex.request.method,
      target: ex.request.target,
      ...(ex.host !== undefined ? { host: ex.host } : {}),
    },
    ...(facts !== undefined
      ? { response: { status: facts.status, bytes: facts.responseBytes, ms: facts.responseMs } }
      : {}),
    ...(ex.client !== undefined ? { client: endpoint(ex.client) } : {}),
    ...(ex.server !== undefined ? { server: endpoint(ex.server) } : {}),
    ...(ex.ts !== undefined ? { ts: new Date(ex.ts).toISOString() } : {}),
    ...(ex.tunnel !== undefined ? { tunnel: ex.tunnel } : {}),
  };
}

function endpoint(e: { readonly ip: string; readonly port?: number }): string {
  if (e.port === undefined) return e.ip;
  return e.ip.includes(":") ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** The line written for a request whose analysis failed (a bug, never the input's fault). */
export function failedVerdictLine(id: string, message: string): string {
  return JSON.stringify({ id, hits: [], error: `analysis failed: ${message}` });
}

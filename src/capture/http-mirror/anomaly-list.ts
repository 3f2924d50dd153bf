import type { Anomaly, AnomalyCode } from "../../model/anomalies.js";

/** Most anomalies one exchange carries: a request built of nothing but faults says so early. */
export const MAX_ANOMALIES = 16;

/** Appends an anomaly unless the same code and detail is already there or the list is full. */
export function addAnomaly(list: Anomaly[], code: AnomalyCode, detail?: string, point?: string): void {
  if (list.length >= MAX_ANOMALIES) return;
  for (const a of list) if (a.code === code && a.detail === detail && a.point === point) return;
  const a: { code: AnomalyCode; detail?: string; point?: string } = { code };
  if (point !== undefined) a.point = point;
  if (detail !== undefined) a.detail = detail;
  list.push(a);
}

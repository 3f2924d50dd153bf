import type { Anomaly, AnomalyCode } from "../../model/anomalies.js";

/** Most anomalies one message carries: a message made of nothing but faults says so early. */
export const MAX_ANOMALIES = 16;

/** Appends an anomaly unless the same code and detail is already there or the list is full. */
export function addAnomaly(list: Anomaly[], code: AnomalyCode, detail?: string): void {
  if (list.length >= MAX_ANOMALIES) return;
  for (const a of list) if (a.code === code && a.detail === detail) return;
  list.push(detail === undefined ? { code } : { code, detail });
}

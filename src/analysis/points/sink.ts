import type { AnalysisLimits, Anomaly, AnomalyCode, Point, PointKind, PointZone } from "../../model/index.js";

export interface PointMeta {
  readonly header?: string;
  readonly name?: string;
}

/**
 * Collects the points of one request and enforces the limits on them. Parsers and
 * decoders only ever talk to a sink, so a bound is applied in exactly one place.
 */
export class PointSink {
  readonly points: Point[] = [];
  readonly anomalies: Anomaly[] = [];
  private readonly seenAnomalies = new Set<string>();
  private full = false;

  constructor(readonly limits: AnalysisLimits) {}

  /** False once the point limit was reached: callers stop producing. */
  get open(): boolean {
    return !this.full;
  }

  add(
    steps: readonly string[],
    zone: PointZone,
    kind: PointKind,
    value: string,
    depth: number,
    meta?: PointMeta,
  ): Point | undefined {
    if (this.full) return undefined;
    if (this.points.length >= this.limits.maxPoints) {
      this.full = true;
      this.anomaly("points_limit");
      return undefined;
    }
    let v = value;
    if (v.length > this.limits.maxValueLength) {
      v = v.slice(0, this.limits.maxValueLength);
      this.anomaly("value_truncated", steps.join(" › "));
    }
    const p: Point = {
      steps,
      zone,
      kind,
      value: v,
      depth,
      ...(meta?.header !== undefined ? { header: meta.header } : {}),
      ...(meta?.name !== undefined ? { name: meta.name } : {}),
    };
    this.points.push(p);
    return p;
  }

  /** Records an anomaly once per (code, point). */
  anomaly(code: AnomalyCode, point?: string, detail?: string): void {
    const key = point === undefined ? code : `${code}\u0000${point}`;
    if (this.seenAnomalies.has(key) || this.anomalies.length >= 64) return;
    this.seenAnomalies.add(key);
    const a: Anomaly = {
      code,
      ...(point !== undefined ? { point } : {}),
      ...(detail !== undefined ? { detail } : {}),
    };
    this.anomalies.push(a);
  }
}

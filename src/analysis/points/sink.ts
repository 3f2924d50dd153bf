import type { AnalysisLimits, Anomaly, AnomalyCode, Point, PointKind, PointZone } from "../../model/index.js";
import { POINT_SEPARATOR } from "../../model/index.js";

export interface PointMeta {
  readonly header?: string;
  readonly name?: string;
}

/** Most anomalies kept per request: the first ones tell the story. */
const MAX_ANOMALIES = 64;

/**
 * Collects the points of one request and enforces the limits on them. Parsers and
 * decoders only ever talk to a sink, so a bound is applied in exactly one place.
 *
 * Hot path: `push` is called ~50 times per browser request. Every point it builds has
 * one and the same shape (`makePoint`), so that property reads on points stay
 * monomorphic in the engine and in every detector; it allocates nothing else.
 */
export class PointSink {
  readonly points: Point[] = [];
  readonly anomalies: Anomaly[] = [];
  private seenAnomalies: Set<string> | null = null;
  /** First `Content-Type` / `Content-Encoding` seen by the header pass, for the body. */
  contentType: string | undefined = undefined;
  contentEncoding: string | undefined = undefined;
  private full = false;
  /** `limits.maxPoints` and `limits.maxValueLength`, read once. */
  private readonly maxPoints: number;
  private readonly maxValue: number;

  constructor(readonly limits: AnalysisLimits) {
    this.maxPoints = limits.maxPoints;
    this.maxValue = limits.maxValueLength;
  }

  /** False once the point limit was reached: callers stop producing. */
  get open(): boolean {
    return !this.full;
  }

  /** Compatible entry point: `meta` carries the optional header and name. */
  add(
    steps: readonly string[],
    zone: PointZone,
    kind: PointKind,
    value: string,
    depth: number,
    meta?: PointMeta,
  ): Point | undefined {
    if (this.push(steps, zone, kind, value, depth, meta?.header, meta?.name) === undefined) return undefined;
    return this.points[this.points.length - 1];
  }

  /**
   * Adds a point (`binary`: a whole binary body, `Point.binary`); returns the value as stored (cut to `maxValueLength`), or undefined
   * when the point limit is reached.
   */
  push(
    steps: readonly string[],
    zone: PointZone,
    kind: PointKind,
    value: string,
    depth: number,
    header: string | undefined,
    name: string | undefined,
    binary: true | undefined = undefined,
  ): string | undefined {
    if (this.full) return undefined;
    if (this.points.length >= this.maxPoints) {
      this.full = true;
      this.anomaly("points_limit");
      return undefined;
    }
    let v = value;
    if (v.length > this.maxValue) {
      v = v.slice(0, this.maxValue);
      this.anomaly("value_truncated", steps.join(POINT_SEPARATOR));
    }
    const p = makePoint(steps, zone, kind, v, depth, header, name, undefined, undefined, binary);
    this.points.push(p);
    return v;
  }

  /** Adds a header value that matched its standard grammar (`Point.wellFormed`). */
  pushWellFormed(steps: readonly string[], value: string, header: string): void {
    if (this.full) return;
    if (this.points.length >= this.maxPoints) {
      this.full = true;
      this.anomaly("points_limit");
      return;
    }
    this.points.push(makePoint(steps, "header", "value", value, 0, header, header, true, undefined));
  }

  /**
   * Adds a JSON number or `true`/`false` literal (RFC 8259 §3, §6 grammar, checked by the
   * JSON scanner): marked `wellFormed`, so the engine skips it like a standard header
   * value (a property test in body.test.ts holds every detector to flagging none).
   * Analytics bodies carry hundreds of them.
   */
  pushLiteral(
    steps: readonly string[],
    zone: PointZone,
    value: string,
    depth: number,
    header: string | undefined,
    name: string | undefined,
  ): void {
    if (this.full) return;
    if (this.points.length >= this.maxPoints) {
      this.full = true;
      this.anomaly("points_limit");
      return;
    }
    // A literal longer than maxValue is not a JSON number a client sends: analyse it.
    if (value.length > this.maxValue) {
      this.push(steps, zone, "value", value, depth, header, name);
      return;
    }
    this.points.push(makePoint(steps, zone, "value", value, depth, header, name, true, undefined));
  }

  /**
   * Marks point `index` as covered (`Point.covered`): a decoder re-emitted its whole
   * content in decoded form, so detectors read the children instead of the encoded text.
   * Only call it when nothing was cut on the way (no anomaly raised while emitting).
   */
  cover(index: number): void {
    const p = this.points[index];
    if (p === undefined || p.covered === true) return;
    this.points[index] = makePoint(
      p.steps,
      p.zone,
      p.kind,
      p.value,
      p.depth,
      p.header,
      p.name,
      p.wellFormed,
      true,
    );
  }

  /** True when an anomaly with this code was recorded. */
  hasAnomaly(code: AnomalyCode): boolean {
    for (const a of this.anomalies) if (a.code === code) return true;
    return false;
  }

  /**
   * Anomalies raised so far, repeats included (the list keeps one per code and point): a
   * decoder compares it before and after emitting to know whether anything was cut.
   */
  anomalyEvents = 0;

  /** Records an anomaly once per (code, point). */
  anomaly(code: AnomalyCode, point?: string, detail?: string): void {
    this.anomalyEvents++;
    if (this.anomalies.length >= MAX_ANOMALIES) return;
    const key = point === undefined ? code : `${code}\u0000${point}`;
    if (this.seenAnomalies === null) this.seenAnomalies = new Set();
    else if (this.seenAnomalies.has(key)) return;
    this.seenAnomalies.add(key);
    let a: Anomaly;
    if (point === undefined) a = detail === undefined ? { code } : { code, detail };
    else a = detail === undefined ? { code, point } : { code, point, detail };
    this.anomalies.push(a);
  }
}

/**
 * Every point has the same hidden class: all nine properties, in this order, absent
 * optional ones `undefined`. Points are read by every detector on every request; with
 * one shape per combination of optional properties (six of them), property reads in
 * the engine and the detectors went megamorphic. `undefined` reads the same as absent
 * for every `p.header` / `p.wellFormed === true` test (nothing uses `in` or key lists).
 */
function makePoint(
  steps: readonly string[],
  zone: PointZone,
  kind: PointKind,
  value: string,
  depth: number,
  header: string | undefined,
  name: string | undefined,
  wellFormed: true | undefined,
  covered: true | undefined,
  binary: true | undefined = undefined,
): Point {
  return { steps, zone, kind, value, depth, header, name, wellFormed, covered, binary } as Point;
}

/** `steps` plus one step, without the iterator protocol of a spread. */
export function stepsPlus(steps: readonly string[], s: string): string[] {
  const n = steps.length;
  const out = new Array<string>(n + 1);
  for (let i = 0; i < n; i++) out[i] = steps[i]!;
  out[n] = s;
  return out;
}

/** `steps` plus two steps. */
export function stepsPlus2(steps: readonly string[], a: string, b: string): string[] {
  const n = steps.length;
  const out = new Array<string>(n + 2);
  for (let i = 0; i < n; i++) out[i] = steps[i]!;
  out[n] = a;
  out[n + 1] = b;
  return out;
}

/** Display name of a step chain (for anomalies). */
export function stepsName(steps: readonly string[]): string {
  return steps.join(POINT_SEPARATOR);
}

const INDEX_STEPS: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** The step for array index `i`, without allocating for small indices. */
export function indexStep(i: number): string {
  return i < 256 ? INDEX_STEPS[i]! : String(i);
}

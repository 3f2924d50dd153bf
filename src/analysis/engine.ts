import type { AnalysisLimits, Anomaly, AttackType, Hit, HttpRequest, Point } from "../model/index.js";
import { DEFAULT_LIMITS, excerpt, pointName } from "../model/index.js";
import { charMask } from "./detectors/charmask.js";
import { BUILTIN_DETECTORS, type Detector, type DetectorMatch } from "./detectors/index.js";
import { NO_FINDINGS, PointCache, type PointFindings, RequestMemo } from "./point-cache.js";
import { extractPoints } from "./points/index.js";

export interface AnalysisResult {
  readonly hits: Hit[];
  readonly anomalies: readonly Anomaly[];
  /** Number of points the request was broken into. */
  readonly points: number;
}

export interface EngineOptions {
  readonly limits?: AnalysisLimits;
  readonly detectors?: readonly Detector[];
  /**
   * Optional wall-clock budget per request. The clock is injected (e.g.
   * `performance.now`) so that the engine itself stays pure and tests stay deterministic;
   * it is read between points, and a request past its budget ends with an `overlimit` hit.
   */
  readonly clock?: () => number;
  /** Milliseconds per request when `clock` is given (default 250). */
  readonly timeBudgetMs?: number;
  /**
   * Values per generation of the cache of header and cookie findings (point-cache.ts);
   * 0 turns it off. Default 2048.
   */
  readonly cacheSize?: number;
  /** Reuse findings for a value repeated within a request (point-cache.ts RequestMemo). Default true. */
  readonly requestMemo?: boolean;
}

/** Anomalies that are findings of their own (a zip or XML bomb is an attack). */
const BOMB_ANOMALIES = new Set(["decompression_limit", "xml_dtd_bomb"]);

/**
 * One request → hits. Pure and synchronous (no I/O, no clock of its own): safe to run
 * in worker threads. Every point is offered to every detector's prefilter (unless its
 * character mask lacks all the classes the detector `needs`); the full detector runs
 * only where the prefilter says it may match.
 */
export class Engine {
  private readonly limits: AnalysisLimits;
  private readonly detectors: readonly Detector[];
  private readonly requestDetectors: readonly Detector[];
  /** Each detector's `needs` by index (0: declares none, always asked). */
  private readonly needs: Int32Array;
  /** Each detector's `binary` by index (1: it reads binary bodies). */
  private readonly readsBinary: Uint8Array;
  private readonly clock: (() => number) | undefined;
  private readonly timeBudgetMs: number;
  private readonly cache: PointCache | undefined;
  /** Findings of values repeated within the request being analysed. */
  private readonly memo: RequestMemo | undefined;
  /** Work units of the last `scan` (value length + 64 per detector that ran). */
  private scanWork = 0;

  constructor(opts: EngineOptions = {}) {
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.detectors = opts.detectors ?? BUILTIN_DETECTORS;
    this.requestDetectors = this.detectors.filter((d) => d.detectRequest !== undefined);
    this.needs = Int32Array.from(this.detectors, (d) => d.needs ?? 0);
    this.readsBinary = Uint8Array.from(this.detectors, (d) => (d.binary === true ? 1 : 0));
    this.clock = opts.clock;
    this.timeBudgetMs = opts.timeBudgetMs ?? 250;
    const cacheSize = opts.cacheSize ?? 2048;
    this.cache = cacheSize > 0 ? new PointCache(cacheSize) : undefined;
    this.memo = opts.requestMemo === false ? undefined : new RequestMemo();
  }

  /** Findings-cache hits and misses so far (for metrics and benchmarks). */
  cacheStats(): { hits: number; misses: number } {
    return { hits: this.cache?.hits ?? 0, misses: this.cache?.misses ?? 0 };
  }

  analyze(req: HttpRequest): AnalysisResult {
    const clock = this.clock;
    const deadline = clock === undefined ? 0 : clock() + this.timeBudgetMs;
    const { points, anomalies } = extractPoints(req, this.limits);
    const hits: Hit[] = [];
    const seen = new Set<string>();
    // `${first step}:${type}` already reported from a finer point: a `raw` point (the whole
    // query string or body) then adds nothing and is not scanned for that type again.
    const zoneTypes = new Set<string>();
    const extra: Anomaly[] = [];
    let work = 0;
    let over = false;
    const push = (h: Hit): void => {
      if (hits.length >= this.limits.maxHits) return;
      const key = `${h.type}\u0000${h.point}`;
      if (seen.has(key)) return;
      seen.add(key);
      hits.push(h);
    };

    const cache = this.cache;
    const memo = this.memo;
    memo?.clear();
    for (let i = 0; i < points.length && !over; i++) {
      const p = points[i]!;
      if (p.wellFormed === true || p.covered === true) continue;
      const raw = p.kind === "raw";
      // A raw point may skip types already reported in its zone (its findings are then
      // partial); raw points are never header or cookie values, so never cached.
      const cached = cache !== undefined && PointCache.eligible(p) && cache.worth(p);
      let findings = cached ? cache!.get(p) : undefined;
      if (cached) cache!.seen(p, findings !== undefined);
      if (findings === undefined) {
        const memoed = memo !== undefined && RequestMemo.eligible(p);
        findings = memoed ? memo!.get(p) : undefined;
        if (findings === undefined) {
          findings = this.scan(p, raw && zoneTypes.size > 0 ? zoneTypes : undefined);
          work += this.scanWork;
          if (memoed) memo!.set(p, findings);
        }
        if (cached) cache!.set(p, findings);
      }
      for (let f = 0; f < findings.length; f++) {
        const [type, m] = findings[f]!;
        if (!raw) zoneTypes.add(`${p.steps[0]}:${type}`);
        push({
          type,
          point: pointName(p),
          payload: excerpt(p.value, m.start, m.end),
          signature: m.signature,
        });
      }
      if (work > this.limits.workBudget || (clock !== undefined && (i & 7) === 7 && clock() > deadline)) {
        over = true;
      }
    }
    if (!over) {
      for (const d of this.requestDetectors) {
        try {
          for (const h of d.detectRequest!({ request: req, points })) {
            // Request-level checks re-read what the parsers split (a query string holding
            // one pair, the whole Cookie header): a fallback, silent when a point of the
            // same zone already reported that type.
            if (zoneTypes.size === 0 || !zoneTypes.has(`${topStep(h.point)}:${h.type}`)) push(h);
          }
        } catch {
          // A request-level check must never take the request down with it.
        }
      }
    }
    if (over) {
      extra.push({ code: "work_budget" });
      push({ type: "overlimit", point: "request", payload: "", signature: "overlimit.budget" });
    }
    for (const a of anomalies) {
      if (BOMB_ANOMALIES.has(a.code)) {
        push({
          type: "data_bomb",
          point: a.point ?? "request",
          payload: a.detail ?? "",
          signature: `data_bomb.${a.code}`,
        });
      }
    }
    return {
      hits,
      anomalies: extra.length > 0 ? [...anomalies, ...extra] : anomalies,
      points: points.length,
    };
  }

  /**
   * Every detector on one point: prefilter, then the full check where it may match.
   * `skip` holds `zone:type` pairs a raw point need not scan again.
   */
  private scan(p: Point, skip: ReadonlySet<string> | undefined): PointFindings {
    const mask = charMask(p.value);
    const detectors = this.detectors;
    const needs = this.needs;
    const binary = p.binary === true;
    let found: [AttackType, DetectorMatch][] | undefined;
    let work = 0;
    for (let k = 0; k < detectors.length; k++) {
      // A detector whose trigger characters are all absent is not even asked.
      const need = needs[k]!;
      if (need !== 0 && (mask & need) === 0) continue;
      if (binary && this.readsBinary[k] === 0) continue;
      const d = detectors[k]!;
      if (skip?.has(`${p.steps[0]}:${d.type}`)) continue;
      if (!d.prefilter(p.value, mask)) continue;
      work += p.value.length + 64;
      const m = safeDetect(d, p);
      if (m === null) continue;
      if (found === undefined) found = [];
      found.push([d.type, m]);
    }
    this.scanWork = work;
    return found ?? NO_FINDINGS;
  }
}

/** The first step of a point name (`query` for `query › id`). */
function topStep(point: string): string {
  const i = point.indexOf(" ");
  return i === -1 ? point : point.slice(0, i);
}

function safeDetect(d: Detector, p: Point) {
  try {
    return d.detect(p);
  } catch {
    return null;
  }
}

/** Types reported, in output order. */
export function hitTypes(hits: readonly Hit[]): AttackType[] {
  return [...new Set(hits.map((h) => h.type))];
}

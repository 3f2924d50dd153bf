import type { AttackType, Point } from "../model/index.js";
import type { DetectorMatch } from "./detectors/index.js";

/** What the detectors found on one point: the types that fired and where. */
export type PointFindings = readonly (readonly [AttackType, DetectorMatch])[];

/** The shared "nothing found" answer, so a point without findings allocates nothing. */
export const NO_FINDINGS: PointFindings = Object.freeze([]);

/** Shorter values are cheaper to analyse than to look up. */
const MIN_LENGTH = 24;
/** Longer values rarely repeat, and hashing them costs what the prefilters would. */
const MAX_LENGTH = 1024;
/** At most this many points (paths) remembered per distinct value. */
const ENTRIES_PER_VALUE = 4;

interface Entry {
  readonly steps: readonly string[];
  readonly findings: PointFindings;
}

/**
 * Detector findings for header and cookie values, remembered across requests.
 *
 * A client sends the same User-Agent, Referer and cookies request after request, and
 * those free-text values are among the most expensive points to analyse (5–12 µs each on
 * browser traffic). Detectors are pure functions of the point (detectors/types.ts), so a
 * repeat reuses the first answer. Measured: caching *every* point cost more than it saved
 * (most points are short values the prefilters reject in well under a microsecond), hence
 * the narrow scope: depth-0 header and cookie values of MIN_LENGTH..MAX_LENGTH characters.
 *
 * Keyed by the value, with the point's path compared (a value seen in another header or
 * cookie is a different point). Bounded: two generations of `generationSize` values each
 * (a cheap LRU: a hit in the old generation is promoted; when the young one fills, the old
 * one is dropped). An attacker sending unique values only turns lookups into misses.
 */
export class PointCache {
  private young = new Map<string, Entry[]>();
  private old = new Map<string, Entry[]>();
  hits = 0;
  misses = 0;

  constructor(private readonly generationSize = 2048) {}

  /** Whether this point is worth caching. */
  static eligible(p: Point): boolean {
    const n = p.value.length;
    return (
      n >= MIN_LENGTH && n <= MAX_LENGTH && p.depth === 0 && (p.zone === "header" || p.zone === "cookie")
    );
  }

  get(p: Point): PointFindings | undefined {
    let e = find(this.young.get(p.value), p.steps);
    if (e === undefined) {
      e = find(this.old.get(p.value), p.steps);
      if (e !== undefined) this.add(p.value, e);
    }
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e.findings;
  }

  set(p: Point, findings: PointFindings): void {
    this.add(p.value, { steps: p.steps, findings });
  }

  private add(value: string, e: Entry): void {
    let list = this.young.get(value);
    if (list === undefined) {
      if (this.young.size >= this.generationSize) {
        this.old = this.young;
        this.young = new Map();
      }
      list = [];
      this.young.set(value, list);
    }
    if (list.length >= ENTRIES_PER_VALUE) list.shift();
    list.push(e);
  }
}

function find(list: readonly Entry[] | undefined, steps: readonly string[]): Entry | undefined {
  if (list === undefined) return undefined;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (sameSteps(e.steps, steps)) return e;
  }
  return undefined;
}

function sameSteps(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

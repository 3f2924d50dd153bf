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
/** Lookups of one source before its hit rate is judged (PointCache.worth). */
const PROBE = 64;
/** Points of a source whose values did not repeat that skip the cache before the next probe. */
const SKIP = 4096;
/** Sources (header or cookie names) watched at most. */
const MAX_SOURCES = 512;

interface SourceStats {
  lookups: number;
  hits: number;
  /** Points still to skip the cache. */
  skip: number;
}

interface Entry {
  /** The point the findings are for (its value is the map key). */
  readonly point: Point;
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
 * the narrow scope: header and cookie values of MIN_LENGTH..MAX_LENGTH characters.
 *
 * Derived points of those values are cached too (a Referer's double-decoded form, a
 * cookie's JSON members, base64 inside a cookie): they repeat exactly as their source
 * does, and a covered source hands its analysis to them.
 *
 * Keyed by the value, with the rest of the point compared (path, kind, depth, names: a
 * value seen in another header or cookie is a different point). Bounded: two generations of `generationSize` values each
 * (a cheap LRU: a hit in the old generation is promoted; when the young one fills, the old
 * one is dropped). An attacker sending unique values only turns lookups into misses.
 */
export class PointCache {
  private young = new Map<string, Entry[]>();
  private old = new Map<string, Entry[]>();
  hits = 0;
  misses = 0;
  /** Lookups per header name (cookie name for cookies), to stop caching where values never repeat. */
  private readonly sources = new Map<string, SourceStats>();

  constructor(private readonly generationSize = 2048) {}

  /** Whether this point is worth caching. */
  static eligible(p: Point): boolean {
    const n = p.value.length;
    return n >= MIN_LENGTH && n <= MAX_LENGTH && (p.zone === "header" || p.zone === "cookie");
  }

  /**
   * Whether to look this eligible point up. Some headers and cookies carry a fresh value
   * on every request (`X-Request-ID`, trace ids, a session token, `_ga`): looking those up
   * only misses, and each miss hashes the value twice and churns the generations (it
   * took 9% of an analysis worker on the mirror benchmark's mix). So each source (header
   * name, or cookie name) is watched: after PROBE lookups with fewer than one hit in
   * eight, its points skip the cache for the next SKIP ones, then it is probed again.
   * Bounded: at most MAX_SOURCES sources watched (others always use the cache).
   */
  worth(p: Point): boolean {
    const key = p.zone === "cookie" ? (p.name ?? "") : (p.header ?? "");
    let s = this.sources.get(key);
    if (s === undefined) {
      if (this.sources.size >= MAX_SOURCES) return true;
      s = { lookups: 0, hits: 0, skip: 0 };
      this.sources.set(key, s);
    }
    if (s.skip > 0) {
      s.skip--;
      return false;
    }
    return true;
  }

  /** Records the outcome of a lookup for `worth` (call after `get` when `worth` said yes). */
  seen(p: Point, hit: boolean): void {
    const s = this.sources.get(p.zone === "cookie" ? (p.name ?? "") : (p.header ?? ""));
    if (s === undefined) return;
    s.lookups++;
    if (hit) s.hits++;
    if (s.lookups >= PROBE) {
      if (s.hits * 8 < s.lookups) s.skip = SKIP;
      s.lookups = 0;
      s.hits = 0;
    }
  }

  get(p: Point): PointFindings | undefined {
    let e = find(this.young.get(p.value), p);
    if (e === undefined) {
      e = find(this.old.get(p.value), p);
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
    this.add(p.value, { point: p, findings });
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

function find(list: readonly Entry[] | undefined, p: Point): Entry | undefined {
  if (list === undefined) return undefined;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (samePoint(e.point, p)) return e;
  }
  return undefined;
}

/** Same point but for the value (compared by the map): every field a detector may read. */
function samePoint(a: Point, b: Point): boolean {
  return (
    a.kind === b.kind &&
    a.depth === b.depth &&
    a.zone === b.zone &&
    a.header === b.header &&
    a.name === b.name &&
    sameSteps(a.steps, b.steps)
  );
}

function sameSteps(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Values shorter than this are cheaper to analyse again than to look up (measured on
 * blazehttp: 24 was no faster than no memo, 64 and 256 were).
 */
const MEMO_MIN_LENGTH = 64;

/**
 * Findings for values repeated within one request, the elements of a JSON array above
 * all (a batch of analytics events each carrying the same cookie string or stack trace:
 * up to 2048 points of 1–60 KB). Such points differ only in their array index, and
 * detectors do not read indices, so a repeat at another index reuses the first answer.
 * Compared like the findings cache (every field but the value), except that two
 * all-digit steps (array indices, or numeric keys) count as the same step. Raw points
 * are left out (their scan may skip types, see engine.ts). Cleared for each request;
 * at most one entry per point, so bounded by `maxPoints`.
 */
export class RequestMemo {
  private readonly map = new Map<string, Entry[]>();

  static eligible(p: Point): boolean {
    return p.value.length >= MEMO_MIN_LENGTH && p.kind !== "raw";
  }

  get(p: Point): PointFindings | undefined {
    const list = this.map.get(p.value);
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (sameElement(e.point, p)) return e.findings;
    }
    return undefined;
  }

  set(p: Point, findings: PointFindings): void {
    const list = this.map.get(p.value);
    if (list === undefined) this.map.set(p.value, [{ point: p, findings }]);
    else if (list.length < ENTRIES_PER_VALUE) list.push({ point: p, findings });
  }

  clear(): void {
    if (this.map.size > 0) this.map.clear();
  }
}

/** `samePoint`, with any two all-digit steps taken as equal. */
function sameElement(a: Point, b: Point): boolean {
  if (
    a.kind !== b.kind ||
    a.depth !== b.depth ||
    a.zone !== b.zone ||
    a.header !== b.header ||
    a.name !== b.name ||
    a.steps.length !== b.steps.length
  )
    return false;
  for (let i = a.steps.length - 1; i >= 0; i--) {
    const s = a.steps[i]!;
    const t = b.steps[i]!;
    if (s !== t && !(allDigits(s) && allDigits(t))) return false;
  }
  return true;
}

function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

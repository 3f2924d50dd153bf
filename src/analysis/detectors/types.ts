import type { AttackType, Hit, HttpRequest, Point } from "../../model/index.js";

/** Where in a point's value a sign matched, and which sign it was. */
export interface DetectorMatch {
  /** Stable id `<type>.<sign>`, e.g. `sqli.union-select`. */
  readonly signature: string;
  readonly start: number;
  readonly end: number;
}

/** What request-level checks see: the request and all its points. */
export interface RequestView {
  readonly request: HttpRequest;
  readonly points: readonly Point[];
}

/**
 * One attack type's detector, registered by name. Contract:
 *  - `prefilter(v)` is cheap and returns true for every value `detect` could flag
 *    (a property-based test holds each detector to it);
 *  - `detect` and `detectRequest` never throw and do no I/O;
 *  - `detect` is a pure function of the point, and does not tell array indices apart
 *    (two all-digit steps): the engine reuses its answer for a value repeated in the
 *    same request at another index, and for header and cookie values across requests
 *    (point-cache.ts).
 */
export interface Detector {
  readonly type: AttackType;
  /**
   * `mask` is `charMask(value)` (see charmask.ts), computed once per point by the
   * engine and shared by all detectors: test it before scanning the value yourself.
   */
  prefilter(value: string, mask: number): boolean;
  /**
   * Optional: character classes (charmask.ts `CH` bits) without which `prefilter` always
   * says no. The engine then skips the call for a value whose mask has none of them
   * (most values are short names and tokens); 0 or absent: always asked. A test holds
   * each detector to it.
   */
  readonly needs?: number;
  /** Reads binary bodies (`Point.binary`); detectors without it never see them. */
  readonly binary?: true;
  detect(point: Point): DetectorMatch | null;
  /** Checks on the request as a whole: method, header set, protocol. */
  detectRequest?(view: RequestView): Hit[];
}

import type { AttackType } from "./attack-types.js";

/**
 * One detector firing on one point. Stable output of `mirrorwatch analyze`:
 * `{"type","point","payload","signature"}`, extend only.
 */
export interface Hit {
  readonly type: AttackType;
  /** Point name, e.g. `query › id`, or `request` for request-level findings. */
  readonly point: string;
  /** Excerpt of the value around what matched (bounded, see EXCERPT_MAX). */
  readonly payload: string;
  /** Stable id of the sign that fired, `<type>.<sign>`, e.g. `sqli.union-select`. */
  readonly signature: string;
}

export const EXCERPT_MAX = 160;

/** A bounded excerpt of `value` around [start, end). */
export function excerpt(value: string, start: number, end: number): string {
  if (value.length <= EXCERPT_MAX) return value;
  const len = Math.max(0, end - start);
  if (len >= EXCERPT_MAX) return value.slice(start, start + EXCERPT_MAX);
  const pad = (EXCERPT_MAX - len) >> 1;
  let from = Math.max(0, start - pad);
  const to = Math.min(value.length, from + EXCERPT_MAX);
  from = Math.max(0, to - EXCERPT_MAX);
  return value.slice(from, to);
}

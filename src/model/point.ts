/**
 * A point is one decoded value of a request with the chain of parser steps that produced
 * it, e.g. `query › id`, `body › json › user › name`, `header › authorization › jwt ›
 * payload › sub`. Points are a closed vocabulary (ARCHITECTURE.md principle 3).
 */

/** Where in the request a point's chain starts. */
export type PointZone = "method" | "path" | "query" | "header" | "cookie" | "body";

/**
 * What role the value plays, so that detectors can scope themselves (a path segment is
 * not a free-text field, a parameter name is not a value).
 *  - `path`: the whole decoded path;  `segment`: one path segment;  `ext`: file extension
 *  - `key`: a name chosen by the client (parameter, JSON key, XML element/attribute name)
 *  - `value`: a value (parameter, JSON string/number, XML text/attribute, header value)
 *  - `filename`: a multipart file name;  `raw`: a whole unparsed body or query string
 *  - `markup`: an XML DTD, entity declaration, comment or processing instruction
 */
export type PointKind = "path" | "segment" | "ext" | "key" | "value" | "filename" | "raw" | "markup";

export interface Point {
  /** Parser steps from the zone down to this value; `steps[0]` is the zone. */
  readonly steps: readonly string[];
  readonly zone: PointZone;
  readonly kind: PointKind;
  /** The decoded value detectors look at. */
  readonly value: string;
  /** Lower-case header name when zone is `header` (or `cookie`: "cookie"). */
  readonly header?: string;
  /** The name of the innermost parameter/key/field this value belongs to, when any. */
  readonly name?: string;
  /** Nesting depth in parsers/decoders (0 for values read straight off the request). */
  readonly depth: number;
  /**
   * Set on a header value that matches its header's standard grammar exactly (see
   * analysis/points/header-grammar.ts), and on a JSON number or `true`/`false` literal:
   * nothing in it can carry an injection, so point detectors skip it. Request-level
   * checks still see it.
   */
  readonly wellFormed?: true;
  /**
   * Set when a nested decoder re-emitted this value whole in decoded form (a double
   * percent-encoded value, an embedded JSON document parsed cleanly): point detectors
   * read the decoded children instead of the encoded text.
   */
  readonly covered?: true;
  /**
   * Set on a whole body that is binary (mostly control bytes: an image, an archive, a
   * protobuf message sent as is). Only detectors that declare they read binary see it:
   * text signs found by chance in random bytes are noise.
   */
  readonly binary?: true;
}

/** The separator of a point's display name. */
export const POINT_SEPARATOR = " › ";

export function pointName(p: Pick<Point, "steps">): string {
  return p.steps.join(POINT_SEPARATOR);
}

/**
 * Anomaly codes: malformed or suspicious input observed while parsing. Anomalies are
 * data on the result, never exceptions (ARCHITECTURE.md principle 4).
 */
export const ANOMALY_CODES = [
  "points_limit",
  "depth_limit",
  "value_truncated",
  "body_truncated",
  "parts_limit",
  "decompression_limit",
  "decompression_error",
  "bad_percent_encoding",
  "bad_utf8",
  "overlong_utf8",
  "bad_json",
  "bad_xml",
  "bad_multipart",
  "bad_base64",
  "content_type_mismatch",
  "xml_dtd",
  // A DTD whose entities would expand past limits.maxEntityExpansion (billion laughs,
  // quadratic blowup) or reference themselves: a data bomb, reported as a finding.
  "xml_dtd_bomb",
  "work_budget",
  "duplicate_header",
  "bad_header",
  // Added with the complete request-points layer.
  "bad_graphql",
  "bad_utf16",
  "nesting_limit",
  // A parser threw despite being written not to: the request keeps the points read so
  // far. Seeing this code means a bug to fix, not an attack.
  "parser_error",
  // Added with the HTTP-mirror listener (src/capture/http-mirror): a request the wire parser
  // could only read leniently or partly (bad request line, bad framing, cut short), and a
  // head with more header fields or bytes than the listener keeps.
  "http_parse_error",
  "headers_limit",
] as const;

export type AnomalyCode = (typeof ANOMALY_CODES)[number];

export interface Anomaly {
  readonly code: AnomalyCode;
  /** Where it happened, as a point name, when it is tied to one. */
  readonly point?: string;
  readonly detail?: string;
}

/**
 * Host and Range field values, checked against their grammars.
 */

/**
 * RFC 9110 §7.2: Host = uri-host [ ":" port ]; RFC 3986 §3.2.2: uri-host is an
 * IP-literal (`[…]`), an IPv4 address or a reg-name made of unreserved, pct-encoded and
 * sub-delims characters. A value outside that grammar (`evil.com/x`, `a@b`, `a b`,
 * `host:80:81`, a port that is not a number) is how host-header attacks reach routing,
 * cache keys and password-reset links. An IP with a port alone is legitimate.
 */
export function hostValid(v: string): boolean {
  const n = v.length;
  if (n === 0) return true; // allowed when the target has no authority (RFC 9112 §3.2)
  if (n > 255 + 6) return false;
  let i = 0;
  if (v.charCodeAt(0) === 91 /* [ */) {
    const close = v.indexOf("]");
    if (close === -1) return false;
    for (let k = 1; k < close; k++) {
      const c = v.charCodeAt(k);
      // IPv6address / IPvFuture characters, plus `%` for a zone id (RFC 6874)
      if (!(isHex(c) || c === 58 || c === 46 || c === 37 || c === 118 || c === 86 || isUnreservedOrSub(c)))
        return false;
    }
    i = close + 1;
  } else {
    while (i < n) {
      const c = v.charCodeAt(i);
      if (c === 58 /* : */) break;
      if (!(isUnreservedOrSub(c) || c === 37)) return false;
      i++;
    }
    if (i === 0) return false;
  }
  if (i === n) return true;
  if (v.charCodeAt(i) !== 58) return false;
  // port = *DIGIT (may be empty per RFC 3986), at most 5 digits for a real port
  const digits = n - i - 1;
  if (digits > 5) return false;
  for (let k = i + 1; k < n; k++) {
    const c = v.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** RFC 3986 unreserved / sub-delims. */
function isUnreservedOrSub(c: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) return true;
  switch (c) {
    case 45: // -
    case 46: // .
    case 95: // _
    case 126: // ~
    case 33: // !
    case 36: // $
    case 38: // &
    case 39: // '
    case 40: // (
    case 41: // )
    case 42: // *
    case 43: // +
    case 44: // ,
    case 59: // ;
    case 61: // =
      return true;
    default:
      return false;
  }
}

/** Beyond this many ranges a request is asking the server to do work, not to resume. */
export const MAX_RANGES = 16;

export type RangeVerdict = "ok" | "malformed" | "too-many";

/**
 * RFC 9110 §14.1.2: Range = ranges-specifier = range-unit "=" range-set, range-set =
 * 1#range-spec, int-range = first-pos "-" [ last-pos ], suffix-range = "-" suffix-length.
 * A byte range whose last-pos is below its first-pos is invalid. Many (overlapping)
 * ranges are the Apache "Range killer" (CVE-2011-3192) memory exhaustion; RFC 9110
 * §14.2 tells servers to treat them as an attack.
 */
export function checkRange(v: string): RangeVerdict {
  if (v.length > 4096) return "too-many";
  const eq = v.indexOf("=");
  if (eq <= 0) return "malformed";
  const unit = v.slice(0, eq).trim().toLowerCase();
  for (let i = 0; i < unit.length; i++) {
    const c = unit.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95)) return "malformed";
  }
  if (unit.length === 0) return "malformed";
  if (unit !== "bytes") return "ok"; // other units are not ours to parse
  let count = 0;
  let start = eq + 1;
  for (let guard = 0; guard < 1024 && start <= v.length; guard++) {
    let end = v.indexOf(",", start);
    if (end === -1) end = v.length;
    const spec = v.slice(start, end).trim();
    start = end + 1;
    if (spec.length === 0) continue;
    if (++count > MAX_RANGES) return "too-many";
    const dash = spec.indexOf("-");
    if (dash === -1 || spec.indexOf("-", dash + 1) !== -1) return "malformed";
    const first = spec.slice(0, dash);
    const last = spec.slice(dash + 1);
    if (!allDigits(first) || !allDigits(last)) return "malformed";
    if (first.length === 0 && last.length === 0) return "malformed";
    if (
      first.length > 0 &&
      last.length > 0 &&
      first.length <= 15 &&
      last.length <= 15 &&
      Number(last) < Number(first)
    ) {
      return "malformed";
    }
  }
  return count === 0 ? "malformed" : "ok";
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length <= 19;
}

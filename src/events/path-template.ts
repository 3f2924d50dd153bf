/**
 * Path templates group attacks on "the same page": `/users/42/orders/7` and
 * `/users/43/orders/9` are both `/users/{id}/orders/{id}`. Each segment is classified by a
 * single scan of its characters (no regex, so no backtracking): numbers, UUIDs, dates, long
 * hex strings and long token-like strings become placeholders. Templates are idempotent
 * (placeholders contain braces, which no class accepts) and bounded.
 */

/** Input past this length is ignored (the listener already bounds request targets). */
export const TEMPLATE_MAX_INPUT = 8192;
/** Segments kept; the rest become one `{…}` segment. */
export const TEMPLATE_MAX_SEGMENTS = 32;
/** Characters kept of a segment that is not a placeholder; the rest become `…`. */
export const TEMPLATE_MAX_SEGMENT = 128;

const MORE = "{…}";
const CUT = "…";

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHexLetter = (c: number) => (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/** `{id}`, `{uuid}`, `{date}`, `{hex}` or `{token}` for an identifier-like segment, else undefined. */
export function placeholder(s: string): string | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  let digits = 0;
  let hexLetters = 0;
  let letters = 0;
  let dashes = 0;
  let unders = 0;
  let other = 0;
  let tokenOnly = true;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (isLetter(c)) {
      letters++;
      if (isHexLetter(c)) hexLetters++;
    } else if (c === 45) dashes++;
    else if (c === 95) unders++;
    else if (c === 61 || c === 46 || c === 43 || c === 126) other++;
    else tokenOnly = false;
  }
  if (digits === n) return "{id}";
  if (digits >= 8 && isDate(s)) return "{date}";
  if (!tokenOnly) return undefined;
  if (n === 36 && dashes === 4 && digits + hexLetters === 32 && isUuidShape(s)) return "{uuid}";
  if (n >= 16 && digits > 0 && digits + hexLetters === n) return "{hex}";
  // Tokens (base64/base64url, opaque keys): long, letters and digits mixed, and not a slug
  // (slugs have a dash every few characters).
  if (n >= 20 && digits > 0 && letters > 0 && (dashes + unders) * 8 <= n && other <= 3) return "{token}";
  return undefined;
}

function isUuidShape(s: string): boolean {
  return s[8] === "-" && s[13] === "-" && s[18] === "-" && s[23] === "-";
}

/** YYYY-MM-DD, optionally followed by a time (`T12:00:00Z`, `12:00`, `.123`, `+01:00`). */
function isDate(s: string): boolean {
  if (s.length < 10 || s.length > 35) return false;
  for (let i = 0; i < 10; i++) {
    const c = s.charCodeAt(i);
    if (i === 4 || i === 7 ? c !== 45 : !isDigit(c)) return false;
  }
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  for (let i = 10; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c) && c !== 58 && c !== 84 && c !== 90 && c !== 46 && c !== 43 && c !== 45) return false;
  }
  return true;
}

function segment(seg: string): string {
  const whole = placeholder(seg);
  if (whole !== undefined) return whole;
  // A short extension keeps its name: `42.json` → `{id}.json`.
  const dot = seg.lastIndexOf(".");
  if (dot > 0 && seg.length - dot - 1 >= 1 && seg.length - dot - 1 <= 5) {
    const ext = seg.slice(dot + 1);
    let hasLetter = false;
    let alnum = true;
    for (let i = 0; i < ext.length; i++) {
      const c = ext.charCodeAt(i);
      if (isLetter(c)) hasLetter = true;
      else if (!isDigit(c)) alnum = false;
    }
    if (hasLetter && alnum) {
      const stem = placeholder(seg.slice(0, dot));
      if (stem !== undefined) return `${stem}.${ext}`;
    }
  }
  return seg.length > TEMPLATE_MAX_SEGMENT ? seg.slice(0, TEMPLATE_MAX_SEGMENT) + CUT : seg;
}

/** The template of a path (no query string). Never throws. */
export function pathTemplate(path: string): string {
  let p = path.length > TEMPLATE_MAX_INPUT ? path.slice(0, TEMPLATE_MAX_INPUT) : path;
  const q = p.indexOf("?");
  if (q !== -1) p = p.slice(0, q);
  const h = p.indexOf("#");
  if (h !== -1) p = p.slice(0, h);
  const out: string[] = [];
  let start = 0;
  for (;;) {
    if (out.length === TEMPLATE_MAX_SEGMENTS) {
      out.push(MORE);
      break;
    }
    const slash = p.indexOf("/", start);
    const seg = slash === -1 ? p.slice(start) : p.slice(start, slash);
    out.push(seg === MORE ? seg : segment(seg));
    if (slash === -1) break;
    start = slash + 1;
  }
  return out.join("/");
}

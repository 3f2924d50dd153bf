import type { Hit, HttpRequest } from "../../../model/index.js";
import { excerpt } from "../../../model/index.js";
import { isEvasiveCharset, parseMediaType } from "./content-type.js";
import { contentLengthValue, obfuscatedFramingName, transferEncodingValid } from "./framing.js";
import { checkRange, hostValid } from "./host-range.js";
import { classifyOverride, eqLower, isToken } from "./methods.js";

/**
 * Request-level checks on the header section: framing (smuggling), header injection,
 * Host, Range, Content-Type and cookie syntax, method override. One pass over the
 * headers; names are only lower-cased when their length says they may matter.
 */

const PSEUDO = new Set([":authority", ":method", ":path", ":scheme", ":protocol"]);

export function protocolHit(point: string, value: string, start: number, end: number, sign: string): Hit {
  return { type: "protocol", point, payload: excerpt(value, start, end), signature: `protocol.${sign}` };
}

/**
 * Do any header values hold a CR, LF, NUL or a `%0` (start of `%0a`/`%0d`)? Answered
 * with one native search per value (no concatenation: that copies every value).
 */
function anyValueBreaks(headers: HttpRequest["headers"]): boolean {
  for (let i = 0; i < headers.length; i++) {
    const v = headers[i]![1];
    if (BREAK_START.test(v) && VALUE_BREAK.test(v)) return true;
  }
  return false;
}

const VALUE_BREAK = /%0|[\r\n\0]/;
/**
 * What VALUE_BREAK's matches start with, as one character class: irregexp scans a value
 * for a class several times faster than for an alternation, and most header values hold
 * none of these (the alternation then runs on the few with a `%`).
 */
const BREAK_START = /[\r\n\0%]/;

export function checkHeaders(req: HttpRequest, out: Hit[]): void {
  let te: string | null = null;
  // Allocated only when the header shows up (most requests have no Range, TE…).
  let cl: string[] | null = null;
  let hosts: string[] | null = null;
  let contentTypes: string[] | null = null;
  const breaks = anyValueBreaks(req.headers);
  for (const h of req.headers) {
    const rawName = h[0];
    const value = h[1];
    if (!isToken(rawName)) {
      const lower = rawName.toLowerCase();
      const framing = obfuscatedFramingName(rawName);
      if (framing !== null) {
        const sign = framing === "transfer-encoding" ? "te-obfuscated" : "cl-obfuscated";
        out.push(protocolHit(`header › ${lower}`, rawName, 0, rawName.length, sign));
      } else if (!PSEUDO.has(lower)) {
        out.push(protocolHit(`header › ${lower}`, rawName, 0, rawName.length, "bad-header-name"));
      }
    }
    if (breaks && value.length > 0) checkValueBreaks(rawName.toLowerCase(), value, out);
    // Dispatch on length first so that most names are never compared at all.
    switch (rawName.length) {
      case 4:
        if (eqLower(rawName, "host")) {
          if (hosts === null) hosts = [];
          hosts.push(value);
        }
        break;
      case 5:
        if (eqLower(rawName, "range")) {
          const r = checkRange(value);
          if (r !== "ok") {
            out.push(
              protocolHit(
                "header › range",
                value,
                0,
                value.length,
                r === "too-many" ? "range-abuse" : "bad-range",
              ),
            );
          }
        }
        break;
      case 6:
        if (value.indexOf("$") !== -1 && eqLower(rawName, "cookie")) checkCookieAttributes(value, out);
        break;
      case 12:
        if (eqLower(rawName, "content-type")) {
          if (contentTypes === null) contentTypes = [];
          contentTypes.push(value);
        }
        break;
      case 13:
      case 17:
      case 22:
        if (eqLower(rawName, "transfer-encoding")) te = te === null ? value : `${te},${value}`;
        else if (eqLower(rawName, "transfer_encoding")) {
          // A token, but CGI-style servers read `_` as `-`: a second framing header.
          out.push(protocolHit("header › transfer_encoding", rawName, 0, rawName.length, "te-obfuscated"));
        } else if (
          eqLower(rawName, "x-http-method-override") ||
          eqLower(rawName, "x-http-method") ||
          eqLower(rawName, "x-method-override")
        ) {
          if (classifyOverride(value) !== null) {
            out.push(
              protocolHit(`header › ${rawName.toLowerCase()}`, value, 0, value.length, "method-override"),
            );
          }
        }
        break;
      case 14:
        if (eqLower(rawName, "content-length")) {
          if (cl === null) cl = [];
          cl.push(value);
        } else if (eqLower(rawName, "content_length")) {
          out.push(protocolHit("header › content_length", rawName, 0, rawName.length, "cl-obfuscated"));
        }
        break;
      default:
        break;
    }
  }
  if (te !== null) {
    if (cl !== null) out.push(protocolHit("header › transfer-encoding", te, 0, te.length, "te-cl-conflict"));
    if (!transferEncodingValid(te))
      out.push(protocolHit("header › transfer-encoding", te, 0, te.length, "te-obfuscated"));
    else if (req.httpVersion === "HTTP/1.0" || req.httpVersion === "1.0") {
      // RFC 9112 §6.1: TE in an HTTP/1.0 message means the framing is faulty.
      out.push(protocolHit("header › transfer-encoding", te, 0, te.length, "te-http10"));
    }
  }
  if (cl !== null) {
    const joined = cl.join(", ");
    if (contentLengthValue(joined) === null)
      out.push(protocolHit("header › content-length", joined, 0, joined.length, "bad-content-length"));
  }
  if (hosts !== null) {
    const first = hosts[0]!;
    if (hosts.length > 1 && hosts.some((x) => x.trim().toLowerCase() !== first.trim().toLowerCase())) {
      const j = hosts.join(" | ");
      out.push(protocolHit("header › host", j, 0, j.length, "duplicate-host"));
    } else if (!hostValid(first.trim())) {
      out.push(protocolHit("header › host", first, 0, first.length, "bad-host"));
    }
  }
  if (contentTypes !== null) checkContentType(contentTypes, out);
}

/**
 * A control character inside a header value (RFC 9110 §5.5: CR, LF and NUL are invalid
 * and dangerous; field-vchar excludes every other CTL but HTAB), or a percent-encoded
 * line break that, once an application decodes the value and writes it into a response
 * header or a log line, starts a new header (`%0d%0aSet-Cookie: …`) or ends the header
 * section (`%0d%0a%0d%0a<html>`).
 */
function checkValueBreaks(name: string, value: string, out: Hit[]): void {
  const point = `header › ${name}`;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 13 || c === 10) {
      out.push(protocolHit(point, value, i, i + 1, "header-crlf"));
      return;
    }
    if ((c < 32 && c !== 9) || c === 127) {
      out.push(protocolHit(point, value, i, i + 1, "header-ctl"));
      return;
    }
  }
  // Only encoded line breaks are left: they matter when followed by a header line.
  let from = 0;
  for (let n = 0; n < 16; n++) {
    const p = value.indexOf("%0", from);
    if (p === -1) return;
    from = p + 2;
    const d = value.charCodeAt(p + 2) | 0x20;
    if (d !== 0x61 && d !== 0x64) continue; // %0a / %0d
    let j = p + 3;
    let breaks = 1;
    // swallow a run of encoded line breaks
    for (let k = 0; k < 8; k++) {
      if (value.charCodeAt(j) === 37 && value.charCodeAt(j + 1) === 48) {
        const e = value.charCodeAt(j + 2) | 0x20;
        if (e === 0x61 || e === 0x64) {
          j += 3;
          breaks++;
          continue;
        }
      }
      break;
    }
    if (breaks >= 3 || startsHeaderLine(value, j)) {
      out.push(protocolHit(point, value, p, Math.min(value.length, j + 24), "header-injection"));
      return;
    }
  }
}

/**
 * `Name:` at `i`: a field-name token of 2–64 characters starting with a letter and
 * followed by ':' (optionally after `%20`-free OWS), which is what a response header
 * line looks like.
 */
function startsHeaderLine(v: string, i: number): boolean {
  const c0 = v.charCodeAt(i);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) return false;
  let j = i + 1;
  const stop = Math.min(v.length, i + 64);
  while (j < stop) {
    const c = v.charCodeAt(j);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95) j++;
    else break;
  }
  if (j - i < 2) return false;
  return v.charCodeAt(j) === 58 || v.startsWith("%3a", j) || v.startsWith("%3A", j);
}

/**
 * RFC 2109/2965 cookie attributes (`$Version`, `$Path`, `$Domain`) in a request: RFC
 * 6265 removed them, no browser sends them, and servers that still parse them switch to
 * a quoting-aware parser — a known way to smuggle a value past a WAF that splits on `;`.
 */
function checkCookieAttributes(value: string, out: Hit[]): void {
  let start = 0;
  for (let n = 0; n < 64 && start < value.length; n++) {
    let end = value.indexOf(";", start);
    if (end === -1) end = value.length;
    let i = start;
    while (i < end && (value.charCodeAt(i) === 32 || value.charCodeAt(i) === 9)) i++;
    if (value.charCodeAt(i) === 36 /* $ */) {
      const eq = value.indexOf("=", i);
      const attr = value
        .slice(i + 1, eq === -1 || eq > end ? end : eq)
        .trim()
        .toLowerCase();
      if (attr === "version" || attr === "path" || attr === "domain" || attr === "port") {
        out.push(protocolHit("header › cookie", value, i, end, "cookie-v1"));
        return;
      }
    }
    start = end + 1;
  }
}

/**
 * Content-Type confusion: two media types in one request (two field lines or a comma
 * list), a `boundary` on a type that is not multipart, or a charset that re-encodes the
 * body (UTF-7, EBCDIC). Each makes the WAF, the framework and the body parser read
 * different content from the same bytes.
 */
function checkContentType(values: string[], out: Hit[]): void {
  const first = values[0]!;
  if (values.length > 1 && values.some((x) => x.trim().toLowerCase() !== first.trim().toLowerCase())) {
    const j = values.join(" | ");
    out.push(protocolHit("header › content-type", j, 0, j.length, "multiple-content-type"));
    return;
  }
  const mt = parseMediaType(first.length > 4096 ? first.slice(0, 4096) : first);
  if (mt.multiple) {
    out.push(protocolHit("header › content-type", first, 0, first.length, "multiple-content-type"));
    return;
  }
  const multipart = mt.essence.startsWith("multipart/");
  for (const [k, v] of mt.params) {
    if (k === "boundary" && !multipart) {
      out.push(protocolHit("header › content-type", first, 0, first.length, "content-type-confusion"));
      return;
    }
    if (k === "charset" && isEvasiveCharset(v)) {
      out.push(protocolHit("header › content-type", first, 0, first.length, "charset-evasion"));
      return;
    }
  }
}

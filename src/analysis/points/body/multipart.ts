import type { PointZone } from "../../../model/index.js";
import { emitV } from "../decode.js";
import type { PointSink } from "../sink.js";
import { stepsName, stepsPlus, stepsPlus2 } from "../sink.js";
import { decodeExtValue, param, parseParams } from "./params.js";

/** Emits one part's content by its own Content-Type (supplied by body/index.ts). */
export type PartContentEmitter = (
  steps: readonly string[],
  contentType: string,
  content: string,
  isFile: boolean,
  depth: number,
) => void;

/** Longest part header block read (RFC 7578 sets no bound; 8 KiB is generous). */
const MAX_PART_HEADER_BYTES = 8192;

/**
 * The boundary of a multipart body: the `boundary` parameter of the Content-Type
 * (RFC 2046 §5.1.1), else sniffed from a first line of the form `--token`.
 */
export function multipartBoundary(contentType: string | undefined, text: string): string | null {
  if (contentType !== undefined) {
    const b = param(parseParams(contentType), "boundary");
    if (b !== undefined && b.length > 0 && b.length <= 200) return b;
  }
  return sniffBoundary(text);
}

/** `--boundary` as the first non-blank line, with a plausible boundary (1–200 chars). */
export function sniffBoundary(text: string): string | null {
  let i = 0;
  while (i < text.length && i < 64 && (text.charCodeAt(i) === 13 || text.charCodeAt(i) === 10)) i++;
  if (!text.startsWith("--", i)) return null;
  let e = text.indexOf("\n", i);
  if (e === -1 || e - i > 202) return null;
  if (text.charCodeAt(e - 1) === 13) e--;
  const b = text.slice(i + 2, e).trimEnd();
  if (b.length === 0 || b.length > 200) return null;
  for (let k = 0; k < b.length; k++) {
    const c = b.charCodeAt(k);
    if (c <= 32 || c > 126) return null;
  }
  return b;
}

/**
 * Multipart bodies (RFC 2046 §5.1, form-data per RFC 7578): for each part
 *  - `… › multipart › NAME › #key` (kind key): the field name;
 *  - `… › multipart › NAME › filename` (kind filename): every `filename` and decoded
 *    `filename*` parameter (RFC 8187), repeats kept;
 *  - `… › multipart › NAME › header › H` : each part header other than
 *    Content-Disposition, plus the disposition's unknown parameters;
 *  - the content, emitted by its own Content-Type through `emitContent`
 *    (`… › multipart › NAME` for text; `… › NAME › json › …`, nested multipart…).
 * Lenient: LF-only line ends, transport padding, a missing close delimiter (reported
 * `bad_multipart`). Bounded by `limits.maxParts` (`parts_limit`).
 */
export function emitMultipart(
  sink: PointSink,
  prefix: readonly string[],
  zone: PointZone,
  text: string,
  boundary: string,
  depth: number,
  emitContent: PartContentEmitter,
): boolean {
  const where = stepsName(prefix);
  const delim = `--${boundary}`;
  const n = text.length;
  let bad = false;
  // The first delimiter: at the very start or after a line break (preamble before it).
  let at = text.startsWith(delim) ? 0 : text.indexOf(`\n${delim}`);
  if (at === -1) {
    sink.anomaly("bad_multipart", where, "no boundary delimiter");
    return false;
  }
  if (at > 0) {
    at += 1;
    const pre = text.slice(0, at).trim();
    // RFC 2046: the preamble is to be ignored — which is why payloads hide there.
    if (pre.length > 0)
      sink.push(stepsPlus(prefix, "#preamble"), zone, "raw", pre, depth, undefined, undefined);
  }
  let pos = at + delim.length;
  let parts = 0;
  let closed = false;
  while (pos < n && sink.open) {
    if (text.startsWith("--", pos)) {
      closed = true;
      const epi = text.slice(pos + 2).trim();
      if (epi.length > 0)
        sink.push(stepsPlus(prefix, "#epilogue"), zone, "raw", epi, depth, undefined, undefined);
      break;
    }
    // Transport padding, then the line break ending the delimiter line.
    const eol = text.indexOf("\n", pos);
    if (eol === -1) {
      bad = true;
      break;
    }
    if (text.slice(pos, eol).trim().length > 0) bad = true;
    const hStart = eol + 1;
    // Header block: up to an empty line (CRLF CRLF, or LF LF leniently).
    let hEnd = -1;
    let cStart = -1;
    if (text.charCodeAt(hStart) === 13 && text.charCodeAt(hStart + 1) === 10) {
      hEnd = hStart;
      cStart = hStart + 2;
    } else if (text.charCodeAt(hStart) === 10) {
      hEnd = hStart;
      cStart = hStart + 1;
    } else {
      const crlf = text.indexOf("\r\n\r\n", hStart);
      const lf = text.indexOf("\n\n", hStart);
      if (crlf !== -1 && (lf === -1 || crlf <= lf)) {
        hEnd = crlf;
        cStart = crlf + 4;
      } else if (lf !== -1) {
        hEnd = lf;
        cStart = lf + 2;
      }
    }
    // The part ends at the next delimiter line.
    let next = text.indexOf(`\n${delim}`, hStart);
    if (hEnd === -1 || (next !== -1 && hEnd > next) || hEnd - hStart > MAX_PART_HEADER_BYTES) {
      // A part with no blank line after its headers.
      bad = true;
      hEnd = hStart;
      cStart = hStart;
    }
    if (next === -1) {
      bad = true;
      next = n;
    }
    let cEnd = next;
    if (cEnd > cStart && text.charCodeAt(cEnd - 1) === 13) cEnd--;
    if (++parts > sink.limits.maxParts) {
      sink.anomaly("parts_limit", where);
      break;
    }
    emitPart(
      sink,
      prefix,
      zone,
      text.slice(hStart, hEnd),
      text.slice(Math.min(cStart, cEnd), cEnd),
      depth,
      emitContent,
    );
    pos = next === n ? n : next + 1 + delim.length;
  }
  if (!closed && sink.open) bad = true;
  if (bad) sink.anomaly("bad_multipart", where);
  return !bad;
}

function emitPart(
  sink: PointSink,
  prefix: readonly string[],
  zone: PointZone,
  headerBlock: string,
  content: string,
  depth: number,
  emitContent: PartContentEmitter,
): void {
  let name: string | undefined;
  const filenames: string[] = [];
  let contentType = "";
  let encoding = "";
  const others: Array<[string, string]> = [];
  let hasDisposition = false;
  // Header lines; obsolete folding (leading whitespace) continues the previous line.
  const lines = headerBlock.split("\n");
  const merged: string[] = [];
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.length === 0) continue;
    if ((line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) && merged.length > 0) {
      merged[merged.length - 1] += ` ${line.trim()}`;
    } else if (merged.length < 32) merged.push(line);
  }
  for (const line of merged) {
    const colon = line.indexOf(":");
    if (colon <= 0) {
      others.push(["#invalid", line]);
      continue;
    }
    const h = line.slice(0, colon).trim().toLowerCase();
    const v = line.slice(colon + 1).trim();
    if (h === "content-disposition") {
      hasDisposition = true;
      for (const p of parseParams(v)) {
        if (p.name === "name") name ??= p.value;
        else if (p.name === "filename") filenames.push(p.value);
        else if (p.name === "filename*") filenames.push(decodeExtValue(p.value));
        else if (p.name === "name*") name ??= decodeExtValue(p.value);
        else others.push([`content-disposition › ${p.name}`, p.value]);
      }
    } else if (h === "content-type") {
      contentType = v;
      others.push([h, v]);
    } else if (h === "content-transfer-encoding") {
      encoding = v.toLowerCase();
      others.push([h, v]);
    } else others.push([h, v]);
  }
  if (!hasDisposition) sink.anomaly("bad_multipart", stepsName(prefix), "part without Content-Disposition");
  const field = name ?? "#unnamed";
  const steps = stepsPlus(prefix, field);
  if (name !== undefined) sink.push(stepsPlus(steps, "#key"), zone, "key", name, depth, undefined, name);
  for (const f of filenames)
    emitV(sink, stepsPlus(steps, "filename"), zone, "filename", f, depth, undefined, field);
  for (const [h, v] of others)
    emitV(sink, stepsPlus2(steps, "header", h), zone, "value", v, depth, undefined, field);
  const body = transferDecode(content, encoding);
  emitContent(steps, contentType, body, filenames.length > 0, depth);
}

/** RFC 2045 §6.7 quoted-printable and §6.8 base64 (deprecated by RFC 7578, still sent). */
function transferDecode(content: string, encoding: string): string {
  if (encoding === "base64") {
    const b = Buffer.from(content.replace(/\s+/g, ""), "base64");
    return b.toString("utf8");
  }
  if (encoding === "quoted-printable") {
    const bytes: number[] = [];
    for (let i = 0; i < content.length; i++) {
      const c = content.charCodeAt(i);
      if (c === 61 /* = */) {
        if (content.charCodeAt(i + 1) === 13 && content.charCodeAt(i + 2) === 10) {
          i += 2;
          continue;
        }
        if (content.charCodeAt(i + 1) === 10) {
          i += 1;
          continue;
        }
        const h = Number.parseInt(content.slice(i + 1, i + 3), 16);
        if (!Number.isNaN(h) && i + 2 < content.length) {
          bytes.push(h);
          i += 2;
          continue;
        }
      }
      if (c < 256) bytes.push(c);
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return content;
}

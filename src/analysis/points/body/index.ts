import type { HttpRequest, PointZone } from "../../../model/index.js";
import { headerValue } from "../../../model/index.js";
import { emitV } from "../decode.js";
import { base64Alphabet } from "../decoders/base64.js";
import { T_OPEN } from "../decoders/types.js";
import { percentDecode } from "../percent.js";
import type { PointSink } from "../sink.js";
import { stepsName, stepsPlus } from "../sink.js";
import { emitPairs } from "../url.js";
import { emitGraphql } from "./graphql.js";
import { emitJson } from "./json.js";
import { emitMultipart, multipartBoundary, sniffBoundary } from "./multipart.js";
import { classifyBody, sniffBody } from "./sniff.js";
import { bodyText } from "./text.js";
import { emitXml } from "./xml.js";

export { type BodyKind, classifyBody, sniffBody } from "./sniff.js";
export { bodyText } from "./text.js";

/**
 * The request body as points: `body › json › …`, `body › form › …`, `body › xml › …`,
 * `body › multipart › …`, `body › graphql › …`, or the whole text as `body` (kind raw)
 * when it is plain text or a structured parser found it broken (so that a payload that
 * breaks the parser is still seen whole).
 */
export function emitBody(sink: PointSink, req: HttpRequest): void {
  if (req.body.length === 0) return;
  // Read off the header pass when it ran (extractPoints), else looked up here.
  const ct = sink.contentType ?? headerValue(req.headers, "content-type");
  const ce = sink.contentEncoding ?? headerValue(req.headers, "content-encoding");
  const text = bodyText(sink, req.body, ct, ce);
  if (text.length === 0) return;
  emitDocument(sink, ["body"], "body", ct, text, 0);
}

/**
 * One document (a body, or a multipart part) by its Content-Type checked against the
 * text. `prefix` is where its points go; the parser adds its own step (`json`, `xml`…).
 */
export function emitDocument(
  sink: PointSink,
  prefix: readonly string[],
  zone: PointZone,
  contentType: string | undefined,
  text: string,
  depth: number,
): void {
  const { kind, mismatch } = classifyBody(contentType, text);
  if (mismatch)
    sink.anomaly("content_type_mismatch", stepsName(prefix), `${(contentType ?? "").slice(0, 64)} → ${kind}`);
  // Binary content (an image, an archive, a protobuf message sent whole) is no form, JSON
  // or text: read as one, random bytes yield keys with line breaks, `%xx` to decode and
  // template braces by chance. Kept whole for the detectors that read binary.
  if (kind !== "multipart" && isBinaryText(text)) {
    // Declared as a text format, it is the label that lies.
    if (!mismatch && contentType !== undefined && /json|xml|x-www-form-urlencoded/i.test(contentType))
      sink.anomaly("content_type_mismatch", stepsName(prefix), `${contentType.slice(0, 64)} → binary`);
    sink.push(prefix, zone, "raw", text, depth, undefined, undefined, true);
    return;
  }
  switch (kind) {
    case "json":
      if (!emitJson(sink, stepsPlus(prefix, "json"), zone, text, depth, true)) {
        // The whole text too (a payload may be what broke the parser), offered to the
        // textual decoders but not to embedded JSON: that would read the same document
        // again into the same points one level deeper (NDJSON beacons: hundreds each).
        emitV(sink, prefix, zone, "raw", text, depth, undefined, undefined, T_OPEN);
      }
      return;
    case "form":
      // One base64 token with its padding (`OyBjYXQ…Q==`) has the shape of a lone
      // `name=` pair; read as a form, the whole value would become a key, which no
      // decoder opens. It is kept whole instead.
      if (paddedToken(text)) {
        emitV(sink, prefix, zone, "raw", text, depth, undefined, undefined);
        return;
      }
      emitPairs(sink, zone === "body" ? "body" : "query", stepsPlus(prefix, "form"), text, depth);
      return;
    case "xml": {
      // Markup nobody declared as XML (a form or text body starting with `<`) is more
      // likely injected HTML than an API document: it is kept whole as well.
      const declared = contentType !== undefined && /xml|soap/i.test(contentType);
      if (!emitXml(sink, stepsPlus(prefix, "xml"), zone, text, depth, declared) || !declared) {
        sink.push(prefix, zone, "raw", text, depth, undefined, undefined);
      }
      return;
    }
    case "graphql": {
      // A document sent as a form body arrives form-encoded (`+` for spaces).
      const formish = contentType?.toLowerCase().includes("x-www-form-urlencoded") === true;
      const doc = formish ? percentDecode(text, true) : text;
      sink.push(prefix, zone, "raw", doc, depth, undefined, undefined);
      emitGraphql(sink, stepsPlus(prefix, "graphql"), zone, doc, depth, true);
      return;
    }
    case "multipart": {
      const boundary = multipartBoundary(contentType, text);
      if (boundary === null) {
        sink.anomaly("bad_multipart", stepsName(prefix), "no boundary");
        emitV(sink, prefix, zone, "raw", text, depth, undefined, undefined);
        return;
      }
      const ok = emitMultipart(
        sink,
        stepsPlus(prefix, "multipart"),
        zone,
        text,
        boundary,
        depth,
        (steps, pct, content, isFile, d) => emitPartContent(sink, steps, zone, pct, content, isFile, d),
      );
      if (!ok) sink.push(prefix, zone, "raw", text, depth, undefined, undefined);
      return;
    }
    default:
      emitV(sink, prefix, zone, "raw", text, depth, undefined, undefined);
  }
}

/** A base64 token (RFC 4648 §4, §5 alphabets) of 8+ characters ending in `=` padding. */
function paddedToken(text: string): boolean {
  const n = text.length;
  if (n < 8 || n % 4 !== 0 || n > 1 << 20 || text.charCodeAt(n - 1) !== 61) return false;
  let end = n - 1;
  if (text.charCodeAt(end - 1) === 61) end--;
  return base64Alphabet(text, 0, end);
}

/** Share of characters that are control characters or U+FFFD (undecodable bytes). */
function isBinaryText(s: string): boolean {
  const n = Math.min(s.length, 4096);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || c === 0x7f) bad++;
  }
  return bad * 10 > n;
}

/**
 * A multipart part's content, by the part's own Content-Type (RFC 7578 §4.4): nested
 * multipart, JSON, XML and forms are parsed; text fields go through the nested decoders;
 * files are emitted whole (kind raw) when they are text — a web shell or an SVG/XML
 * upload is text — and dropped when binary.
 */
function emitPartContent(
  sink: PointSink,
  steps: readonly string[],
  zone: PointZone,
  partType: string,
  content: string,
  isFile: boolean,
  depth: number,
): void {
  if (content.length === 0 || !sink.open) return;
  const pt = partType.toLowerCase();
  if (pt.includes("multipart/") || (pt === "" && !isFile && sniffBoundary(content) !== null)) {
    if (depth + 1 > sink.limits.maxDepth) {
      sink.anomaly("depth_limit", stepsName(steps));
      return;
    }
    emitDocument(sink, steps, zone, partType.length > 0 ? partType : "multipart/mixed", content, depth + 1);
    return;
  }
  if (isBinaryText(content)) return;
  const sniffed = sniffBody(content);
  const structured = pt.includes("json") || pt.includes("xml") || pt.includes("x-www-form-urlencoded");
  if (isFile) {
    // The file whole, then (for JSON/XML/SVG…) its structure, without a second raw copy.
    sink.push(steps, zone, "raw", content, depth, undefined, steps[steps.length - 1]);
    if (sniffed === "json") emitJson(sink, stepsPlus(steps, "json"), zone, content, depth, false);
    else if (sniffed === "xml") emitXml(sink, stepsPlus(steps, "xml"), zone, content, depth, false);
    return;
  }
  if (structured) {
    emitDocument(sink, steps, zone, partType.length > 0 ? partType : undefined, content, depth);
    return;
  }
  emitV(sink, steps, zone, "value", content, depth, undefined, steps[steps.length - 1]);
}

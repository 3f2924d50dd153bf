import type { HttpRequest } from "../../../model/index.js";
import { headerValue } from "../../../model/index.js";
import { emitValue } from "../decode.js";
import type { PointSink } from "../sink.js";
import { emitPairs } from "../url.js";
import { emitJson } from "./json.js";

/** Decodes body bytes as UTF-8 (lenient: invalid sequences become U+FFFD). */
export function bodyText(body: Uint8Array | string, maxBytes: number, sink: PointSink): string {
  if (typeof body === "string") {
    if (body.length > maxBytes) {
      sink.anomaly("body_truncated", "body");
      return body.slice(0, maxBytes);
    }
    return body;
  }
  let b = body;
  if (b.length > maxBytes) {
    sink.anomaly("body_truncated", "body");
    b = b.subarray(0, maxBytes);
  }
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");
}

type BodyKind = "form" | "json" | "xml" | "multipart" | "graphql" | "text";

/** Classifies by Content-Type, then by sniffing when the type is missing or lies. */
export function classifyBody(contentType: string | undefined, text: string): BodyKind {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("multipart/")) return "multipart";
  const sniffed = sniff(text);
  if (ct.includes("json")) return sniffed === "json" || sniffed === "text" ? "json" : sniffed;
  if (ct.includes("xml") || ct.includes("soap")) return sniffed === "xml" || sniffed === "text" ? "xml" : sniffed;
  if (ct.includes("graphql")) return "graphql";
  if (ct.includes("x-www-form-urlencoded")) return sniffed === "json" || sniffed === "xml" ? sniffed : "form";
  return sniffed;
}

function sniff(text: string): BodyKind {
  let i = 0;
  while (i < text.length && i < 64 && text.charCodeAt(i) <= 32) i++;
  const c = text.charCodeAt(i);
  if (c === 123 || c === 91) return "json";
  if (c === 60 /* < */) return "xml";
  if (/^[\w.\-[\]%$]{1,256}=/.test(text.slice(i, i + 260))) return "form";
  return "text";
}

export function emitBody(sink: PointSink, req: HttpRequest): void {
  if (req.body.length === 0) return;
  const text = bodyText(req.body, sink.limits.maxBodyBytes, sink);
  const ct = headerValue(req.headers, "content-type");
  const kind = classifyBody(ct, text);
  switch (kind) {
    case "json":
      if (emitJson(sink, ["body", "json"], "body", text, 0, true)) return;
      break;
    case "form":
      emitPairs(sink, "body", ["body", "form"], text, 0);
      return;
    default:
      break;
  }
  emitValue(sink, ["body"], "body", "raw", text, 0);
}

import { isUtf8 } from "node:buffer";
import { type Codec, decompress } from "../decoders/bytes.js";
import { decodeUtf16Bytes } from "../decoders/utf16.js";
import { type DecodeFlags, utf8Decode } from "../percent.js";
import type { PointSink } from "../sink.js";
import { param, parseParams } from "./params.js";

/** Content codings we undo (RFC 9110 §8.4.1), by token. */
const CODINGS: Readonly<Record<string, Codec>> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  br: "brotli",
};

/**
 * The body as text: cut to `maxBodyBytes`, content codings undone (bounded, see
 * `decompress`), then decoded by charset — UTF-16 by Content-Type charset, BOM, or
 * interleaved NULs; otherwise UTF-8, leniently (invalid bytes kept as Latin-1 and
 * `bad_utf8`; overlong forms normalised and `overlong_utf8`).
 */
export function bodyText(
  sink: PointSink,
  body: Uint8Array | string,
  contentType: string | undefined,
  contentEncoding: string | undefined,
): string {
  const max = sink.limits.maxBodyBytes;
  if (typeof body === "string") {
    let s = body;
    if (contentEncoding !== undefined && s.charCodeAt(0) === 0x1f && s.charCodeAt(1) === 0x8b) {
      // A gzip body carried as text (Latin-1 one char per byte): undo it.
      return bodyText(sink, Buffer.from(s, "latin1"), contentType, contentEncoding);
    }
    if (s.length > max) {
      sink.anomaly("body_truncated", "body");
      s = s.slice(0, max);
    }
    if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    if (
      s.length >= 4 &&
      (s.charCodeAt(1) === 0 ||
        s.charCodeAt(0) === 0 ||
        (s.charCodeAt(0) === 0xff && s.charCodeAt(1) === 0xfe))
    ) {
      const d = decodeUtf16Bytes(s);
      if (d !== null) return d;
    }
    return s;
  }
  let b: Uint8Array = body;
  if (b.length > max) {
    sink.anomaly("body_truncated", "body");
    b = b.subarray(0, max);
  }
  if (contentEncoding !== undefined) {
    const codings = contentEncoding.toLowerCase().split(",");
    for (let k = codings.length - 1; k >= 0 && k >= codings.length - 4; k--) {
      const token = codings[k]!.trim();
      if (token === "" || token === "identity") continue;
      const codec = CODINGS[token];
      if (codec === undefined) break;
      const out = decompress(sink, b, codec, "body");
      if (out === null) {
        // A bomb is the finding (`decompression_limit`); its compressed bytes say nothing.
        // A corrupt stream falls through as it is: the coding may be a lie.
        if (sink.hasAnomaly("decompression_limit")) return "";
        break;
      }
      b = out.length > max ? out.subarray(0, max) : out;
    }
  }
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const charset =
    contentType === undefined ? undefined : param(parseParams(contentType), "charset")?.toLowerCase();
  if (buf.length >= 2) {
    const utf16 = (b: Buffer): Buffer => {
      // An odd byte count cannot be UTF-16: the last byte is dropped, and said so.
      if (b.length % 2 === 1) sink.anomaly("bad_utf16", "body");
      return b;
    };
    if (buf[0] === 0xff && buf[1] === 0xfe) return utf16(buf.subarray(2)).toString("utf16le");
    if (buf[0] === 0xfe && buf[1] === 0xff) return swap16(utf16(buf.subarray(2))).toString("utf16le");
    if (
      charset === "utf-16le" ||
      charset === "utf-16" ||
      (buf.length >= 4 && buf[1] === 0 && buf[3] === 0 && buf[0] !== 0)
    ) {
      return utf16(buf).toString("utf16le");
    }
    if (charset === "utf-16be" || (buf.length >= 4 && buf[0] === 0 && buf[2] === 0 && buf[1] !== 0)) {
      return swap16(utf16(buf)).toString("utf16le");
    }
  }
  const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const u = buf.subarray(start);
  if (isUtf8(u)) return u.toString("utf8");
  if (charset === "iso-8859-1" || charset === "latin1" || charset === "windows-1252")
    return u.toString("latin1");
  const flags: DecodeFlags = { badEscape: false, badUtf8: false, overlong: false };
  const s = utf8Decode(u, flags);
  if (flags.badUtf8) sink.anomaly("bad_utf8", "body");
  if (flags.overlong) sink.anomaly("overlong_utf8", "body");
  return s;
}

function swap16(b: Uint8Array): Buffer {
  const out = Buffer.alloc(b.length & ~1);
  for (let i = 0; i + 1 < b.length; i += 2) {
    out[i] = b[i + 1]!;
    out[i + 1] = b[i]!;
  }
  return out;
}

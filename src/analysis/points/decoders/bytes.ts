/**
 * Byte helpers shared by the decoders: is a decoded byte run text, and decompression
 * with every bound applied before any byte is produced.
 */
import { isUtf8 } from "node:buffer";
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, constants as Z } from "node:zlib";
import type { PointSink } from "../sink.js";

/**
 * True when `b` reads as text: valid UTF-8 (or ASCII) with at most 5% control bytes.
 * Random bytes pass with negligible probability (each ASCII byte is printable with
 * p ≈ 0.37), which is what keeps the base64 decoder from decoding ids and hashes.
 */
export function looksLikeText(b: Uint8Array): boolean {
  const n = b.length;
  if (n === 0) return false;
  let bad = 0;
  let high = false;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c >= 0x80) high = true;
    else if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) bad++;
  }
  if (bad * 20 > n) return false;
  return !high || isUtf8(b);
}

export type Codec = "gzip" | "deflate" | "brotli";

/** The codec announced by the first bytes (RFC 1952 §2.3.1, RFC 1950 §2.2), if any. */
export function sniffCodec(b: Uint8Array): Codec | undefined {
  if (b.length < 3) return undefined;
  const a = b[0]!;
  const c = b[1]!;
  if (a === 0x1f && c === 0x8b && b[2] === 8) return "gzip";
  // zlib: CM=8, and the header checksum (CMF*256+FLG) is a multiple of 31.
  if ((a & 0x0f) === 8 && a >> 4 <= 7 && ((a << 8) | c) % 31 === 0) return "deflate";
  return undefined;
}

/**
 * Decompresses `input` with an output cap of
 * `min(maxDecompressedBytes, max(bombMinBytes, input × maxCompressionRatio))`: output past
 * it is by definition too big or too compressed, so decoding stops there and the value
 * is reported as `decompression_limit` (a data bomb) instead of being inflated.
 * Truncated streams give what they held (`Z_SYNC_FLUSH`); corrupt ones return null with
 * `decompression_error`.
 */
export function decompress(sink: PointSink, input: Uint8Array, codec: Codec, where: string): Buffer | null {
  const L = sink.limits;
  const cap = Math.min(
    L.maxDecompressedBytes,
    Math.max(L.bombMinBytes, input.length * L.maxCompressionRatio),
  );
  const opts = { maxOutputLength: Math.max(1, cap), finishFlush: Z.Z_SYNC_FLUSH };
  try {
    if (codec === "gzip") return gunzipSync(input, opts);
    if (codec === "brotli") {
      return brotliDecompressSync(input, {
        maxOutputLength: opts.maxOutputLength,
        finishFlush: Z.BROTLI_OPERATION_FLUSH,
      });
    }
    try {
      return inflateSync(input, opts);
    } catch (e) {
      if (isTooLarge(e)) throw e;
      // `Content-Encoding: deflate` is zlib-wrapped (RFC 9110 §8.4.1.2) but many clients
      // send raw deflate; accept both.
      return inflateRawSync(input, opts);
    }
  } catch (e) {
    if (isTooLarge(e)) {
      sink.anomaly("decompression_limit", where, `${codec} output beyond ${cap} bytes from ${input.length}`);
    } else sink.anomaly("decompression_error", where, codec);
    return null;
  }
}

function isTooLarge(e: unknown): boolean {
  return (
    e instanceof RangeError ||
    (typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE")
  );
}

/** A string whose characters are all ≤ U+00FF as the bytes they stand for. */
export function latin1Bytes(s: string): Buffer {
  return Buffer.from(s, "latin1");
}

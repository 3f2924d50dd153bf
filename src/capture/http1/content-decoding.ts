import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import type { Anomaly } from "../../model/anomalies.js";
import { addAnomaly } from "./anomaly-list.js";
import type { Http1Counters } from "./counters.js";

/**
 * Undoing Content-Encoding (RFC 9110 §8.4) so that analysis sees what the application saw.
 * Every decode is bounded by maxOutputLength: a small compressed body can expand a
 * thousandfold (a decompression bomb). On any failure the raw bytes are kept, with an
 * anomaly saying why, so nothing is lost from view.
 */

/** Most codings applied one after another that we follow ("gzip, gzip, gzip…" is a bomb trick). */
const MAX_CODINGS = 4;

/**
 * RFC 1950 §2.2: a zlib stream starts with CMF (method 8 = deflate, window ≤ 32K) and FLG,
 * with CMF·256 + FLG a multiple of 31. "deflate" is meant to be zlib, but many servers
 * send raw deflate (RFC 1951); the first two bytes tell which.
 */
function isZlibHeader(b: Uint8Array): boolean {
  const cmf = b[0];
  const flg = b[1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

function decodeOne(coding: string, b: Uint8Array, max: number, partial: boolean): Uint8Array | null {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return gunzipSync(b, {
        maxOutputLength: max,
        finishFlush: partial ? constants.Z_SYNC_FLUSH : constants.Z_FINISH,
      });
    case "deflate": {
      const opts = {
        maxOutputLength: max,
        finishFlush: partial ? constants.Z_SYNC_FLUSH : constants.Z_FINISH,
      };
      return isZlibHeader(b) ? inflateSync(b, opts) : inflateRawSync(b, opts);
    }
    case "br":
      return brotliDecompressSync(b, {
        maxOutputLength: max,
        finishFlush: partial ? constants.BROTLI_OPERATION_FLUSH : constants.BROTLI_OPERATION_FINISH,
      });
    default:
      return null;
  }
}

/**
 * The body with its content codings undone (listed in the order applied, so undone last
 * first), or the raw body when it cannot be. `partial` is set when the body is incomplete
 * (truncated or cut): then what decodes is kept without requiring the end of the stream.
 */
export function decodeContent(
  body: Uint8Array,
  contentEncoding: string,
  maxDecodedBytes: number,
  partial: boolean,
  anomalies: Anomaly[],
  counters: Http1Counters,
): Uint8Array {
  if (body.length === 0 || contentEncoding === "") return body;
  const codings: string[] = [];
  for (const part of contentEncoding.split(",")) {
    const c = part.trim().toLowerCase();
    if (c !== "" && c !== "identity") codings.push(c);
  }
  if (codings.length === 0) return body;
  if (codings.length > MAX_CODINGS) {
    counters.decodeErrors++;
    addAnomaly(anomalies, "decompression_error", `more than ${MAX_CODINGS} content codings`);
    return body;
  }
  let out = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!;
    try {
      const next = decodeOne(coding, out, maxDecodedBytes, partial);
      if (next === null) {
        counters.decodeErrors++;
        addAnomaly(anomalies, "decompression_error", `unsupported content coding ${coding.slice(0, 32)}`);
        return body;
      }
      out = next;
    } catch (e) {
      if ((e as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
        counters.decodeLimit++;
        addAnomaly(anomalies, "decompression_limit", `${coding} body decodes past ${maxDecodedBytes} bytes`);
      } else {
        counters.decodeErrors++;
        addAnomaly(anomalies, "decompression_error", `${coding} body does not decode`);
      }
      return body;
    }
  }
  counters.decoded++;
  return out;
}

import { emitV } from "../decode.js";
import { stepsName, stepsPlus, stepsPlus2 } from "../sink.js";
import { decompress, looksLikeText, sniffCodec } from "./bytes.js";
import type { DecodeInput, NestedDecoder } from "./types.js";

/** Shorter runs are too often plain words or ids to be worth decoding. */
const MIN_LENGTH = 16;
/** Characters of a long value checked before the whole of it (a multiple of 4). */
const PROBE = 256;

/**
 * base64 and base64url (RFC 4648 §4, §5), conservatively: at least 16 characters of one
 * alphabet only (not both `+/` and `-_`), `=` only as final padding, upper AND lower case
 * letters present (hex ids and digit strings never qualify), not starting with a
 * character text never encodes to; then the decoded bytes must be text (see
 * `looksLikeText`) or start with a compression magic (gzip `H4sI…`, zlib `eJ…`).
 */
export const base64: NestedDecoder = {
  step: "base64",
  applies(value, kind) {
    if (kind === "key" || value.length < MIN_LENGTH || value.length % 4 === 1) return false;
    // Long values: judge a prefix first (shape and decoded text-likeness), so that a
    // 60 KB binary blob is rejected after reading 256 characters, not all of it.
    if (value.length > PROBE) {
      const head = value.slice(0, PROBE);
      if (!base64Shape(head)) return false;
      const b = Buffer.from(head, "base64");
      if (sniffCodec(b) === undefined && !looksLikeText(b)) return false;
    }
    return base64Shape(value);
  },
  run(x) {
    const s = x.value;
    let end = s.length;
    while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
    if (s.length - end > 2 || s.indexOf("=") < end) return;
    const bytes = Buffer.from(end === s.length ? s : s.slice(0, end), "base64");
    emitDecodedBytes(x, bytes, "base64");
  },
};

const UPPER = 1;
const LOWER = 2;
const DIGIT = 4;
const STD = 8; // `+` `/`
const URL = 16; // `-` `_`

/**
 * One alphabet, `=` only as final padding (at most two), both letter cases, and not
 * starting with `+ / - _` (a first byte ≥ 0xF8: never the start of text). Exits at the
 * first character outside the alphabets, which for prose and URLs comes early.
 */
function base64Shape(s: string): boolean {
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 47 || c0 === 45 || c0 === 95) return false;
  const n = s.length;
  let m = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) m |= LOWER;
    else if (c >= 65 && c <= 90) m |= UPPER;
    else if (c >= 48 && c <= 57) m |= DIGIT;
    else if (c === 43 || c === 47) m |= STD;
    else if (c === 45 || c === 95) m |= URL;
    else if (c === 61) break;
    else return false;
  }
  // Padding: one or two `=` and nothing after.
  if (i < n && (n - i > 2 || (n - i === 2 && s.charCodeAt(n - 1) !== 61))) return false;
  if ((m & (UPPER | LOWER)) !== (UPPER | LOWER)) return false;
  if ((m & (STD | URL)) === (STD | URL)) return false;
  // Mixed-case words without digits or symbols are identifiers more often than base64.
  return (m & (DIGIT | STD | URL)) !== 0 || n >= 24;
}

/**
 * Emits bytes that came out of a decoder as a child point: as text when they read as
 * text, decompressed first when they carry a compression magic. Binary is dropped.
 */
export function emitDecodedBytes(x: DecodeInput, bytes: Uint8Array, step: string): void {
  const codec = sniffCodec(bytes);
  if (codec !== undefined) {
    const where = stepsName(x.steps);
    const out = decompress(x.sink, bytes, codec, where);
    if (out !== null) {
      if (looksLikeText(out)) {
        emitV(x.sink, stepsPlus2(x.steps, step, codec), x.zone, "value", out.toString("utf8"), x.depth, x.header, x.name);
      }
      return;
    }
    // Not a compressed stream after all (text can start like a zlib header): go on as text.
  }
  if (!looksLikeText(bytes)) return;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  emitV(x.sink, stepsPlus(x.steps, step), x.zone, "value", text, x.depth, x.header, x.name);
}

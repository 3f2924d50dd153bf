import { emitV } from "../decode.js";
import { stepsName, stepsPlus, stepsPlus2 } from "../sink.js";
import { decompress, looksLikeText, sniffCodec } from "./bytes.js";
import { type DecodeInput, type NestedDecoder, T_LONG } from "./types.js";

/** Shorter runs are too often plain words or ids to be worth decoding. */
const MIN_LENGTH = 16;
/**
 * Shorter ones still, when `=` padding ends them: a padded token of 8–15 characters says
 * it is base64 (ids and words are not padded), and short payloads (`| id`, `{{7*7}}`)
 * encode to exactly that.
 */
const MIN_PADDED = 8;

/** Long enough to be tried: MIN_LENGTH, or MIN_PADDED with a final `=`. */
export function base64Length(value: string): boolean {
  const n = value.length;
  return n >= MIN_LENGTH || (n >= MIN_PADDED && n % 4 === 0 && value.charCodeAt(n - 1) === 61);
}

/**
 * base64 and base64url (RFC 4648 §4, §5), conservatively: at least 16 characters of one
 * alphabet only (not both `+/` and `-_`), `=` only as final padding, upper AND lower case
 * letters present (hex ids and digit strings never qualify), not starting with a
 * character text never encodes to; then the decoded bytes must be text (see
 * `looksLikeText`) or start with a compression magic (gzip `H4sI…`, zlib `eJ…`).
 */
export const base64: NestedDecoder = {
  step: "base64",
  triggers: T_LONG,
  applies(value, kind) {
    if (kind === "key" || !base64Length(value) || value.length % 4 === 1) return false;
    // Cheap first: the alphabet over the first 64 characters, then a decode of them in JS
    // (no allocation) judged for control bytes. Only then the whole value.
    const c0 = value.charCodeAt(0);
    if (c0 === 43 || c0 === 47 || c0 === 45 || c0 === 95) return false;
    if (!mixedCaseHead(value)) return false;
    if (!probeLooksLikeText(value)) return false;
    return base64Shape(value);
  },
  run(x) {
    const s = x.value;
    let end = s.length;
    while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
    const eq = s.indexOf("=");
    if (s.length - end > 2 || (eq !== -1 && eq < end)) return false;
    const bytes = Buffer.from(end === s.length ? s : s.slice(0, end), "base64");
    emitDecodedBytes(x, bytes, "base64");
    return false;
  },
};

/** base64 whose `+` a form decoder turned into spaces: letters, digits, `/`, spaces, padding. */
const SPACED = /^[A-Za-z0-9/ ]+={0,2}$/;

/**
 * base64 sent unescaped in a query string or form body: the `+` of its alphabet reached
 * the application as spaces (`application/x-www-form-urlencoded`, WHATWG URL §5.1), and a
 * server that base64-decodes the parameter commonly turns them back. Read the same way.
 */
export const base64Spaced: NestedDecoder = {
  step: "base64",
  triggers: T_LONG,
  applies(value, kind) {
    if (kind === "key" || value.length < MIN_LENGTH || value.indexOf(" ") === -1 || value.indexOf("+") !== -1)
      return false;
    if (!SPACED.test(value)) return false;
    const v = value.replaceAll(" ", "+");
    return (
      v.length % 4 !== 1 &&
      v.charCodeAt(0) !== 43 &&
      mixedCaseHead(v) &&
      probeLooksLikeText(v) &&
      base64Shape(v)
    );
  },
  run(x) {
    if (x.zone !== "query" && x.zone !== "body") return false;
    return base64.run({ ...x, value: x.value.replaceAll(" ", "+") });
  },
};

/** Sextet value of each base64 / base64url character; -1 elsewhere. */
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  SEXTET["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i;
}
SEXTET[45] = 62; // `-`
SEXTET[95] = 63; // `_`

/** Whether `s[from, to)` holds characters of the base64 or base64url alphabet only (RFC 4648 §4, §5). */
export function base64Alphabet(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || SEXTET[c]! < 0) return false;
  }
  return true;
}

/**
 * Decodes up to the first 64 characters (48 bytes) and counts control bytes: text has
 * next to none, random bytes ~13%. A cheap filter before the real decode and check.
 */
function probeLooksLikeText(s: string): boolean {
  const n = Math.min(s.length, 64) & ~3;
  let bad = 0;
  let bytes = 0;
  for (let i = 0; i < n; i += 4) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    const d = s.charCodeAt(i + 3);
    if ((a | b | c | d) > 127) return false;
    const va = SEXTET[a]!;
    const vb = SEXTET[b]!;
    if (va < 0 || vb < 0) return false;
    const b0 = (va << 2) | (vb >> 4);
    bytes++;
    if (isControl(b0)) bad++;
    if (c === 61) break;
    const vc = SEXTET[c]!;
    if (vc < 0) return false;
    const b1 = ((vb & 15) << 4) | (vc >> 2);
    bytes++;
    if (isControl(b1)) bad++;
    if (d === 61) break;
    const vd = SEXTET[d]!;
    if (vd < 0) return false;
    const b2 = ((vc & 3) << 6) | vd;
    bytes++;
    if (isControl(b2)) bad++;
  }
  // gzip (1f 8b) and zlib (78 xx) streams are binary but wanted: let the full check decide.
  if (n >= 4) {
    const first = (SEXTET[s.charCodeAt(0)]! << 2) | (SEXTET[s.charCodeAt(1)]! >> 4);
    if (first === 0x1f || first === 0x78) return true;
  }
  return bad * 20 <= bytes;
}

/**
 * The first 16 characters are all in the alphabets and hold both letter cases: true of
 * base64 of any text, false of words, hex digests, numbers and most URLs at once.
 */
function mixedCaseHead(s: string): boolean {
  let up = false;
  let low = false;
  const n = Math.min(s.length, 16);
  // Padding only in the last two places (of the value, or of these 16 characters).
  const pad = Math.min(s.length, 16) - 2;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) low = true;
    else if (c >= 65 && c <= 90) up = true;
    else if (
      !((c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95 || (c === 61 && i >= pad))
    )
      return false;
  }
  return up && low;
}

function isControl(b: number): boolean {
  return (b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f;
}

const UPPER = 1;
const LOWER = 2;
const STD = 8; // `+` `/`
const URL = 16; // `-` `_`

/**
 * One alphabet, `=` only as final padding (at most two), both letter cases, and not
 * starting with `+ / - _` (a first byte ≥ 0xF8: never the start of text). Exits at the
 * first character outside the alphabets, which for prose and URLs comes early.
 */
function base64Shape(s: string): boolean {
  const n = s.length;
  let m = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) m |= LOWER;
    else if (c >= 65 && c <= 90) m |= UPPER;
    else if (c >= 48 && c <= 57) continue;
    else if (c === 43 || c === 47) m |= STD;
    else if (c === 45 || c === 95) m |= URL;
    else if (c === 61) break;
    else return false;
  }
  // Padding: one or two `=` and nothing after.
  if (i < n && (n - i > 2 || (n - i === 2 && s.charCodeAt(n - 1) !== 61))) return false;
  if ((m & (UPPER | LOWER)) !== (UPPER | LOWER)) return false;
  // Mixed-case words pass this far; the decoded-text check (12+ bytes, ≥ 95% printable,
  // valid UTF-8) is what rejects them: random bytes pass it with p < 1e-5.
  return (m & (STD | URL)) !== (STD | URL);
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
        emitV(
          x.sink,
          stepsPlus2(x.steps, step, codec),
          x.zone,
          "value",
          out.toString("utf8"),
          x.depth,
          x.header,
          x.name,
        );
      }
      return;
    }
    // Not a compressed stream after all (text can start like a zlib header): go on as text.
  }
  if (!looksLikeText(bytes)) return;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  emitV(x.sink, stepsPlus(x.steps, step), x.zone, "value", text, x.depth, x.header, x.name);
}

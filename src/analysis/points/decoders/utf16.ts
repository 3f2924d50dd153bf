import { emitV } from "../decode.js";
import { stepsPlus } from "../sink.js";
import { type NestedDecoder, T_NUL } from "./types.js";

/**
 * UTF-16 smuggled through a byte-oriented layer (RFC 2781): a value whose characters are
 * bytes (≤ U+00FF) with a byte-order mark (`ÿþ` / `þÿ`) or with NULs in every other
 * position (`<\0s\0c\0…` is `<sc…` in UTF-16LE). Returns the decoded text or null.
 */
export function decodeUtf16Bytes(s: string): string | null {
  const n = s.length;
  let start = 0;
  let le: boolean | null = null;
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(1);
  if (a === 0xff && b === 0xfe) {
    le = true;
    start = 2;
  } else if (a === 0xfe && b === 0xff) {
    le = false;
    start = 2;
  }
  if (le === null) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return null;
      if (c === 0) {
        if (i & 1) oddNul++;
        else evenNul++;
      }
    }
    const pairs = n >> 1;
    if (pairs < 2) return null;
    if (oddNul * 10 >= pairs * 9 && evenNul * 4 < pairs) le = true;
    else if (evenNul * 10 >= pairs * 9 && oddNul * 4 < pairs) le = false;
    else return null;
  }
  const units = new Uint16Array((n - start) >> 1);
  for (let i = start, k = 0; i + 1 < n; i += 2, k++) {
    const x = s.charCodeAt(i) & 0xff;
    const y = s.charCodeAt(i + 1) & 0xff;
    units[k] = le ? x | (y << 8) : (x << 8) | y;
  }
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString("utf16le");
}

export const utf16: NestedDecoder = {
  step: "utf16",
  triggers: T_NUL,
  applies(value) {
    const a = value.charCodeAt(0);
    const b = value.charCodeAt(1);
    if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) return true;
    // Interleaving shows from the first characters: `<\0s\0` (LE) or `\0<\0s` (BE).
    return (
      (b === 0 && value.charCodeAt(3) === 0 && a !== 0) || (a === 0 && value.charCodeAt(2) === 0 && b !== 0)
    );
  },
  run(x) {
    const d = decodeUtf16Bytes(x.value);
    if (d !== null && d.length > 0)
      emitV(x.sink, stepsPlus(x.steps, "utf16"), x.zone, x.kind, d, x.depth, x.header, x.name);
    return false;
  },
};

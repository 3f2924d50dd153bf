import { emitV } from "../decode.js";
import { hexVal } from "../percent.js";
import { stepsPlus } from "../sink.js";
import { type NestedDecoder, T_BSL } from "./types.js";

function hexRun(s: string, at: number, len: number): number {
  if (at + len > s.length) return -1;
  let v = 0;
  for (let k = at; k < at + len; k++) {
    const h = hexVal(s.charCodeAt(k));
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

/** True when `s` has a `\uXXXX`, `\u{X…}` or `\xXX` escape. */
export function hasJsEscape(s: string): boolean {
  let i = s.indexOf("\\");
  while (i !== -1 && i + 3 < s.length) {
    const c = s.charCodeAt(i + 1);
    if (c === 117 /* u */ && (hexRun(s, i + 2, 4) >= 0 || s.charCodeAt(i + 2) === 123)) return true;
    if (c === 120 /* x */ && hexRun(s, i + 2, 2) >= 0) return true;
    i = s.indexOf("\\", i + 1);
  }
  return false;
}

const SIMPLE: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", v: "\v", 0: "\u0000" };

/**
 * Decodes JavaScript string escapes (ECMA-262 §12.9.4: `\uXXXX`, `\u{…}`, `\xXX`, the
 * single-character escapes) once. Anything else after `\` is kept with its backslash.
 */
export function decodeJsEscapes(s: string): string {
  const parts: string[] = [];
  let last = 0;
  let i = s.indexOf("\\");
  while (i !== -1 && i + 1 < s.length) {
    const c = s.charCodeAt(i + 1);
    let ch: string | null = null;
    let end = i + 2;
    if (c === 117) {
      const v = hexRun(s, i + 2, 4);
      if (v >= 0) {
        ch = String.fromCharCode(v);
        end = i + 6;
      } else if (s.charCodeAt(i + 2) === 123) {
        const close = s.indexOf("}", i + 3);
        if (close !== -1 && close - i - 3 <= 6) {
          const cp = hexRun(s, i + 3, close - i - 3);
          if (cp >= 0 && cp <= 0x10ffff) {
            ch = String.fromCodePoint(cp);
            end = close + 1;
          }
        }
      }
    } else if (c === 120) {
      const v = hexRun(s, i + 2, 2);
      if (v >= 0) {
        ch = String.fromCharCode(v);
        end = i + 4;
      }
    } else {
      const k = String.fromCharCode(c);
      ch = SIMPLE[k] ?? (c === 92 || c === 34 || c === 39 || c === 47 || c === 96 ? k : null);
    }
    if (ch !== null) {
      if (i > last) parts.push(s.slice(last, i));
      parts.push(ch);
      last = end;
      i = s.indexOf("\\", end);
    } else i = s.indexOf("\\", i + 2);
  }
  if (parts.length === 0) return s;
  if (last < s.length) parts.push(s.slice(last));
  return parts.join("");
}

/** JavaScript / JSON escapes left in a value (`\u003cscript\u003e`, `\x3c`). */
export const jsEscape: NestedDecoder = {
  step: "jsesc",
  triggers: T_BSL,
  applies(value) {
    return hasJsEscape(value);
  },
  run(x) {
    const d = decodeJsEscapes(x.value);
    if (d !== x.value)
      emitV(x.sink, stepsPlus(x.steps, "jsesc"), x.zone, x.kind, d, x.depth, x.header, x.name);
    return false;
  },
};

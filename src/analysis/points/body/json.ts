import type { PointZone } from "../../../model/index.js";
import { absentBits, emitV } from "../decode.js";
import { hexVal } from "../percent.js";
import type { PointSink } from "../sink.js";
import { indexStep, stepsName, stepsPlus, stepsPlus2 } from "../sink.js";
import { growUnits, unitBuffer, unitsToString } from "../textbuf.js";

/**
 * A lenient, bounded, single-pass JSON scanner (RFC 8259) that emits points while it
 * reads instead of building a document:
 *  - every key (`… › user › #key`) and string/number/boolean (`… › user`); array items
 *    as `… › items › 0`; duplicate keys are all kept (a parser differential);
 *  - broken JSON still yields what could be read: unquoted keys and bare words,
 *    single-quoted strings, missing commas, mismatched brackets, unterminated strings,
 *    comments; any of these makes the result `false` (and `bad_json` when asked);
 *  - several top-level values (NDJSON, JSON text sequences) are read in turn;
 *  - no recursion: nesting past `limits.maxNesting` is still scanned but not emitted
 *    (`nesting_limit`), so 100k-deep input costs one pass and no stack.
 * Returns true when the text was clean JSON.
 */
export function emitJson(
  sink: PointSink,
  prefix: readonly string[],
  zone: PointZone,
  text: string,
  depth: number,
  noteInvalid: boolean,
  header?: string,
): boolean {
  const n = text.length;
  const maxNesting = sink.limits.maxNesting;
  const maxParts = sink.limits.maxParts;
  const maxValue = sink.limits.maxValueLength;
  // Without a backslash (no escapes) a string value can only hold characters the text
  // holds: what the whole text lacks, no value has — and need not be searched for.
  const absent = text.indexOf("\\") === -1 ? absentBits(text) : 0;
  const path: string[] = prefix.slice();
  const base = prefix.length;
  /** Per open container: 1 = array, 0 = object. */
  const isArr: number[] = [];
  /** Per open container: items seen so far. */
  const counts: number[] = [];
  /** Per open container: the nearest key name (for `Point.name`). */
  const names: (string | undefined)[] = [];
  /** Emission is muted while the stack is at least this deep (parts limit hit). */
  let muteAt = Number.POSITIVE_INFINITY;
  let bad = false;
  let topValues = 0;
  /** After a key in an object: the key, until its value is read. */
  let key: string | null = null;
  /** 0: expect a value; 1: expect a key or `}`; 2: expect `,` or the container's end; 3: expect `:` */
  let state = 0;
  let nextBsl = -2;
  let i = 0;

  const fail = (): void => {
    bad = true;
  };

  /** Reads a string starting at the quote at `i`; leaves `i` after the closing quote. */
  const readString = (q: number): string => {
    const start = i + 1;
    const close = text.indexOf(q === 34 ? '"' : "'", start);
    const end = close === -1 ? n : close;
    if (nextBsl !== -1 && nextBsl < start) {
      nextBsl = text.indexOf("\\", start);
    }
    if (nextBsl === -1 || nextBsl >= end) {
      if (close === -1) fail();
      i = close === -1 ? n : close + 1;
      return text.slice(start, end);
    }
    /** Decoded units past this are not needed (the sink keeps `maxValueLength`). */
    let cap = n;
    let knownEnd = -1;
    if (q === 34 && close !== -1) {
      // Escapes, double quotes: find the closing quote (one not preceded by an odd run of
      // backslashes) and let the native JSON parser decode the literal (RFC 8259 §7).
      let e = close;
      while (e !== -1) {
        let b = e - 1;
        while (b >= start && text.charCodeAt(b) === 92) b--;
        if (((e - 1 - b) & 1) === 0) break;
        e = text.indexOf('"', e + 1);
      }
      if (e !== -1 && e - start > maxValue) {
        // Longer than a point keeps: decode only what will be kept, then skip to the end.
        cap = maxValue;
        knownEnd = e;
        sink.anomaly("value_truncated", stepsName(path));
      } else if (e !== -1) {
        try {
          const v = JSON.parse(text.slice(i, e + 1)) as string;
          i = e + 1;
          nextBsl = text.indexOf("\\", i);
          return v;
        } catch {
          // Raw control characters or bad escapes: decode leniently below.
        }
      }
    }
    // Lenient decoding into the shared unit buffer. An escaped quote does not close the
    // string, so the end is found while decoding.
    let buf = unitBuffer(Math.min(n - start, 4096));
    let o = 0;
    let k = start;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === q) break;
      if (o >= cap) {
        k = knownEnd;
        break;
      }
      if (o + 2 > buf.length) buf = growUnits(o, Math.min(n - start, o * 2) + 2);
      if (c !== 92) {
        buf[o++] = c;
        k++;
        continue;
      }
      const e = text.charCodeAt(k + 1);
      k += 2;
      switch (e) {
        case 34:
        case 92:
        case 47:
        case 39:
          buf[o++] = e;
          break;
        case 98:
          buf[o++] = 8;
          break;
        case 102:
          buf[o++] = 12;
          break;
        case 110:
          buf[o++] = 10;
          break;
        case 114:
          buf[o++] = 13;
          break;
        case 116:
          buf[o++] = 9;
          break;
        case 117:
          if (isHex4(text, k)) {
            // Lone surrogates are kept as they are: they are what the attacker sent.
            buf[o++] =
              (hexVal(text.charCodeAt(k)) << 12) |
              (hexVal(text.charCodeAt(k + 1)) << 8) |
              (hexVal(text.charCodeAt(k + 2)) << 4) |
              hexVal(text.charCodeAt(k + 3));
            k += 4;
          } else {
            fail();
            buf[o++] = 92;
            buf[o++] = 117;
          }
          break;
        default:
          fail();
          if (Number.isNaN(e)) {
            buf[o++] = 92;
            k--;
          } else buf[o++] = e;
      }
    }
    if (k >= n) {
      fail();
      k = n;
    }
    nextBsl = text.indexOf("\\", Math.min(k + 1, n));
    i = k >= n ? n : k + 1;
    return unitsToString(buf, o);
  };

  /** Emits a scalar (or string) value at the current position. */
  const emitScalar = (value: string, isString: boolean): void => {
    const top = isArr.length;
    if (top >= muteAt) return;
    let steps: string[];
    let name: string | undefined;
    if (top === 0) {
      steps = path.slice();
      name = undefined;
    } else if (isArr[top - 1] === 1) {
      const c = counts[top - 1]!;
      steps = stepsPlus(path, indexStep(c));
      name = names[top - 1];
    } else {
      steps = stepsPlus(path, key ?? "");
      name = key ?? undefined;
    }
    if (isString) emitV(sink, steps, zone, "value", value, depth, header, name, absent);
    else sink.pushLiteral(steps, zone, value, depth, header, name);
  };

  /** After a complete value: count it in its container and expect `,` or the end. */
  const valueDone = (): void => {
    const top = isArr.length;
    if (top === 0) {
      topValues++;
      state = 0;
      return;
    }
    counts[top - 1] = counts[top - 1]! + 1;
    if (counts[top - 1]! >= maxParts && top < muteAt) {
      sink.anomaly("parts_limit", stepsName(path));
      muteAt = top;
    }
    key = null;
    state = 2;
  };

  const open = (arr: boolean): void => {
    if (isArr.length >= maxNesting) {
      // Too deep to follow: skim to the matching bracket, emit nothing inside.
      sink.anomaly("nesting_limit", stepsName(path));
      fail();
      i = skim(text, i);
      valueDone();
      return;
    }
    const top = isArr.length;
    let name: string | undefined;
    if (top > 0) {
      if (isArr[top - 1] === 1) {
        path.push(indexStep(counts[top - 1]!));
        name = names[top - 1];
      } else {
        path.push(key ?? "");
        name = key ?? undefined;
      }
    }
    isArr.push(arr ? 1 : 0);
    counts.push(0);
    names.push(name);
    key = null;
    state = arr ? 0 : 1;
  };

  const close = (arr: boolean): void => {
    const top = isArr.length;
    if (top === 0) {
      fail();
      return;
    }
    if ((isArr[top - 1] === 1) !== arr) fail();
    isArr.pop();
    counts.pop();
    names.pop();
    if (top === muteAt) muteAt = Number.POSITIVE_INFINITY;
    path.length = isArr.length > 0 ? base + isArr.length - 1 : base;
    // The closed container is a complete value of its parent.
    valueDone();
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (!sink.open) return !bad;
    // Whitespace (RFC 8259 §2).
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42)) {
      // Comments are not JSON, but JSON5-style clients send them.
      fail();
      const end = text.charCodeAt(i + 1) === 47 ? text.indexOf("\n", i + 2) : text.indexOf("*/", i + 2);
      i = end === -1 ? n : end + (text.charCodeAt(i + 1) === 47 ? 1 : 2);
      continue;
    }
    if (isArr.length === 0 && topValues > 0 && state === 0) {
      // Another top-level value: fine for NDJSON (newline-separated), odd otherwise.
      let nl = false;
      for (let k = i - 1; k >= 0 && k >= i - 64; k--) {
        const p = text.charCodeAt(k);
        if (p === 10) {
          nl = true;
          break;
        }
        if (p !== 32 && p !== 9 && p !== 13) break;
      }
      if (!nl) fail();
    }
    if (state === 2) {
      // Expect `,` or the end of the container.
      if (c === 44) {
        i++;
        state = isArr.length > 0 && isArr[isArr.length - 1] === 0 ? 1 : 0;
        continue;
      }
      if (c === 93 || c === 125) {
        i++;
        close(c === 93);
        continue;
      }
      // Missing comma: carry on as if it were there.
      fail();
      state = isArr.length > 0 && isArr[isArr.length - 1] === 0 ? 1 : 0;
      continue;
    }
    if (state === 1) {
      // Expect a key or `}`.
      if (c === 125) {
        i++;
        close(false);
        continue;
      }
      if (c === 44) {
        // Trailing or doubled comma.
        fail();
        i++;
        continue;
      }
      let k: string;
      if (c === 34 || c === 39) {
        if (c === 39) fail();
        k = readString(c);
      } else {
        fail();
        const end = bareEnd(text, i);
        if (end === i) {
          // A character that can start nothing: skip it.
          i++;
          continue;
        }
        k = text.slice(i, end);
        i = end;
      }
      if (isArr.length < muteAt) {
        sink.push(stepsPlus2(path, k, "#key"), zone, "key", k, depth, header, k);
      }
      key = k;
      state = 3;
      continue;
    }
    if (state === 3) {
      if (c === 58) {
        i++;
        state = 0;
        continue;
      }
      // `{"a" "b"}` or `{"a" = 1}`: lenient, take what follows as the value.
      fail();
      if (c === 61) i++;
      state = 0;
      continue;
    }
    // state 0: a value.
    if (c === 123) {
      i++;
      open(false);
      continue;
    }
    if (c === 91) {
      i++;
      open(true);
      continue;
    }
    if (c === 34 || c === 39) {
      if (c === 39) fail();
      const s = readString(c);
      emitScalar(s, true);
      valueDone();
      continue;
    }
    if (c === 93 || c === 125) {
      // `[1,]` or `{"a":}`: a value was expected.
      const inArr = isArr.length > 0 && isArr[isArr.length - 1] === 1;
      if (!(c === 93 && inArr && counts[isArr.length - 1] === 0)) fail();
      i++;
      close(c === 93);
      continue;
    }
    if (c === 44 || c === 58) {
      fail();
      i++;
      continue;
    }
    const end = bareEnd(text, i);
    if (end === i) {
      fail();
      i++;
      continue;
    }
    const word = text.slice(i, end);
    i = end;
    if (word === "null") {
      valueDone();
      continue;
    }
    if (word !== "true" && word !== "false" && !isNumber(word)) {
      fail();
      emitScalar(word, true);
    } else emitScalar(word, false);
    valueDone();
  }
  if (isArr.length > 0 || state === 3 || key !== null) fail();
  if (bad && noteInvalid) sink.anomaly("bad_json", stepsName(prefix));
  return !bad;
}

/**
 * From just inside an opening bracket, the index after its matching close (or the end),
 * stepping over strings. One pass, no stack: only the depth is counted.
 */
function skim(s: string, i: number): number {
  const n = s.length;
  let d = 1;
  while (i < n) {
    const c = s.charCodeAt(i++);
    if (c === 123 || c === 91) d++;
    else if (c === 125 || c === 93) {
      if (--d === 0) return i;
    } else if (c === 34) {
      while (i < n) {
        const e = s.charCodeAt(i++);
        if (e === 92) i++;
        else if (e === 34) break;
      }
    }
  }
  return n;
}

function isHex4(s: string, at: number): boolean {
  for (let k = at; k < at + 4; k++) {
    const c = s.charCodeAt(k) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** End of a bare word (number, literal, or lenient unquoted token). */
function bareEnd(s: string, i: number): number {
  const n = s.length;
  let k = i;
  while (k < n) {
    const c = s.charCodeAt(k);
    if (
      c === 44 ||
      c === 58 ||
      c === 93 ||
      c === 125 ||
      c === 91 ||
      c === 123 ||
      c === 34 ||
      c === 39 ||
      c <= 32
    )
      break;
    k++;
  }
  return k;
}

/** RFC 8259 §6 number grammar. */
function isNumber(w: string): boolean {
  let i = 0;
  const n = w.length;
  if (w.charCodeAt(0) === 45) i++;
  const d0 = i;
  while (i < n && isDigit(w.charCodeAt(i))) i++;
  if (i === d0) return false;
  if (i < n && w.charCodeAt(i) === 46) {
    i++;
    const f0 = i;
    while (i < n && isDigit(w.charCodeAt(i))) i++;
    if (i === f0) return false;
  }
  if (i < n && (w.charCodeAt(i) | 0x20) === 101) {
    i++;
    if (i < n && (w.charCodeAt(i) === 43 || w.charCodeAt(i) === 45)) i++;
    const e0 = i;
    while (i < n && isDigit(w.charCodeAt(i))) i++;
    if (i === e0) return false;
  }
  return i === n;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

import type { PointZone } from "../../../model/index.js";
import { emitV } from "../decode.js";
import type { PointSink } from "../sink.js";
import { stepsName, stepsPlus, stepsPlus2 } from "../sink.js";

/** What an open bracket opened. */
const SEL = 0; // `{` selection set
const ARGS = 1; // `(` arguments or variable definitions
const OBJ = 2; // `{` object value inside arguments
const LIST = 3; // `[` list value or list type
const VARS = 4; // `(` variable definitions of an operation

const OPERATIONS = new Set(["query", "mutation", "subscription", "fragment"]);

function isNameStart(c: number): boolean {
  return c === 95 || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/**
 * True when `s` starts (after whitespace) like a GraphQL executable document. `loose`
 * also accepts a bare selection (`__schema{types{name}}`), which servers reject but
 * attackers probe with.
 */
export function looksLikeGraphql(s: string, loose = false): boolean {
  let i = 0;
  while (i < s.length && i < 64 && s.charCodeAt(i) <= 32) i++;
  const c = s.charCodeAt(i);
  if (c === 123 /* { */) {
    // `{ name` — JSON would have `{"`.
    let k = i + 1;
    while (k < s.length && k < i + 64 && s.charCodeAt(k) <= 32) k++;
    return isNameStart(s.charCodeAt(k));
  }
  if (!isNameStart(c)) return false;
  let k = i;
  while (k < s.length && k - i < 64 && isNameChar(s.charCodeAt(k))) k++;
  if (OPERATIONS.has(s.slice(i, k)) && k < s.length && !isNameChar(s.charCodeAt(k))) return true;
  if (!loose) return false;
  while (k < s.length && s.charCodeAt(k) <= 32) k++;
  const d = s.charCodeAt(k);
  return (d === 123 || d === 40) && s.indexOf("}", k) !== -1;
}

/**
 * A light GraphQL tokenizer (GraphQL spec, October 2021, §2 Language) that emits:
 *  - the operation type and name: `… › graphql › operation` = `mutation`,
 *    `… › graphql › operation › name` = `Login` (kind `key`);
 *  - every field and alias as a key along its selection path:
 *    `… › graphql › user › posts › #key` = `posts`;
 *  - every argument name (`… › graphql › user › id › #key`) and argument value
 *    (`… › graphql › user › id`): strings (block strings included) go through the nested
 *    decoders, numbers and enums are plain values; object values nest by field name.
 * It is not a validating parser: unknown characters are skipped, unbalanced brackets
 * are tolerated and reported (`bad_graphql` when `noteInvalid`). Returns true when clean.
 */
export function emitGraphql(
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
  const path: string[] = prefix.slice();
  const ctx: number[] = [];
  /** Per open bracket: whether it pushed a path step. */
  const pushed: boolean[] = [];
  /** Last argument or object-field name (inside arguments). */
  let pending: string | null = null;
  /** Last field name of the current selection set: what a following `{` opens. */
  let field: string | null = null;
  /** A directive just read: what a following `(` belongs to. */
  let directive: string | null = null;
  let opSeen = false;
  let expectOpName = false;
  let bad = false;
  let i = 0;

  const top = (): number => (ctx.length === 0 ? -1 : ctx[ctx.length - 1]!);
  const nextNonWs = (k: number): number => {
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44) k++;
      else break;
    }
    return k;
  };
  const openBracket = (kind: number, step: string | null): void => {
    if (ctx.length >= maxNesting) {
      sink.anomaly("nesting_limit", stepsName(prefix));
      bad = true;
      step = null;
    }
    ctx.push(kind);
    const push = step !== null && path.length - prefix.length < maxNesting;
    if (step !== null && push) path.push(step);
    pushed.push(push);
    pending = null;
  };
  const closeBracket = (kinds: number, alt: number): void => {
    const t = top();
    if (t === -1) {
      bad = true;
      return;
    }
    if (t !== kinds && t !== alt) bad = true;
    ctx.pop();
    if (pushed.pop()) path.pop();
    pending = null;
    // After `field(args)` the field may still open a selection; after `}` nothing does.
    if (t !== ARGS) field = null;
  };
  const emitArg = (value: string, isString: boolean): void => {
    const p: string | null = pending;
    const steps = p === null ? path.slice() : stepsPlus(path, p);
    const name = p ?? undefined;
    if (isString) emitV(sink, steps, zone, "value", value, depth, header, name);
    else sink.push(steps, zone, "value", value, depth, header, name);
  };

  while (i < n && sink.open) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 35 /* # comment */) {
      const e = text.indexOf("\n", i);
      i = e === -1 ? n : e + 1;
      continue;
    }
    if (c === 34 /* " */) {
      let value: string;
      if (text.startsWith('"""', i)) {
        // Block string (§2.9.4): raw up to the next unescaped `"""`.
        let e = text.indexOf('"""', i + 3);
        while (e !== -1 && text.charCodeAt(e - 1) === 92) e = text.indexOf('"""', e + 3);
        if (e === -1) bad = true;
        value = text.slice(i + 3, e === -1 ? n : e).replaceAll('\\"""', '"""');
        i = e === -1 ? n : e + 3;
      } else {
        const parts: string[] = [];
        let k = i + 1;
        let last = k;
        while (k < n) {
          const d = text.charCodeAt(k);
          if (d === 34 || d === 10) break;
          if (d === 92 && k + 1 < n) {
            if (k > last) parts.push(text.slice(last, k));
            const e = text.charCodeAt(k + 1);
            if (e === 117 && k + 6 <= n) {
              const h = Number.parseInt(text.slice(k + 2, k + 6), 16);
              parts.push(Number.isNaN(h) ? "\\u" : String.fromCharCode(h));
              k += Number.isNaN(h) ? 2 : 6;
            } else {
              parts.push(e === 110 ? "\n" : e === 116 ? "\t" : e === 114 ? "\r" : String.fromCharCode(e));
              k += 2;
            }
            last = k;
            continue;
          }
          k++;
        }
        if (k >= n || text.charCodeAt(k) !== 34) bad = true;
        if (k > last) parts.push(text.slice(last, Math.min(k, n)));
        value = parts.join("");
        i = k >= n ? n : k + 1;
      }
      emitArg(value, true);
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let k = i + 1;
      while (k < n) {
        const d = text.charCodeAt(k);
        if ((d >= 48 && d <= 57) || d === 46 || d === 43 || d === 45 || (d | 0x20) === 101) k++;
        else break;
      }
      const t = top();
      if (t === ARGS || t === OBJ || t === LIST || t === VARS) emitArg(text.slice(i, k), false);
      i = k;
      continue;
    }
    if (c === 36 /* $ */ || c === 64 /* @ */) {
      let k = i + 1;
      while (k < n && isNameChar(text.charCodeAt(k))) k++;
      if (c === 64 && k > i + 1) {
        // Directive: a key of its own on the current path.
        const d = text.slice(i, k);
        sink.push(stepsPlus(path, d), zone, "key", d, depth, header, d);
        directive = d;
      } else if (c === 36 && top() === VARS && k > i + 1) {
        // A variable definition: its default value is named after it.
        pending = text.slice(i + 1, k);
      }
      i = k;
      continue;
    }
    if (c === 46 && text.startsWith("...", i)) {
      // Fragment spread or inline fragment: `... on Type` / `...Name` are type names.
      i += 3;
      let k = nextNonWs(i);
      const s0 = k;
      while (k < n && isNameChar(text.charCodeAt(k))) k++;
      if (text.slice(s0, k) === "on") {
        k = nextNonWs(k);
        while (k < n && isNameChar(text.charCodeAt(k))) k++;
      }
      i = k;
      field = null;
      continue;
    }
    if (isNameStart(c)) {
      let k = i + 1;
      while (k < n && isNameChar(text.charCodeAt(k))) k++;
      const name = text.slice(i, k);
      i = k;
      const t = top();
      if (t === -1) {
        if (!opSeen && OPERATIONS.has(name)) {
          opSeen = true;
          expectOpName = true;
          sink.push(stepsPlus(prefix, "operation"), zone, "key", name, depth, header, "operation");
        } else if (expectOpName) {
          expectOpName = false;
          sink.push(stepsPlus2(prefix, "operation", "name"), zone, "key", name, depth, header, "operation");
        } else if (OPERATIONS.has(name)) {
          // A second operation or fragment in the same document.
          expectOpName = true;
          sink.push(stepsPlus(prefix, "operation"), zone, "key", name, depth, header, "operation");
        } else if (!opSeen) {
          // A bare selection (`__schema{…}`): the name is a root field.
          sink.push(stepsPlus2(path, name, "#key"), zone, "key", name, depth, header, name);
          field = name;
        }
        continue;
      }
      const colon = text.charCodeAt(nextNonWs(i)) === 58;
      if (t === SEL) {
        sink.push(stepsPlus2(path, name, "#key"), zone, "key", name, depth, header, name);
        // An alias (`alias: field`) is replaced by the field name that follows.
        field = name;
        directive = null;
      } else if (t === VARS) {
        // Type names in variable definitions (`$id: ID!`): not client data.
      } else if (colon) {
        // Argument, variable or object-field name.
        sink.push(stepsPlus2(path, name, "#key"), zone, "key", name, depth, header, name);
        pending = name;
      } else {
        // Enum value, `true`, `false`, `null`, or a type name in variable definitions.
        emitArg(name, false);
      }
      continue;
    }
    switch (c) {
      case 123 /* { */:
        {
          const t = top();
          if (t === ARGS || t === OBJ || t === LIST || t === VARS) openBracket(OBJ, pending);
          else openBracket(SEL, field);
          field = null;
          directive = null;
          expectOpName = false;
          break;
        }
      case 125 /* } */:
        closeBracket(SEL, OBJ);
        break;
      case 40 /* ( */:
        if (top() === -1) openBracket(VARS, null);
        else openBracket(ARGS, directive ?? field);
        directive = null;
        break;
      case 41 /* ) */:
        closeBracket(ARGS, VARS);
        break;
      case 91 /* [ */:
        ctx.push(LIST);
        pushed.push(false);
        break;
      case 93 /* ] */:
        if (top() === LIST) {
          ctx.pop();
          pushed.pop();
        } else bad = true;
        break;
      case 58 /* : */:
      case 61 /* = */:
      case 33 /* ! */:
      case 124 /* | */:
      case 38 /* & */:
        break;
      default:
        bad = true;
    }
    i++;
  }
  if (ctx.length > 0) bad = true;
  if (bad && noteInvalid) sink.anomaly("bad_graphql", stepsName(prefix));
  return !bad;
}

import type { PointZone } from "../../../model/index.js";
import { emitV } from "../decode.js";
import type { PointSink } from "../sink.js";
import { stepsName, stepsPlus, stepsPlus2 } from "../sink.js";

/** What the document body needs from its DTD: where it ends and what entities expand to. */
export interface DoctypeInfo {
  /** Index just after the closing `>` of the DOCTYPE. */
  readonly end: number;
  /** General entity name → estimated expanded size in characters. */
  readonly entitySizes: ReadonlyMap<string, number>;
}

interface EntityDecl {
  readonly name: string;
  readonly parameter: boolean;
  /** Replacement text of an internal entity; null for external (SYSTEM/PUBLIC) ones. */
  readonly value: string | null;
}

const NOT_FOUND = -1;

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Index after the `>` closing a markup declaration started at `i`, quote-aware. */
function declEnd(s: string, i: number): number {
  const n = s.length;
  let q = 0;
  for (let k = i; k < n; k++) {
    const c = s.charCodeAt(k);
    if (q !== 0) {
      if (c === q) q = 0;
    } else if (c === 34 || c === 39) q = c;
    else if (c === 62) return k + 1;
  }
  return NOT_FOUND;
}

/** Reads a quoted literal at `i` (after whitespace): [text, index after] or null. */
function literal(s: string, i: number): [string, number] | null {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  const q = s.charCodeAt(i);
  if (q !== 34 && q !== 39) return null;
  const e = s.indexOf(q === 34 ? '"' : "'", i + 1);
  if (e === -1) return null;
  return [s.slice(i + 1, e), e + 1];
}

function readName(s: string, i: number): [string, number] {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  let k = i;
  while (k < s.length) {
    const c = s.charCodeAt(k);
    if (isWs(c) || c === 62 || c === 91 || c === 34 || c === 39) break;
    k++;
  }
  return [s.slice(i, k), k];
}

/**
 * Parses `<!DOCTYPE …>` (XML 1.0 §2.8, §4.2) starting at `i` WITHOUT expanding anything.
 * Points (kind `markup` unless said):
 *  - `… › #doctype`: the whole declaration;
 *  - `… › #doctype › entity › NAME`: each `<!ENTITY …>` as written;
 *  - `… › #doctype › entity › NAME › system` (kind `value`): the SYSTEM/PUBLIC literal,
 *    which is where XXE points (`file:///etc/passwd`, `http://…`);
 *  - `… › #doctype › entity › NAME › value` (kind `value`): an internal entity's text;
 *  - `… › #doctype › decl`: other declarations (ELEMENT, ATTLIST, NOTATION, PIs).
 * Anomalies: `xml_dtd` for any DOCTYPE; `xml_dtd_bomb` when an entity would expand past
 * `limits.maxEntityExpansion` characters (billion laughs: entities referencing entities)
 * or references itself.
 */
export function parseDoctype(
  sink: PointSink,
  prefix: readonly string[],
  zone: PointZone,
  s: string,
  i: number,
  depth: number,
  header: string | undefined,
): DoctypeInfo {
  const n = s.length;
  const dt = stepsPlus(prefix, "#doctype");
  const where = stepsName(dt);
  sink.anomaly("xml_dtd", where);
  const decls: EntityDecl[] = [];
  let k = i + 9;
  let end = n;
  // Up to the internal subset `[` or the closing `>`, quote-aware.
  let q = 0;
  while (k < n) {
    const c = s.charCodeAt(k);
    if (q !== 0) {
      if (c === q) q = 0;
    } else if (c === 34 || c === 39) q = c;
    else if (c === 91 || c === 62) break;
    k++;
  }
  if (k < n && s.charCodeAt(k) === 91) {
    k++;
    let count = 0;
    while (k < n) {
      const c = s.charCodeAt(k);
      if (isWs(c)) {
        k++;
        continue;
      }
      if (c === 93 /* ] */) {
        k++;
        break;
      }
      if (c === 37 /* %PE; */) {
        const semi = s.indexOf(";", k);
        k = semi === -1 ? n : semi + 1;
        continue;
      }
      if (c !== 60) {
        k++;
        continue;
      }
      if (s.startsWith("<!--", k)) {
        const e = s.indexOf("-->", k + 4);
        k = e === -1 ? n : e + 3;
        continue;
      }
      const e = s.startsWith("<?", k) ? s.indexOf("?>", k) : declEnd(s, k);
      const stop = e === NOT_FOUND ? n : s.startsWith("<?", k) ? e + 2 : e;
      const text = s.slice(k, stop);
      if (++count > sink.limits.maxParts) {
        sink.anomaly("parts_limit", where);
      } else if (text.startsWith("<!ENTITY")) {
        const d = entityDecl(text);
        if (d !== null) {
          decls.push(d.decl);
          const es = stepsPlus2(dt, "entity", d.decl.name);
          sink.push(es, zone, "markup", text, depth, header, d.decl.name);
          if (d.system !== null)
            emitV(sink, stepsPlus(es, "system"), zone, "value", d.system, depth, header, d.decl.name);
          if (d.decl.value !== null && d.decl.value.length > 0) {
            emitV(sink, stepsPlus(es, "value"), zone, "value", d.decl.value, depth, header, d.decl.name);
          }
        } else sink.push(stepsPlus(dt, "decl"), zone, "markup", text, depth, header, undefined);
      } else {
        sink.push(stepsPlus(dt, "decl"), zone, "markup", text, depth, header, undefined);
      }
      k = stop;
    }
  }
  // The closing `>` of the DOCTYPE.
  const gt = k < n ? s.indexOf(">", k) : -1;
  end = gt === -1 ? n : gt + 1;
  sink.push(dt, zone, "markup", s.slice(i, end), depth, header, undefined);
  return { end, entitySizes: expansionSizes(sink, decls, where) };
}

function entityDecl(text: string): { decl: EntityDecl; system: string | null } | null {
  let k = 8;
  while (k < text.length && isWs(text.charCodeAt(k))) k++;
  let parameter = false;
  if (text.charCodeAt(k) === 37) {
    parameter = true;
    k++;
  }
  const [name, after] = readName(text, k);
  if (name.length === 0) return null;
  k = after;
  const lit = literal(text, k);
  if (lit !== null) return { decl: { name, parameter, value: lit[0] }, system: null };
  const [kw, afterKw] = readName(text, k);
  if (kw === "SYSTEM") {
    const sys = literal(text, afterKw);
    return { decl: { name, parameter, value: null }, system: sys === null ? "" : sys[0] };
  }
  if (kw === "PUBLIC") {
    const pub = literal(text, afterKw);
    const sys = pub === null ? null : literal(text, pub[1]);
    return { decl: { name, parameter, value: null }, system: sys === null ? (pub?.[0] ?? "") : sys[0] };
  }
  return { decl: { name, parameter, value: null }, system: null };
}

/** `&name;` / `%name;` references in an entity's replacement text (not `&#…;`). */
function references(v: string): { names: string[]; literalLength: number } {
  const names: string[] = [];
  let literalLength = v.length;
  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k);
    if ((c === 38 || c === 37) && v.charCodeAt(k + 1) !== 35) {
      const semi = v.indexOf(";", k + 1);
      if (semi === -1 || semi - k > 64) continue;
      const name = v.slice(k + 1, semi);
      if (name.length === 0 || name.includes(" ")) continue;
      names.push((c === 37 ? "%" : "") + name);
      literalLength -= semi - k + 1;
      k = semi;
    }
  }
  return { names, literalLength };
}

/**
 * The size every entity would expand to, computed on the declaration graph with
 * memoisation (never by expanding): linear in the DTD size however deep the nesting.
 */
function expansionSizes(sink: PointSink, decls: readonly EntityDecl[], where: string): Map<string, number> {
  const sizes = new Map<string, number>();
  if (decls.length === 0) return sizes;
  const byName = new Map<string, EntityDecl>();
  for (const d of decls) {
    const key = (d.parameter ? "%" : "") + d.name;
    // XML 1.0 §4.2: the first declaration binds.
    if (!byName.has(key)) byName.set(key, d);
  }
  const state = new Map<string, number>(); // 1 visiting, 2 done
  let recursive = false;
  const size = (key: string, level: number): number => {
    const known = sizes.get(key);
    if (known !== undefined) return known;
    const d = byName.get(key);
    if (d === undefined || d.value === null) return key.length + 2;
    if (state.get(key) === 1 || level > 64) {
      recursive = true;
      return 0;
    }
    state.set(key, 1);
    const r = references(d.value);
    let total = r.literalLength;
    for (const ref of r.names) total = Math.min(Number.MAX_SAFE_INTEGER, total + size(ref, level + 1));
    state.set(key, 2);
    sizes.set(key, total);
    return total;
  };
  let worst = 0;
  let worstName = "";
  for (const key of byName.keys()) {
    const v = size(key, 0);
    if (v > worst) {
      worst = v;
      worstName = key;
    }
  }
  if (recursive) sink.anomaly("xml_dtd_bomb", where, "recursive entity reference");
  else if (worst > sink.limits.maxEntityExpansion) {
    sink.anomaly("xml_dtd_bomb", where, `entity ${worstName} expands to ${worst} characters`);
  }
  return sizes;
}

import type { PointZone } from "../../../model/index.js";
import { emitV } from "../decode.js";
import { decodeEntities } from "../decoders/entities.js";
import type { PointSink } from "../sink.js";
import { stepsName, stepsPlus, stepsPlus2 } from "../sink.js";
import { parseDoctype } from "./dtd.js";

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function localName(q: string): string {
  const colon = q.indexOf(":");
  return colon === -1 ? q : q.slice(colon + 1);
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isWs(s.charCodeAt(i))) return false;
  return true;
}

/**
 * A lenient, bounded XML scanner (XML 1.0 Fifth Edition; SOAP envelopes are plain XML)
 * emitting points along the element path, namespace prefixes dropped so that a SOAP
 * body reads `body › xml › Envelope › Body › login › user`:
 *  - element names as keys (`… › user › #key`, the qualified name as value);
 *  - attributes as `… › user › @id` (value) and `… › user › @id › #key` (name); namespace
 *    declarations (`xmlns…`) are skipped: they name namespaces, nobody fetches them;
 *  - text and CDATA as values of their element (XML's predefined and numeric references
 *    decoded; other `&name;` references are kept as written — NEVER expanded);
 *  - comments (`#comment`), processing instructions (`#pi`, `<?php …?>` included) and the
 *    DOCTYPE with its declarations (`#doctype`, see dtd.ts) as kind `markup`.
 * References to entities declared in the DTD are summed (without expanding) so that a
 * quadratic blowup (one large entity referenced many times) is an `xml_dtd_bomb` too.
 * Returns true when the document was well-formed as far as this scanner checks.
 */
export function emitXml(
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
  const open: string[] = [];
  let overflow = 0;
  let bad = false;
  let sizes: ReadonlyMap<string, number> | null = null;
  let expanded = 0;
  let bombed = false;
  let elements = 0;
  let i = 0;

  const countRefs = (s: string): void => {
    if (sizes === null || sizes.size === 0 || bombed) return;
    let k = s.indexOf("&");
    while (k !== -1) {
      const semi = s.indexOf(";", k + 1);
      if (semi === -1) break;
      const sz = sizes.get(s.slice(k + 1, semi));
      if (sz !== undefined) {
        expanded += sz;
        if (expanded > sink.limits.maxEntityExpansion) {
          bombed = true;
          sink.anomaly(
            "xml_dtd_bomb",
            stepsName(prefix),
            `entity references expand to over ${expanded} characters`,
          );
          return;
        }
      }
      k = s.indexOf("&", semi + 1);
    }
  };
  const emitText = (raw: string, decode: boolean): void => {
    if (overflow > 0) return;
    if (decode) countRefs(raw);
    const v = decode ? decodeEntities(raw, true) : raw;
    const name = open.length > 0 ? localName(open[open.length - 1]!) : undefined;
    emitV(sink, path.slice(), zone, "value", v, depth, header, name);
  };

  while (i < n && sink.open) {
    const lt = text.indexOf("<", i);
    const stop = lt === -1 ? n : lt;
    if (stop > i) {
      const t = text.slice(i, stop);
      if (!isBlank(t)) {
        if (open.length === 0) bad = true; // text outside the root element
        emitText(t, true);
      }
    }
    if (lt === -1) break;
    i = lt;
    const c1 = text.charCodeAt(i + 1);
    if (c1 === 63 /* ? */) {
      const e = text.indexOf("?>", i + 2);
      const end = e === -1 ? n : e + 2;
      if (e === -1) bad = true;
      if (overflow === 0)
        sink.push(stepsPlus(path, "#pi"), zone, "markup", text.slice(i, end), depth, header, undefined);
      i = end;
      continue;
    }
    if (c1 === 33 /* ! */) {
      if (text.startsWith("<!--", i)) {
        const e = text.indexOf("-->", i + 4);
        if (e === -1) bad = true;
        const end = e === -1 ? n : e;
        if (overflow === 0)
          sink.push(
            stepsPlus(path, "#comment"),
            zone,
            "markup",
            text.slice(i + 4, end),
            depth,
            header,
            undefined,
          );
        i = e === -1 ? n : e + 3;
        continue;
      }
      if (text.startsWith("<![CDATA[", i)) {
        const e = text.indexOf("]]>", i + 9);
        if (e === -1) bad = true;
        const v = text.slice(i + 9, e === -1 ? n : e);
        if (v.length > 0) emitText(v, false);
        i = e === -1 ? n : e + 3;
        continue;
      }
      if (text.startsWith("<!DOCTYPE", i) || text.startsWith("<!doctype", i)) {
        if (open.length > 0 || elements > 0) bad = true;
        const info = parseDoctype(sink, prefix, zone, text, i, depth, header);
        sizes = info.entitySizes;
        i = info.end;
        continue;
      }
      bad = true;
      const e = text.indexOf(">", i);
      const end = e === -1 ? n : e + 1;
      sink.push(stepsPlus(path, "#decl"), zone, "markup", text.slice(i, end), depth, header, undefined);
      i = end;
      continue;
    }
    if (c1 === 47 /* / */) {
      const e = text.indexOf(">", i + 2);
      const qname = text.slice(i + 2, e === -1 ? n : e).trim();
      i = e === -1 ? n : e + 1;
      if (overflow > 0) {
        overflow--;
        continue;
      }
      if (open.length === 0) {
        bad = true;
        continue;
      }
      if (open[open.length - 1] === qname) {
        open.pop();
        path.pop();
        continue;
      }
      bad = true;
      // Mismatched end tag: close up to the matching open element if there is one.
      const at = open.lastIndexOf(qname);
      if (at !== -1) {
        open.length = at;
        path.length = prefix.length + at;
      }
      continue;
    }
    // Start tag: a name must follow immediately (XML 1.0 §3.1).
    let k = i + 1;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (isWs(c) || c === 47 || c === 62 || c === 60) break;
      k++;
    }
    if (k === i + 1) {
      // A bare `<`: text, not markup.
      bad = true;
      const next = text.indexOf("<", i + 1);
      const end = next === -1 ? n : next;
      emitText(text.slice(i, end), true);
      i = end;
      continue;
    }
    const qname = text.slice(i + 1, k);
    elements++;
    if (open.length === 0 && elements > 1) bad = true; // a second root
    const local = localName(qname);
    const deep = overflow > 0 || open.length >= maxNesting;
    if (!deep) sink.push(stepsPlus2(path, local, "#key"), zone, "key", qname, depth, header, local);
    else if (overflow === 0) sink.anomaly("nesting_limit", stepsName(path));
    // Attributes (§3.1): name = "value" | 'value'; lenient about unquoted values.
    let selfClose = false;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (isWs(c)) {
        k++;
        continue;
      }
      if (c === 62) {
        k++;
        break;
      }
      if (c === 47 && text.charCodeAt(k + 1) === 62) {
        selfClose = true;
        k += 2;
        break;
      }
      if (c === 60) {
        bad = true;
        break;
      }
      const a0 = k;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (isWs(d) || d === 61 || d === 62 || d === 47 || d === 60) break;
        k++;
      }
      if (k === a0) {
        bad = true;
        k++;
        continue;
      }
      const aname = text.slice(a0, k);
      while (k < n && isWs(text.charCodeAt(k))) k++;
      let value: string | null = null;
      if (text.charCodeAt(k) === 61) {
        k++;
        while (k < n && isWs(text.charCodeAt(k))) k++;
        const q = text.charCodeAt(k);
        if (q === 34 || q === 39) {
          const e = text.indexOf(q === 34 ? '"' : "'", k + 1);
          value = text.slice(k + 1, e === -1 ? n : e);
          if (e === -1) bad = true;
          k = e === -1 ? n : e + 1;
        } else {
          bad = true;
          const v0 = k;
          while (k < n && !isWs(text.charCodeAt(k)) && text.charCodeAt(k) !== 62) k++;
          value = text.slice(v0, k);
        }
      } else bad = true;
      if (deep || aname === "xmlns" || aname.startsWith("xmlns:")) continue;
      const astep = `@${localName(aname)}`;
      const asteps = stepsPlus2(path, local, astep);
      sink.push(stepsPlus(asteps, "#key"), zone, "key", aname, depth, header, aname);
      if (value !== null) {
        countRefs(value);
        emitV(sink, asteps, zone, "value", decodeEntities(value, true), depth, header, localName(aname));
      }
    }
    i = k;
    if (selfClose) continue;
    if (deep) overflow++;
    else {
      open.push(qname);
      path.push(local);
    }
  }
  if (open.length > 0 || overflow > 0 || elements === 0) bad = true;
  if (bad && noteInvalid) sink.anomaly("bad_xml", stepsName(prefix));
  return !bad;
}

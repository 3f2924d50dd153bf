/**
 * A small scanner for the parts of XML 1.0 that reach outside the document:
 *  - DOCTYPE with an external ID (XML 1.0 §2.8 `doctypedecl ::= '<!DOCTYPE' S Name
 *    (S ExternalID)? S? ('[' intSubset ']' S?)? '>'`), i.e. an external DTD fetch;
 *  - entity declarations with an external ID (§4.2.2 `<!ENTITY name SYSTEM "uri">` or
 *    `PUBLIC "pubid" "uri"`), general or parameter (`<!ENTITY % name …>`);
 *  - parameter-entity references inside the DTD (`%name;`), the out-of-band exfiltration
 *    pattern;
 *  - internal entities whose replacement text references one entity twice or more, or
 *    itself (§4.2.1 `EntityValue` holding `Reference`s): the nested expansion of the
 *    "billion laughs" bomb (each level multiplies the one below), see `expansionAt`;
 *  - XInclude (`xi:include`, namespace http://www.w3.org/2001/XInclude) and XSLT's
 *    `document()` (XSLT 1.0 §12.1), which load other resources without any DTD.
 * Keywords are matched case-insensitively: lenient parsers accept `<!doctype` and
 * `system`, and the payloads use that.
 */

export interface XxeMatch {
  readonly sign:
    | "external-entity"
    | "parameter-entity"
    | "external-dtd"
    | "xinclude"
    | "xslt-document"
    | "remote-schema"
    | "entity-expansion";
  readonly start: number;
  readonly end: number;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function skipSpace(s: string, i: number): number {
  let k = i;
  while (k < s.length && k - i < 256 && isSpace(s.charCodeAt(k))) k++;
  return k;
}

function skipName(s: string, i: number): number {
  let k = i;
  while (k < s.length && k - i < 256) {
    const c = s.charCodeAt(k);
    if (isSpace(c) || c === 62 || c === 91 || c === 34 || c === 39) break;
    k++;
  }
  return k;
}

/** `SYSTEM` or `PUBLIC` at i (case-insensitive). */
function externalIdAt(low: string, i: number): boolean {
  return low.startsWith("system", i) || low.startsWith("public", i);
}

/** Public identifiers of the W3C's own (X)HTML/SVG DTDs: ordinary in posted markup. */
function isW3cDtd(low: string, from: number, to: number): boolean {
  const part = low.slice(from, Math.min(to, from + 300));
  return part.includes("-//w3c//dtd") || part.includes("http://www.w3.org/");
}

/**
 * The entity declaration whose `!ENTITY` keyword starts at `bang` (`<!ENTITY …` or, cut
 * from its `<`, `!ENTITY % x SYSTEM …` spliced into a DTD the application builds).
 */
function entityAt(v: string, low: string, start: number, bang: number): XxeMatch | null {
  let k = skipSpace(low, bang + 7);
  let param = false;
  if (low.charCodeAt(k) === 37 /* % */) {
    param = true;
    k = skipSpace(low, k + 1);
  }
  const nameStart = k;
  const nameEnd = skipName(low, k);
  k = skipSpace(low, nameEnd);
  if (externalIdAt(low, k)) {
    const end = low.indexOf(">", k);
    return {
      sign: param ? "parameter-entity" : "external-entity",
      start,
      end: end === -1 ? v.length : end + 1,
    };
  }
  if (!param) {
    if (expansionAt(v, low, k, v.slice(nameStart, nameEnd))) {
      const end = low.indexOf(">", k);
      return { sign: "entity-expansion", start, end: end === -1 ? v.length : end + 1 };
    }
  } else {
    // `<!ENTITY % a "<!ENTITY &#x25; b SYSTEM '…'>">`: a nested declaration.
    const end = low.indexOf(">", k);
    const body = low.slice(k, end === -1 ? low.length : end);
    if (
      body.includes("system") ||
      body.includes("public") ||
      body.includes("&#x25;") ||
      body.includes("&#37;")
    ) {
      return { sign: "parameter-entity", start, end: end === -1 ? v.length : end + 1 };
    }
  }
  return null;
}

/** XML 1.0 §4.6: the predefined entities, which expand to one character. */
const PREDEFINED = new Set(["amp", "lt", "gt", "quot", "apos"]);
/** Characters no entity name holds (XML 1.0 §2.3 `Name`): `& x` is prose, not a reference. */
const NOT_NAME = /[\s&<%"']/;

/**
 * Whether the quoted replacement text at `k` (an internal general entity `name`)
 * references one same entity at least twice, or `name` itself. A declaration that
 * refers to another once (`<!ENTITY product "&vendor; Widget">`, DocBook style) only
 * composes text; repeating a reference is what multiplies: ten levels of ten
 * `&lolN;` make 10^10 characters (the billion laughs), however few the document
 * holds. Character references (`&#…;`) and the predefined entities do not count.
 * Names are compared as written (XML names are case-sensitive), read off `v`; `low`
 * is its lower-case copy, used for the searches. Bounded: 32 references read, names
 * up to 64 characters.
 */
function expansionAt(v: string, low: string, k: number, name: string): boolean {
  const q = low.charCodeAt(k);
  if (q !== 34 && q !== 39) return false;
  let close = low.indexOf(q === 34 ? '"' : "'", k + 1);
  if (close === -1) close = Math.min(low.length, k + 4096);
  const seen = new Set<string>();
  let amp = low.indexOf("&", k + 1);
  for (let n = 0; amp !== -1 && amp < close && n < 32; n++) {
    const semi = low.indexOf(";", amp + 1);
    if (semi === -1 || semi > close) break;
    if (semi - amp <= 65 && low.charCodeAt(amp + 1) !== 35 /* # */) {
      const ref = v.slice(amp + 1, semi);
      if (ref.length > 0 && !PREDEFINED.has(ref) && !NOT_NAME.test(ref)) {
        if (ref === name || seen.has(ref)) return true;
        seen.add(ref);
      }
    }
    amp = low.indexOf("&", semi + 1);
  }
  return false;
}

export function findXxe(v: string): XxeMatch | null {
  const low = v.toLowerCase();
  let i = low.indexOf("<!");
  let guard = 0;
  while (i !== -1 && guard++ < 64) {
    if (low.startsWith("<!entity", i)) {
      const e = entityAt(v, low, i, i + 1);
      if (e !== null) return e;
    } else if (low.startsWith("<!doctype", i)) {
      let k = skipSpace(low, i + 9);
      k = skipSpace(low, skipName(low, k));
      const close = low.indexOf(">", k);
      if (externalIdAt(low, k) && !isW3cDtd(low, k, close === -1 ? low.length : close)) {
        return { sign: "external-dtd", start: i, end: close === -1 ? v.length : close + 1 };
      }
      // Parameter-entity reference in the internal subset: `[ %remote; ]`.
      const open = low.indexOf("[", i);
      if (open !== -1 && (close === -1 || open < close)) {
        const subEnd = low.indexOf("]", open);
        const sub = low.slice(open, subEnd === -1 ? Math.min(low.length, open + 4096) : subEnd);
        const pct = sub.search(/%[a-z_][\w.-]{0,64};/);
        if (pct !== -1) return { sign: "parameter-entity", start: i, end: open + pct + 1 };
      }
    }
    i = low.indexOf("<!", i + 2);
  }
  // A declaration without its `<`: only one that reaches outside counts, naming a
  // parameter entity or a quoted system literal (index.ts prefilter).
  const bare = low.indexOf("!entity");
  if (
    bare !== -1 &&
    (bare === 0 || low.charCodeAt(bare - 1) !== 60) &&
    (low.indexOf("%") !== -1 || low.indexOf('"') !== -1 || low.indexOf("'") !== -1)
  ) {
    const e = entityAt(v, low, bare, bare);
    if (e !== null) return e;
  }
  const schema = remoteSchema(low);
  if (schema !== -1) return { sign: "remote-schema", start: schema, end: Math.min(v.length, schema + 64) };
  // An include element: `<prefix:include … href=…>`, or `<include>` in the XInclude namespace.
  const inc = low.indexOf(":include");
  if (inc !== -1) {
    const lt = low.lastIndexOf("<", inc);
    if (lt !== -1 && inc - lt < 32 && low.indexOf(" ", lt) > inc && low.indexOf("href", inc) !== -1) {
      return { sign: "xinclude", start: lt, end: inc + 8 };
    }
  }
  const plain = low.indexOf("<include");
  if (plain !== -1 && low.indexOf("xinclude") !== -1)
    return { sign: "xinclude", start: plain, end: plain + 8 };
  const doc = low.indexOf("document(");
  if (doc !== -1 && (low.indexOf("xsl:") !== -1 || low.indexOf("xsl/transform") !== -1)) {
    return { sign: "xslt-document", start: doc, end: doc + 9 };
  }
  return null;
}

/**
 * `<a xsi:schemaLocation="ns http://host/a.xsd">`, `noNamespaceSchemaLocation="…"`: an
 * element that asks a validating parser to fetch its schema from a URL — a server-side
 * request to wherever the value points (XML Schema Part 1 §4.3.2). The W3C's own schemas
 * are left out. Returns the attribute's index, or -1.
 */
function remoteSchema(low: string): number {
  const at = low.indexOf("schemalocation");
  if (at === -1 || low.lastIndexOf("<", at) === -1) return -1;
  let k = skipSpace(low, at + 14);
  if (low.charCodeAt(k) !== 61 /* = */) return -1;
  k = skipSpace(low, k + 1);
  const q = low.charCodeAt(k);
  if (q !== 34 && q !== 39) return -1;
  const close = low.indexOf(q === 34 ? '"' : "'", k + 1);
  const list = low.slice(k + 1, close === -1 ? Math.min(low.length, k + 1024) : close);
  // `schemaLocation` holds pairs (namespace name, location); `noNamespaceSchemaLocation`
  // one location.
  const pairs = low.slice(Math.max(0, at - 11), at) !== "nonamespace";
  const parts = list.trim().split(/\s+/);
  for (let p = pairs ? 1 : 0; p < parts.length && p < 64; p += pairs ? 2 : 1) {
    const part = parts[p]!;
    const scheme = part.indexOf("://");
    if (scheme < 3 || scheme > 8 || !/^(?:https?|ftp|file|jar|netdoc)$/.test(part.slice(0, scheme))) continue;
    const host = part.slice(scheme + 3).split(/[/:?#]/)[0] ?? "";
    if (host !== "www.w3.org" && host !== "w3.org") return at;
  }
  return -1;
}

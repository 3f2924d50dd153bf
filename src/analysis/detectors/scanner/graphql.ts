/**
 * GraphQL introspection (GraphQL spec, October 2021, §4 "Introspection"): a query that
 * asks a server for its whole schema — every type, field, argument and mutation — is
 * how API scanners (InQL, graphw00f, clairvoyance, Burp and ZAP GraphQL add-ons, Nuclei
 * templates) map an API before attacking it. Production clients ship their queries
 * with them and never ask for the schema.
 *
 * Signs, read on the query text wherever it sits (`?query=`, a form or JSON body, a
 * parameter *name* when a tool sends the query without `=`, a header):
 *  - the `__schema` meta-field with a selection set: `__schema {`;
 *  - the `__type` meta-field with its argument: `__type(name: "User")`;
 *  - a fragment or inline fragment on an introspection type, opening its selection
 *    set: `on __Type {`, `on __InputValue {`… (the standard IntrospectionQuery's
 *    `FullType`).
 *
 * Decided: a lone `__typename` is NOT introspection. Apollo, Relay and urql add it to
 * every selection set to key their caches, so it is in most GraphQL requests of real
 * clients. Mentions in prose (`the __schema field`) do not count either: the name must
 * be followed by `{` or `(`. Known noise: a developer's GraphQL IDE (GraphiQL, Apollo
 * Sandbox, Postman) runs the introspection query when it opens, which is recon in the
 * literal sense and is reported as such.
 */

export interface IntrospectionMatch {
  readonly start: number;
  readonly end: number;
}

/** The introspection types a fragment may be declared on (spec §4.2). */
const INTROSPECTION_TYPES = new Set([
  "__Schema",
  "__Type",
  "__TypeKind",
  "__Field",
  "__InputValue",
  "__EnumValue",
  "__Directive",
  "__DirectiveLocation",
]);

/** GraphQL Name characters (spec §2.1.9): `[_A-Za-z0-9]`. */
function isNameChar(c: number): boolean {
  const l = c | 0x20;
  return (l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * Ignored tokens between names and punctuators (spec §2.1.7: white space, line
 * terminators, commas), plus `+`, the space of a form-encoded value left undecoded.
 */
function isIgnored(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 43;
}

/**
 * The two characters after `__` that may start a name we look for: `sc`(hema),
 * `ty`(pe), `Sc`(hema), `Ty`(pe…), `Fi`(eld), `In`(putValue), `En`(umValue),
 * `Di`(rective…). Cookie prefixes such as `__Secure-`, `__stripe_` or `__utm` stop here.
 */
function mayStart(v: string, i: number): boolean {
  const a = v.charCodeAt(i);
  const b = v.charCodeAt(i + 1);
  switch (a) {
    case 115: // s
    case 83: // S
      return b === 99; // c
    case 116: // t
    case 84: // T
      return b === 121; // y
    case 70: // F
      return b === 105; // i
    case 73: // I
    case 69: // E
      return b === 110; // n
    case 68: // D
      return b === 105; // i
    default:
      return false;
  }
}

const MAX_SCANS = 32;

/** Cheap gate: a `__` followed by the first two letters of one of the names. */
export function mayBeIntrospection(v: string): boolean {
  let i = v.indexOf("__");
  for (let k = 0; i !== -1 && k < MAX_SCANS; k++) {
    if (mayStart(v, i + 2)) return true;
    i = v.indexOf("__", i + 2);
  }
  return false;
}

/** Next significant character code at or after i, or NaN. */
function nextSignificant(v: string, i: number): number {
  let j = i;
  while (j < v.length && j - i < 64 && isIgnored(v.charCodeAt(j))) j++;
  return v.charCodeAt(j);
}

/** Whether the keyword `on` stands right before i, past ignored characters. */
function onBefore(v: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && i - j < 64 && isIgnored(v.charCodeAt(j))) j--;
  if (j === i - 1 || j < 1) return false; // `on` needs a separator after it
  if (v.charCodeAt(j) !== 110 || v.charCodeAt(j - 1) !== 111) return false;
  return j < 2 || !isNameChar(v.charCodeAt(j - 2));
}

export function findIntrospection(v: string): IntrospectionMatch | null {
  let i = v.indexOf("__");
  for (let k = 0; i !== -1 && k < MAX_SCANS; k++) {
    if (mayStart(v, i + 2) && (i === 0 || !isNameChar(v.charCodeAt(i - 1)))) {
      let e = i + 2;
      while (e < v.length && e - i <= 20 && isNameChar(v.charCodeAt(e))) e++;
      const len = e - i;
      if (len === 8 && v.startsWith("__schema", i)) {
        if (nextSignificant(v, e) === 123 /* { */) return { start: i, end: e };
      } else if (len === 6 && v.startsWith("__type", i)) {
        if (nextSignificant(v, e) === 40 /* ( */) return { start: i, end: e };
      } else if (len <= 19 && INTROSPECTION_TYPES.has(v.slice(i, e)) && onBefore(v, i)) {
        // A type condition opens a selection set, maybe after directives (spec §2.8).
        const n = nextSignificant(v, e);
        if (n === 123 /* { */ || n === 64 /* @ */) return { start: i, end: e };
      }
      i = v.indexOf("__", e);
    } else {
      i = v.indexOf("__", i + 2);
    }
  }
  return null;
}

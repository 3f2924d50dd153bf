/**
 * Lexical pieces of an LDAP search filter (RFC 4515 §3):
 *   filter     = "(" filtercomp ")"
 *   filtercomp = and / or / not / item        ; "&" / "|" / "!"
 *   item       = attr filtertype value / attr "=*" / extensible
 *   filtertype = "=" / "~=" / ">=" / "<="
 *   attr       = descr / numericoid  [ ";" options ]   (RFC 4512 §2.5)
 */

function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isFilterSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** Result of reading `attr filtertype` at a position. */
export interface Item {
  /** Index just after the filter type; -1 when there is no item. */
  end: number;
  /** Attribute, lower-cased. */
  attr: string;
  /** `=`, `~=`, `>=`, `<=`, `:=` (extensible) */
  op: string;
  /** `attr=*`: a presence filter, true for every entry that has the attribute. */
  present: boolean;
}

export function newItem(): Item {
  return { end: -1, attr: "", op: "", present: false };
}

/** Reads `attr filtertype` at `i` into `out`; returns false when there is none. */
export function readItem(v: string, i: number, out: Item): boolean {
  out.end = -1;
  const n = v.length;
  let j = i;
  const lim = Math.min(n, i + 64);
  const first = v.charCodeAt(j);
  if (isAlpha(first)) {
    j++;
    while (j < lim) {
      const c = v.charCodeAt(j);
      if (!(isAlpha(c) || isDigit(c) || c === 45)) break;
      j++;
    }
  } else if (isDigit(first)) {
    // numericoid: 1.2.840.113556 …
    while (j < lim && (isDigit(v.charCodeAt(j)) || v.charCodeAt(j) === 46)) j++;
    if (v.slice(i, j).indexOf(".") === -1) return false;
  } else {
    return false;
  }
  const attrEnd = j;
  // options: ;lang-en ;binary
  while (j < lim && v.charCodeAt(j) === 59) {
    j++;
    while (j < lim && (isAlpha(v.charCodeAt(j)) || isDigit(v.charCodeAt(j)) || v.charCodeAt(j) === 45)) j++;
  }
  while (j < n && j - attrEnd < 4 && isFilterSpace(v.charCodeAt(j))) j++;
  const c = v.charCodeAt(j);
  let op = "";
  if (c === 61) op = "=";
  else if ((c === 126 || c === 62 || c === 60) && v.charCodeAt(j + 1) === 61) op = `${v[j]}=`;
  else if (c === 58) {
    // extensible: attr:dn:=, attr:1.2.3:=, attr:caseExactMatch:=
    let k = j + 1;
    const klim = Math.min(n, k + 48);
    while (k < klim && v.charCodeAt(k) !== 61 && v.charCodeAt(k) !== 41 && v.charCodeAt(k) !== 40) k++;
    if (v.charCodeAt(k) !== 61 || v.charCodeAt(k - 1) !== 58) return false;
    j = k - 1;
    op = ":=";
  } else return false;
  j += op === "=" ? 1 : 2;
  out.end = j;
  out.attr = v.slice(i, attrEnd).toLowerCase();
  out.op = op;
  out.present = op === "=" && v.charCodeAt(j) === 42 && (j + 1 >= n || v.charCodeAt(j + 1) === 41);
  return true;
}

/**
 * Length of a filter operator at `i`: `&`, `|`, `!`, or `&amp;` (an `&` still escaped in
 * an XML body nobody decoded). 0 when none.
 */
export function operatorAt(v: string, i: number): number {
  const c = v.charCodeAt(i);
  if (c === 124 || c === 33) return 1;
  if (c !== 38) return 0;
  return v.startsWith("amp;", i + 1) ? 5 : 1;
}

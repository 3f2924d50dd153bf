import { CH } from "../charmask.js";
import type { DetectorMatch } from "../types.js";
import { ESI_TAGS, ESI_VARIABLES, SSI_ATTRIBUTES, SSI_ELEMENTS } from "./directives.js";

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

/** Reads `[A-Za-z]+` at `i` (at most 16), lower-cased; "" when none. */
function wordAt(v: string, i: number): string {
  let j = i;
  const lim = Math.min(v.length, i + 16);
  while (j < lim && isLetter(v.charCodeAt(j))) j++;
  return j === i ? "" : v.slice(i, j).toLowerCase();
}

function skipSpaces(v: string, i: number, max: number): number {
  let j = i;
  const lim = Math.min(v.length, i + max);
  while (j < lim && isSpace(v.charCodeAt(j))) j++;
  return j;
}

/**
 * `#element` at `hash` (the index of `#`): returns the element when it is followed by
 * what an SSI parser accepts after it (space, `-->` or the end), else "".
 */
function elementAt(v: string, hash: number): string {
  const w = wordAt(v, hash + 1);
  if (w === "" || !SSI_ELEMENTS.has(w)) return "";
  const after = hash + 1 + w.length;
  if (after >= v.length) return w;
  const c = v.charCodeAt(after);
  if (isSpace(c) || c === 45 /* - */ || c === 34 || c === 39 || c === 92) return w;
  return "";
}

/** After the element: ` attribute =` with an SSI attribute name. */
function attributeFollows(v: string, at: number): boolean {
  const i = skipSpaces(v, at, 8);
  if (i === at) return false;
  const w = wordAt(v, i);
  if (!SSI_ATTRIBUTES.has(w)) return false;
  const j = skipSpaces(v, i + w.length, 4);
  return v.charCodeAt(j) === 61;
}

/** `<!--#element …` (NGINX also allows `<!--# element`), or a bare `#element attr=`. */
function findSsi(v: string): DetectorMatch | null {
  let h = v.indexOf("#");
  for (let guard = 0; h !== -1 && guard < 256; guard++) {
    // `<!--#`, or `&lt;!--#` in entity-escaped markup nobody decoded yet.
    const escaped = h >= 7 && v.startsWith("&lt;!--", h - 7);
    const commented = escaped || (h >= 4 && v.startsWith("<!--", h - 4));
    let at = h;
    if (commented) {
      const s = skipSpaces(v, h + 1, 4);
      if (s > h + 1) at = s - 1; // `<!--# include`: treat as if the space was not there
    }
    const w = at === h ? elementAt(v, h) : elementAt(v, at);
    if (w !== "") {
      const end = at + 1 + w.length;
      if (commented) return { signature: `ssi.${w}`, start: escaped ? h - 7 : h - 4, end };
      if (attributeFollows(v, end)) return { signature: `ssi.bare-${w}`, start: h, end };
    }
    h = v.indexOf("#", h + 1);
  }
  return null;
}

/** `<esi:tag` or `</esi:tag`, and the `<!--esi … -->` comment form. */
function findEsi(v: string): DetectorMatch | null {
  let lt = v.indexOf("<");
  for (let guard = 0; lt !== -1 && guard < 256; guard++) {
    let i = lt + 1;
    if (v.charCodeAt(i) === 47) i++;
    if (
      (v.charCodeAt(i) | 0x20) === 101 &&
      (v.charCodeAt(i + 1) | 0x20) === 115 &&
      (v.charCodeAt(i + 2) | 0x20) === 105
    ) {
      if (v.charCodeAt(i + 3) === 58 && ESI_TAGS.has(wordAt(v, i + 4))) {
        return { signature: "ssi.esi-tag", start: lt, end: i + 4 };
      }
    } else if (v.startsWith("!--", i) && v.slice(i + 3, i + 6).toLowerCase() === "esi") {
      const c = v.charCodeAt(i + 6);
      // `<!--esi … -->`, and the bare `<!--esi-->` probe.
      if (Number.isNaN(c) || !isLetter(c)) return { signature: "ssi.esi-comment", start: lt, end: i + 6 };
    }
    lt = v.indexOf("<", lt + 1);
  }
  return null;
}

/** `$(HTTP_COOKIE)` / `$(HTTP_COOKIE{sid})`: ESI variable references. */
function findEsiVariable(v: string): DetectorMatch | null {
  let d = v.indexOf("$(");
  for (let guard = 0; d !== -1 && guard < 64; guard++) {
    let j = d + 2;
    const lim = Math.min(v.length, j + 32);
    while (j < lim) {
      const c = v.charCodeAt(j);
      if (!((c >= 65 && c <= 90) || c === 95)) break;
      j++;
    }
    const c = v.charCodeAt(j);
    if ((c === 41 || c === 123) && ESI_VARIABLES.has(v.slice(d + 2, j))) {
      return { signature: "ssi.esi-variable", start: d, end: j + 1 };
    }
    d = v.indexOf("$(", d + 1);
  }
  return null;
}

export function findInclude(v: string): DetectorMatch | null {
  return findSsi(v) ?? findEsi(v) ?? findEsiVariable(v);
}

/**
 * Cheap superset of `findInclude`: every sign needs `#`, `<` or `$(` — or their
 * percent-encoded forms, for names that reach detectors still encoded.
 */
const ENCODED_TRIGGER = /%(?:23|3[Cc])/;

export function mayHaveInclude(v: string, m = -1): boolean {
  if (m === -1) {
    // In `detect`, without the engine's mask: the same answer from native searches.
    return (
      v.indexOf("#") !== -1 || v.indexOf("<") !== -1 || v.indexOf("$(") !== -1 || ENCODED_TRIGGER.test(v)
    );
  }
  if ((m & (CH.HASH | CH.LT)) !== 0) return true;
  if ((m & (CH.DOLLAR | CH.LPAREN)) === (CH.DOLLAR | CH.LPAREN) && v.indexOf("$(") !== -1) return true;
  return (m & CH.PERCENT) !== 0 && ENCODED_TRIGGER.test(v);
}

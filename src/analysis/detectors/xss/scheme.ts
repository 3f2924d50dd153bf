/**
 * Script-bearing URL schemes: `javascript:`, `vbscript:`, `livescript:`, `mocha:` and
 * `data:` URLs whose media type a browser renders as a document.
 *
 * A URL parser strips leading C0 controls and spaces and removes TAB, LF and CR anywhere
 * (WHATWG URL §4.4, "basic URL parser"), so `java\tscript:` and `&#x0A;javascript:` run;
 * old IE also skipped other control characters. The scheme is read backwards from each
 * `:` over letters, skipping those characters, so every spelling reaches the same word.
 */

/** Longest first is not needed: a word ends with at most one of these. */
const SCHEMES: readonly string[] = ["javascript", "vbscript", "livescript", "mocha", "data"];

function isAlpha(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 122;
}
function isIdentStart(c: number): boolean {
  return isAlpha(c) || c === 36 || c === 95;
}
function isControlOrSpace(c: number): boolean {
  return c <= 32;
}

export interface SchemeHit {
  readonly kind: "script" | "data";
  readonly start: number;
  readonly end: number;
}

/** The body after a script scheme does nothing: `javascript:void(0)`, `javascript:;`. */
function inertBody(s: string, from: number): boolean {
  let body = "";
  for (let k = from; k < s.length && body.length < 16; k++) {
    const c = s.charCodeAt(k);
    // The URL ends where the quoted attribute or JSON string holding it ends.
    if (c === 34 || c === 39 || c === 96 || c === 62) break;
    if (c > 32) body += s[k];
  }
  if (body.length >= 16) return false;
  const b = body.toLowerCase();
  return (
    b === "" ||
    b === ";" ||
    b === "void(0)" ||
    b === "void(0);" ||
    b === "void0" ||
    b === "void0;" ||
    b === "//"
  );
}

/**
 * After `scheme:` in free text, does code follow? `javascript:alert(1)`, `javascript://…`,
 * `javascript: \u0061…` do; `JavaScript: The Good Parts` does not.
 */
function codeFollows(s: string, from: number): boolean {
  const n = s.length;
  if (from >= n) return false;
  const c = s.charCodeAt(from);
  if (c > 32) return true;
  let k = from;
  while (k < n && s.charCodeAt(k) <= 32) k++;
  if (k >= n) return false;
  const d = s.charCodeAt(k);
  if (!isIdentStart(d)) return true;
  while (k < n && (isIdentStart(s.charCodeAt(k)) || (s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57))) k++;
  if (k >= n) return false;
  const e = s.charCodeAt(k);
  return e === 40 || e === 46 || e === 61 || e === 91 || e === 96;
}

/**
 * Finds a script-bearing scheme in `s`. In an attribute (`inAttr`) the scheme alone is
 * enough; in free text a spelled-out scheme must be followed by code, unless it was
 * obfuscated with control characters (nobody types `java\tscript:` by accident).
 * `data:` is reported when its media type is a document type; `onData` may look inside
 * other `data:` URLs (SVG, XML) and say whether they are active.
 */
export function findScheme(
  s: string,
  inAttr: boolean,
  onData?: (payload: string) => boolean,
): SchemeHit | null {
  let colon = s.indexOf(":");
  let guard = 0;
  while (colon !== -1 && guard++ < 64) {
    // Walk back over letters, skipping controls and spaces, collecting at most 10 letters.
    let k = colon - 1;
    let word = "";
    let first = colon;
    while (k >= 0 && word.length < 10) {
      const c = s.charCodeAt(k);
      if (isAlpha(c)) {
        word = s[k]! + word;
        first = k;
      } else if (!isControlOrSpace(c)) break;
      k--;
    }
    const w = word.toLowerCase();
    for (const scheme of SCHEMES) {
      if (!w.endsWith(scheme)) continue;
      // Find where the scheme word starts: the scheme.length-th letter from the colon.
      let p = colon - 1;
      let seen = 0;
      while (p >= first) {
        if (isAlpha(s.charCodeAt(p)) && ++seen === scheme.length) break;
        p--;
      }
      // The word must stand alone: `xjavascript:` is not the scheme `javascript`.
      if (p > 0 && isAlpha(s.charCodeAt(p - 1))) continue;
      if (scheme === "data") {
        if (dataIsActive(s, colon + 1, onData)) return { kind: "data", start: p, end: colon + 1 };
        continue;
      }
      // Nobody types `java\tscript:` by accident: an obfuscated scheme is enough.
      if (hasInnerGap(s, p, colon)) return { kind: "script", start: p, end: colon + 1 };
      if (!inertBody(s, colon + 1) && (inAttr || codeFollows(s, colon + 1))) {
        return { kind: "script", start: p, end: colon + 1 };
      }
    }
    colon = s.indexOf(":", colon + 1);
  }
  return null;
}

/** A control character or space between two letters of the scheme word. */
function hasInnerGap(s: string, from: number, to: number): boolean {
  let seenLetter = false;
  let gap = false;
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (isAlpha(c)) {
      if (gap && seenLetter) return true;
      seenLetter = true;
      gap = false;
    } else gap = true;
  }
  return false;
}

/** `data:[<mediatype>][;base64],<data>` (RFC 2397): is it a document a browser runs? */
function dataIsActive(s: string, from: number, onData?: (payload: string) => boolean): boolean {
  const n = s.length;
  let k = from;
  let mt = "";
  while (k < n && mt.length < 96) {
    const c = s.charCodeAt(k);
    if (c === 44 /* , */) break;
    if (c > 32) mt += s[k];
    k++;
  }
  const m = mt.toLowerCase();
  if (m.includes("html") || m.includes("javascript") || m.includes("ecmascript") || m.includes("vbscript")) {
    return true;
  }
  if (k >= n) return false;
  // `data:,<svg …>`: markup as the payload of a data URL, whatever its declared type.
  let p = k + 1;
  while (p < n && s.charCodeAt(p) <= 32) p++;
  if (s.charCodeAt(p) === 60 && p + 1 < n && isAlpha(s.charCodeAt(p + 1))) return true;
  if (onData === undefined) return false;
  // Any other type: look inside (browsers sniff, and `data:application/x-x509-user-cert;
  // base64,PHNjcmlwdD4…` has been rendered as HTML).
  let payload = s.slice(k + 1, k + 1 + 8192);
  if (m.endsWith(";base64")) payload = Buffer.from(payload, "base64").toString("latin1");
  return onData(payload);
}

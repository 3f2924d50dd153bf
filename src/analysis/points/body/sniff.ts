import { looksLikeGraphql } from "./graphql.js";
import { sniffBoundary } from "./multipart.js";

export type BodyKind = "form" | "json" | "xml" | "multipart" | "graphql" | "text";

function skipWs(s: string, i: number, max: number): number {
  while (i < s.length && i < max) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) break;
    i++;
  }
  return i;
}

/** `name=` at the start: the shape of `application/x-www-form-urlencoded`. */
function looksLikeForm(s: string, i: number): boolean {
  const n = Math.min(s.length, i + 257);
  for (let k = i; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c === 61) return k > i;
    const ok =
      (c >= 48 && c <= 57) ||
      ((c | 0x20) >= 97 && (c | 0x20) <= 122) ||
      c === 95 ||
      c === 46 ||
      c === 45 ||
      c === 91 ||
      c === 93 ||
      c === 37 ||
      c === 36 ||
      c === 43;
    if (!ok) return false;
  }
  return false;
}

/** What the text itself looks like, whatever the Content-Type says. */
export function sniffBody(text: string): BodyKind {
  const i = skipWs(text, 0, 64);
  const c = text.charCodeAt(i);
  if (c === 123 /* { */ || c === 91 /* [ */) {
    const k = skipWs(text, i + 1, i + 64);
    const d = text.charCodeAt(k);
    if (c === 123 && (d === 34 || d === 125 || d === 39)) return "json";
    if (
      c === 91 &&
      (d === 34 ||
        d === 123 ||
        d === 91 ||
        d === 93 ||
        (d >= 48 && d <= 57) ||
        d === 45 ||
        d === 116 ||
        d === 102 ||
        d === 110)
    ) {
      return "json";
    }
    if (c === 123 && looksLikeGraphql(text)) return "graphql";
    return "text";
  }
  if (c === 60 /* < */) {
    const d = text.charCodeAt(i + 1);
    if (d === 63 || d === 33 || d === 95 || d === 58 || ((d | 0x20) >= 97 && (d | 0x20) <= 122) || d > 127)
      return "xml";
    return "text";
  }
  if (c === 45 && text.charCodeAt(i + 1) === 45 && sniffBoundary(text) !== null) return "multipart";
  if (looksLikeForm(text, i)) return "form";
  if (looksLikeGraphql(text)) return "graphql";
  return "text";
}

/**
 * Classifies by Content-Type, then checks the claim against the text: a body labelled
 * JSON that is XML is parsed as XML (and `mismatch` is set), because the application
 * behind may sniff too, or the label may be the attacker's.
 */
export function classifyBody(
  contentType: string | undefined,
  text: string,
): { kind: BodyKind; mismatch: boolean } {
  const ct = contentType === undefined ? "" : contentType.toLowerCase();
  const sniffed = sniffBody(text);
  let declared: BodyKind | null = null;
  if (ct.includes("multipart/")) declared = "multipart";
  else if (ct.includes("graphql") && !ct.includes("json")) declared = "graphql";
  else if (ct.includes("json")) declared = "json";
  else if (ct.includes("xml") || ct.includes("soap")) declared = "xml";
  else if (ct.includes("x-www-form-urlencoded")) declared = "form";
  if (declared === null) return { kind: sniffed, mismatch: false };
  if (declared === sniffed) return { kind: declared, mismatch: false };
  if (sniffed === "text") {
    // The declared parser decides (it reports its own `bad_*` when the text is not it).
    return { kind: declared, mismatch: false };
  }
  if (declared === "multipart") return { kind: declared, mismatch: false };
  if (declared === "graphql" && sniffed === "json") return { kind: "json", mismatch: false };
  if (declared === "form" && sniffed === "graphql") return { kind: "graphql", mismatch: true };
  return { kind: sniffed, mismatch: true };
}

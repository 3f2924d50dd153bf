/**
 * Finds the first active tag in a value. Every tag opener is tried as the start of a tag,
 * not only those a single left-to-right pass would reach, so that a tag hidden inside
 * another tag's attribute (`<style><img src="</style><img src=x onerror=…>">`, mutation
 * XSS, nested quoting) is still seen. Bounded by MAX_TAGS tags per value.
 */
import { tagSign } from "./html-rules.js";
import { isTagOpen, readTag } from "./html-tokenizer.js";

const MAX_TAGS = 128;

export interface HtmlSign {
  readonly sig: string;
  readonly start: number;
  readonly end: number;
}

/**
 * `cut`: the value is a parameter name, which a parser cut at its first `=`, so a tag in
 * it is cut short by construction and counts even without `>` or a value.
 */
export function findHtmlSign(s: string, depth = 0, cut = false): HtmlSign | null {
  let tags = 0;
  const n = s.length;
  // Characters read inside tags, all tags together: tags overlap (every opener is tried),
  // so this keeps the scan linear in the value.
  let budget = 2 * n + 8192;
  // The look-alike openers are rare: when absent, jump from `<` to `<`.
  const onlyLt = s.indexOf("\uff1c") === -1 && s.indexOf("\u00bc") === -1;
  for (let i = onlyLt ? s.indexOf("<") : 0; i !== -1 && i < n; i = onlyLt ? s.indexOf("<", i + 1) : i + 1) {
    if (!onlyLt && !isTagOpen(s.charCodeAt(i))) continue;
    const tag = readTag(s, i);
    if (tag === null) continue;
    const sign = tagSign(tag, depth, cut);
    if (sign !== null) return { sig: sign.sig, start: tag.start, end: tag.end };
    budget -= tag.end - tag.start;
    if (++tags >= MAX_TAGS || budget < 0) break;
  }
  return null;
}

/** Tag names worth reporting when spelled with spaces between their letters. */
const SPACED_TAGS: ReadonlySet<string> = new Set([
  "script",
  "form",
  "dialog",
  "iframe",
  "svg",
  "object",
  "embed",
  "style",
  "details",
  "math",
  "meta",
  "base",
  "link",
  "img",
  "body",
  "video",
  "audio",
]);

/**
 * `<f o r m`, `< x: script`: a tag name with spaces between its letters. No browser
 * reads that as a tag, but a filter that strips whitespace before matching would let
 * it through; it is sent to probe for exactly that, so it is reported.
 */
export function findSpacedTag(s: string): HtmlSign | null {
  let i = s.indexOf("<");
  let guard = 0;
  while (i !== -1 && guard++ < 64) {
    let j = i + 1;
    let word = "";
    let gaps = 0;
    let letters = 0;
    while (j < s.length && j - i < 48) {
      const c = s.charCodeAt(j);
      const l = c | 0x20;
      if (c <= 32) {
        if (word.length > 0 || j === i + 1) gaps++;
      } else if ((l >= 97 && l <= 122) || c === 58) {
        word += s[j];
        if (c !== 58) letters++;
      } else break;
      j++;
    }
    if (gaps > 0 && letters >= 3) {
      const w = word.toLowerCase();
      const local = w.slice(w.lastIndexOf(":") + 1);
      if (SPACED_TAGS.has(local)) return { sig: "xss.spaced-tag", start: i, end: j };
    }
    i = s.indexOf("<", i + 1);
  }
  return null;
}

/**
 * A value that opens with `-->` (after quotes) closes an HTML comment it was reflected
 * into, so that what follows is live markup.
 */
export function isCommentBreakout(s: string): boolean {
  let i = 0;
  while (i < s.length && i < 8) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 39 || c === 96 || c <= 32) i++;
    else break;
  }
  return s.startsWith("-->", i) || s.startsWith("--!>", i);
}

/**
 * Finds the first active tag in a value. Every tag opener is tried as the start of a tag,
 * not only those a single left-to-right pass would reach, so that a tag hidden inside
 * another tag's attribute (`<style><img src="</style><img src=x onerror=…>">`, mutation
 * XSS, nested quoting) is still seen. Bounded by MAX_TAGS tags per value.
 */
import { tagSign } from "./html-rules.js";
import { readTag } from "./html-tokenizer.js";

const MAX_TAGS = 128;
/** The look-alike tag openers (html-tokenizer.ts isTagOpen); single classes, no backtracking. */
const LOOKALIKE = /[\uff1c\u00bc]/;
const OPENERS = /[<\uff1c\u00bc]/g;

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
  // Jump from opener to opener in native code: `indexOf` when only `<` occurs, a
  // one-class regex when the look-alikes do too.
  const onlyLt = !LOOKALIKE.test(s);
  // OPENERS is shared (also by the recursive calls through `data:` URLs): its lastIndex
  // is set right before each test and read right after, so no call sees another's.
  const next = (from: number): number => {
    if (onlyLt) return s.indexOf("<", from);
    OPENERS.lastIndex = from;
    return OPENERS.test(s) ? OPENERS.lastIndex - 1 : -1;
  };
  for (let i = next(0); i !== -1 && i < n; i = next(i + 1)) {
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

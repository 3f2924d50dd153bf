/**
 * One pass over a value, shared by every detector: which notable characters it holds,
 * as a bit mask. The engine computes it once per point and hands it to each prefilter,
 * so that a detector can reject a value with one AND instead of scanning it again.
 * (17 detectors each scanning every character was the single largest cost of analysis.)
 */
export const CH = {
  LT: 1 << 0, // <
  GT: 1 << 1, // >
  SQUOTE: 1 << 2, // '
  DQUOTE: 1 << 3, // "
  BACKTICK: 1 << 4, // `
  LPAREN: 1 << 5, // (
  RPAREN: 1 << 6, // )
  SEMI: 1 << 7, // ;
  PIPE: 1 << 8, // |
  AMP: 1 << 9, // &
  DOLLAR: 1 << 10, // $
  LBRACE: 1 << 11, // { }
  BRACKET: 1 << 12, // [ ]
  EQ: 1 << 13, // =
  PERCENT: 1 << 14, // %
  BACKSLASH: 1 << 15, // \
  SLASH: 1 << 16, // /
  COLON: 1 << 17, // :
  HASH: 1 << 18, // #
  STAR: 1 << 19, // *
  DASH: 1 << 20, // -
  DOT: 1 << 21, // .
  AT: 1 << 22, // @
  SPACE: 1 << 23, // space, tab, vertical tab, form feed
  NEWLINE: 1 << 24, // CR, LF
  CTRL: 1 << 25, // other C0 controls and DEL (NUL included)
  NONASCII: 1 << 26, // anything >= 0x80
  PLUS: 1 << 27, // +
  COMMA: 1 << 28, // ,
  PUNCT: 1 << 29, // ! ? ^ ~
  DIGIT: 1 << 30, // 0-9
} as const;

const TABLE = new Int32Array(128);
(() => {
  const set = (chars: string, bit: number) => {
    for (let i = 0; i < chars.length; i++)
      TABLE[chars.charCodeAt(i)] = (TABLE[chars.charCodeAt(i)] ?? 0) | bit;
  };
  set("<", CH.LT);
  set(">", CH.GT);
  set("'", CH.SQUOTE);
  set('"', CH.DQUOTE);
  set("`", CH.BACKTICK);
  set("(", CH.LPAREN);
  set(")", CH.RPAREN);
  set(";", CH.SEMI);
  set("|", CH.PIPE);
  set("&", CH.AMP);
  set("$", CH.DOLLAR);
  set("{}", CH.LBRACE);
  set("[]", CH.BRACKET);
  set("=", CH.EQ);
  set("%", CH.PERCENT);
  set("\\", CH.BACKSLASH);
  set("/", CH.SLASH);
  set(":", CH.COLON);
  set("#", CH.HASH);
  set("*", CH.STAR);
  set("-", CH.DASH);
  set(".", CH.DOT);
  set("@", CH.AT);
  set(" \t\u000b\u000c", CH.SPACE);
  set("\r\n", CH.NEWLINE);
  set("+", CH.PLUS);
  set(",", CH.COMMA);
  set("!?^~", CH.PUNCT);
  set("0123456789", CH.DIGIT);
  for (let c = 0; c < 32; c++) if (TABLE[c] === 0) TABLE[c] = CH.CTRL;
  TABLE[127] = CH.CTRL;
})();

/** Every bit set: "may contain anything". */
export const ALL_CHARS = 0x7fffffff;

/**
 * Values longer than this get `ALL_CHARS` instead of a scan: they hold nearly every
 * character class anyway, so the mask would reject nothing, and a JS per-character loop
 * over 64 KiB costs more than the detectors' own native searches on it.
 */
export const MASK_SCAN_MAX = 4096;

/**
 * The character mask of `s`: a bit is set when `s` may hold that class (exact for
 * values up to MASK_SCAN_MAX characters, all bits beyond). Linear, allocation-free.
 */
export function charMask(s: string): number {
  const n = s.length;
  if (n > MASK_SCAN_MAX) return ALL_CHARS;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    m |= c < 128 ? TABLE[c]! : CH.NONASCII;
  }
  return m;
}

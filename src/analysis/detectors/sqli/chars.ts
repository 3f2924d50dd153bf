/**
 * Character classes of SQL lexers, as the databases themselves draw them. Kept as plain
 * charCode tests (no regular expressions) because they run on every character scanned.
 */

/**
 * Whitespace between SQL tokens. MySQL's lexer treats 0x09–0x0D and 0x20 as space and,
 * under latin1, also 0xA0 (the `%a0` bypass); SQL Server also skips NUL and some Unicode
 * spaces. Being generous here only merges tokens the database would separate anyway.
 */
export function isSqlSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13) || c === 0;
  return (
    c === 0xa0 ||
    c === 0x85 ||
    (c >= 0x2000 && c <= 0x200d) ||
    c === 0x3000 ||
    c === 0xfeff ||
    c === 0x2028 ||
    c === 0x2060 ||
    c === 0xad
  );
}

/**
 * Invisible format characters (zero-width space/joiners, word joiner, BOM, soft hyphen).
 * A filter that drops them turns `un\u200bion` into `union`; the tokenizer joins words
 * across them when that forms a keyword, and treats them as space otherwise.
 */
export function isZeroWidth(c: number): boolean {
  return c === 0x200b || c === 0x200c || c === 0x200d || c === 0x2060 || c === 0xfeff || c === 0xad;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
}

export function isAsciiLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 122;
}

/**
 * A character that may appear inside an unquoted identifier or keyword: ASCII letters,
 * digits, `_`, `$` (MySQL and Oracle allow it) and any non-space character beyond ASCII
 * (MySQL accepts U+0080… in identifiers).
 */
export function isWordChar(c: number): boolean {
  if (c < 128) return isAsciiLetter(c) || isDigit(c) || c === 95 || c === 36;
  return !isSqlSpace(c) && !isZeroWidth(c);
}

/** Characters that start an operator; multi-character operators are matched greedily. */
export function isOperatorChar(c: number): boolean {
  switch (c) {
    case 33: // !
    case 37: // %
    case 38: // &
    case 42: // *
    case 43: // +
    case 45: // -
    case 47: // /
    case 58: // :
    case 60: // <
    case 61: // =
    case 62: // >
    case 94: // ^
    case 124: // |
    case 126: // ~
      return true;
    default:
      return false;
  }
}

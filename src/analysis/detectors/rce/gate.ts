/**
 * The first, cheap stage of the detector: decides from the shared character mask
 * (charmask.ts) and at most one native search whether a value is worth the census scan
 * (prefilter.ts) and the shell and code checks. It rejects the values real browser
 * traffic is made of (tokens, numbers, user agents, URLs, `name=value` lists, media-type
 * lists) by their exact shape, so that every rejected value provably holds none of the
 * signs the later stages look for. Both `prefilter` and `detect` start with it, so the
 * two stay consistent.
 */
import { CH } from "../charmask.js";
import { ANY_WORDS, hasAnchorWord, PLAIN_WORDS, WORD_WORDS } from "./anchors.js";
import { isPickleHead } from "./code/pickle.js";
import { mayBePerlExec } from "./code/scripting.js";
import { iniAssignment } from "./prefilter.js";
import { BARE_ALONE, mayBeBareAlone, programDir } from "./shell/commands.js";

/** Characters a plain token may hold besides letters, digits and `_`. */
const PLAIN = CH.DIGIT | CH.DASH | CH.DOT | CH.EQ | CH.PLUS | CH.SLASH | CH.COLON | CH.COMMA;

/** Strict base64 of a plausible payload size: `base64Code` decodes these. */
function base64Shaped(v: string, n: number): boolean {
  // The census's rule (prefilter.ts): mixed case and a digit or symbol, as random text is.
  return (
    n >= 16 &&
    n <= 1024 &&
    n % 4 === 0 &&
    /^(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])(?=[^\d+/=]*[\d+/=])[A-Za-z0-9+/_-]+={0,2}$/.test(v)
  );
}

/**
 * The first 48 bytes a base64 value encodes are text (at most 2 bytes outside printable
 * ASCII): random tokens fail here, encoded code does not. `base64Code` applies the same
 * test before decoding the whole.
 */
export function base64HeadIsText(v: string): boolean {
  const bytes = Buffer.from(v.length > 64 ? v.slice(0, 64) : v, "base64");
  let bad = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (!((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13) && ++bad > 2) return false;
  }
  return true;
}

/** Base64 whose first bytes open a binary Python pickle (code/pickle.ts): `base64Code` reads it. */
export function base64PickleHead(v: string): boolean {
  if (v.charCodeAt(0) !== 103 /* g */ || v.charCodeAt(1) !== 65 /* A */) return false;
  const b = Buffer.from(v.slice(0, 4), "base64");
  return b.length >= 2 && isPickleHead(b[0]!, b[1]!);
}

/** A recon tool or a program path named alone (see `BARE_ALONE`), for a value of up to 24 characters. */
function bareTool(v: string): boolean {
  const c = v.charCodeAt(0);
  if ((c === 47 || c === 117 || c === 115 || c === 98) && programDir(v)) return true;
  if (!mayBeBareAlone(v)) return false;
  // The names are lower case: one written with a capital first letter is looked up lower-cased.
  return c >= 65 && c <= 90 ? BARE_ALONE.has(v.toLowerCase()) : BARE_ALONE.has(v);
}

/**
 * A word of up to 8 characters is a sign only as a recon tool or as the start of a Java
 * serialization stream (raw `aced0005`, base64 `rO0AB`, gzip+base64 `H4sI` then
 * `ztaa`/`s7qaf`, as in anchors.ts); other anchor keywords need the code around them (a
 * call, a path, an object) to be flagged. Most values are this short: one loop over
 * their characters decides, and all four stream heads hold an `a`.
 */
function shortMayMatch(v: string, n: number): boolean {
  let letters = false;
  let a = false;
  for (let i = 0; i < n; i++) {
    const l = v.charCodeAt(i) | 32;
    if (l >= 97 && l <= 122) {
      letters = true;
      if (l === 97) a = true;
    }
  }
  // Numbers, dates, versions, punctuation: every sign needs a letter.
  if (!letters) return false;
  if (bareTool(v)) return true;
  return a && /ro0ab|ztaa|s7qaf|aced0005/i.test(v);
}

/** A value of letters, digits and `-._=+/:,` (and `@`) only. */
function plainMayMatch(v: string, mask: number): boolean {
  const n = v.length;
  // Perl `qx/id/`: the one code sign short enough to be a plain token (code/scripting.ts).
  if (n <= 8) return shortMayMatch(v, n) || ((mask & CH.SLASH) !== 0 && /qx\//i.test(v));
  // Numbers, dates, versions: every sign below needs a letter.
  if (mask & CH.DIGIT && !/[A-Za-z]/.test(v)) return false;
  if (n <= 24 && bareTool(v)) return true;
  // (The base64 alphabet has no `.:,@`, and the shape needs a digit, `+`, `/` or `=`.)
  if (
    (mask & (CH.DOT | CH.COLON | CH.COMMA | CH.AT)) === 0 &&
    (mask & (CH.DIGIT | CH.PLUS | CH.SLASH | CH.EQ)) !== 0 &&
    base64Shaped(v, n) &&
    (base64HeadIsText(v) || base64PickleHead(v))
  )
    return true;
  // A php.ini directive.
  if (mask & CH.EQ && iniAssignment(v)) return true;
  if ((mask & (CH.DOT | CH.COLON)) === 0) return hasAnchorWord(v, 0, WORD_WORDS);
  const from = afterHost(v);
  return from !== -1 && hasAnchorWord(v, from, PLAIN_WORDS);
}

/**
 * Where an http(s) URL's path starts (-1: no path), 0 for other values: a host name is
 * no place for code (`console.` in `console.cloud.example.com`).
 */
function afterHost(v: string): number {
  if ((v.charCodeAt(0) | 32) !== 104 || !/^https?:\/\//i.test(v)) return 0;
  return v.indexOf("/", v.indexOf("//") + 2);
}

/**
 * A browser User-Agent (RFC 9110 §10.1.5: products and comments) made only of the
 * tokens browsers send: product/version pairs, and comments whose `;`-separated items
 * start with an upper-case letter or a digit (`Windows NT 10.0`, `Win64`, `x64`,
 * `rv:109.0`, `KHTML, like Gecko`, `Linux`, `Android 13`, `SM-G991B`). A comment item
 * that could be a command (`; wget …`, `; id`) does not fit, nor do `$ | & \` ' " < >`.
 */
const USER_AGENT =
  /^Mozilla\/5\.0 \((?:[A-Z0-9][\w.:]*|x64|x86_64|rv:[\d.]+|wv|u)(?:(?: |; )(?:[A-Z0-9][\w.:-]*|x64|x86_64|rv:[\d.]+|wv|u|like))*\)(?: (?:[A-Z][\w-]*\/[\w.]+|\(KHTML, like Gecko\)|Mobile|Safari|Gecko))*$/;

/**
 * An http(s) URL whose path and query hold no shell or code characters: path segments
 * of `\w.~!,@+=-`, a query of `name=value` pairs (every `&` starts a `name=`), values
 * of `\w.~!,@+/-` and percent escapes of non-ASCII bytes or of `/ , + = @` only. No `:`
 * after the scheme (a `php://` or `jndi:` wrapper), no `%20`, `%3B`, `%7C`… (decoded,
 * they would be command syntax).
 */
const URL_SAFE =
  /^https?:\/\/[\w.-]+(?::\d{1,5})?(?:\/(?:[\w.~!,@+=\u00c0-\u024f\u0400-\u04ff\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef-]|%(?:[89A-Fa-f][0-9A-Fa-f]|2[BCFbcf]|3[Dd]|40))*)*(?:\?(?:[\w.~!,@+-]+=(?:[\w.~!,@+/\u00c0-\u024f\u0400-\u04ff\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef-]|%(?:[89A-Fa-f][0-9A-Fa-f]|2[BCFbcf]|3[Dd]|40))*)?(?:&[\w.~!,@+-]+=(?:[\w.~!,@+/\u00c0-\u024f\u0400-\u04ff\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef-]|%(?:[89A-Fa-f][0-9A-Fa-f]|2[BCFbcf]|3[Dd]|40))*)*)?(?:#[\w.~!,@+/=&-]*)?$/;

/** A path of such segments (not a program directory: `/bin/`, `/usr/sbin/`). */
const PATH_SAFE = /^\/(?!(?:usr\/(?:local\/)?)?s?bin\/)[\w.~!,@+=-]*(?:\/[\w.~!,@+=-]*)*$/;

/** A query string or form body of such `name=value` pairs (the same value alphabet). */
const PAIRS_SAFE =
  /^[\w.~!,@+-]+=(?:[\w.~!,@+/-]|https?:\/\/|%(?:[89A-Fa-f][0-9A-Fa-f]|2[BCFbcf]|3[Dd]|40))*(?:&[\w.~!,@+-]+=(?:[\w.~!,@+/-]|https?:\/\/|%(?:[89A-Fa-f][0-9A-Fa-f]|2[BCFbcf]|3[Dd]|40))*)*$/;

/**
 * A comma list of media types, codings or language tags with optional `;q=` weights
 * (RFC 9110 §12.5: Accept, Accept-Encoding, Accept-Language), starting with a letter
 * and not with a program directory (`bin/`, `usr/`).
 */
const QLIST =
  /^(?!s?bin\/|usr\/)[A-Za-z][\w.+-]*(?:\/[\w.+*-]+)?(?:;\s?[a-z]+=[\w.]+)*(?:,\s?(?:[A-Za-z*][\w.+*-]*(?:\/[\w.+*-]+)?)(?:;\s?[a-z]+=[\w.]+)*)*$/;

/** Client hints brand lists: `"Chromium";v="114", "Not.A/Brand";v="8"`. */
const BRANDS = /^(?:"[\w ./()-]*(?:;[A-Z][\w ./()-]*)?";v="[\d.]+"(?:, ?|$))+$/;

/** Only the (ASCII) bits a shape above can hold; anything else goes to the full checks. */
const SHAPED =
  PLAIN |
  CH.NONASCII |
  CH.SPACE |
  CH.LPAREN |
  CH.RPAREN |
  CH.SEMI |
  CH.AMP |
  CH.PUNCT |
  CH.AT |
  CH.PERCENT |
  CH.HASH |
  CH.STAR |
  CH.DQUOTE;

/** Values longer than this are long texts, gated by `BIG_SHELL` and `BIG_CODE`. */
export const BIG = 512;

/**
 * Where an injection can start in a long text (a serialized blob, a page, a log): a
 * separator or substitution followed by a word or a program path (after a line break,
 * only a word with an option or a path after it: prose and stack traces have lines that start
 * with words), a code opener, or a keyword of the code families.
 */
export const BIG_SHELL =
  /[;|`&][ \t]{0,4}(?:[a-z]{2,16}[ \t]|\/(?:bin|usr|etc|tmp|dev)\/)|\n[ \t]{0,4}(?:\/(?:bin|usr|etc|tmp|dev)\/|[a-z]{2,16}[ \t]{1,4}[-/])|(?:&&|\|\|)[ \t]{0,4}[a-z/$.'"\\]|\$\(|\$\{|`[a-z]{2,16}[ \t`]|<\?|\(\)[ \t]{0,4}\{/i;

/** The code families' keywords for a long text. */
export const BIG_CODE =
  /java\.lang|getruntime|processbuilder|forname\(|child_process|require\(|eval\(|exec\(|system\(|passthru|shell_exec|popen|proc_open|assert\(|__import__|subprocess|os\.system|constructor|__proto__|jndi:|ognl|memberaccess|ro0ab|aced0005|base64_decode|phpinfo|invoke-|iex\b|powershell|cmd(?:\.exe)?[ \t]|\/bin\/|\/etc\/|wget[ \t]|curl[ \t]|qx[{(/]/i;

/**
 * Compressed or binary data decoded as text (control characters or U+FFFD in its head):
 * the detector only looks for Log4Shell and Shellshock there (see `detectValue`).
 */
export function binaryHead(v: string): boolean {
  let bad = 0;
  const n = Math.min(v.length, 256);
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (
      (c < 32 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13) ||
      c === 0xfffd ||
      (c >= 0x80 && c < 0xa0)
    ) {
      if (++bad >= 3) return true;
    }
  }
  return false;
}

/**
 * Log4Shell lookups (`${`, `$\\{`), Shellshock function definitions (`() {`), and Perl
 * command execution (`qx{…}`, a DjVu `(metadata …)` annotation) that a metadata reader
 * evaluates in an uploaded file's bytes (ExifTool, CVE-2021-22205).
 */
export function binaryMayMatch(v: string): boolean {
  return (
    v.indexOf("${") !== -1 ||
    v.indexOf("$\\{") !== -1 ||
    v.indexOf("() {") !== -1 ||
    v.trimStart().charCodeAt(0) === 40 ||
    mayBePerlExec(v)
  );
}

/** The gate for a value longer than `BIG`. */
export function bigMayMatch(v: string): boolean {
  if (binaryHead(v)) return binaryMayMatch(v.length > 65536 ? v.slice(0, 65536) : v);
  // A long text is searched on its head (8 KiB): an injection is near the start of the
  // field it was written into, and a structured body's fields are points of their own.
  const head = v.length > 8192 ? v.slice(0, 8192) : v;
  return BIG_SHELL.test(head) || BIG_CODE.test(head);
}

/** Characters that still matter in serialized JSON (its strings are points of their own). */
const JSON_RARE = CH.DOLLAR | CH.BACKTICK | CH.PIPE | CH.LT | CH.BACKSLASH | CH.PERCENT | CH.AMP;

/** `{"…}` / `[{…]` / `["…]` / `[1…]`: serialized JSON (the census's `looksLikeJson`). */
function jsonShaped(v: string): boolean {
  const a = v.charCodeAt(0);
  const z = v.charCodeAt(v.length - 1);
  if (!((a === 123 && z === 125) || (a === 91 && z === 93))) return false;
  const b = v.charCodeAt(1);
  return b === 34 || b === 123 || b === 91 || b === 125 || b === 93 || (a === 91 && b >= 48 && b <= 57);
}

/**
 * True when the value may hold an rce sign; false only for the shapes above, whose
 * alphabet and structure leave no room for one.
 */
export function rceGate(v: string, mask: number): boolean {
  const n = v.length;
  if (n === 0) return false;
  // `@` alone (`user@host`, `pkg@1.2.3`) only matters with other syntax or an anchor.
  if ((mask & ~(PLAIN | CH.AT)) === 0) return plainMayMatch(v, mask);
  if (n > BIG) return bigMayMatch(v);
  if ((mask & JSON_RARE) === 0 && jsonShaped(v)) {
    // As the census: in JSON free of shell and escape characters only anchors count;
    // invisible characters (which `normalizeCode` strips) are no JSON of browsers.
    if (mask & CH.NONASCII && /[\u00ad\u200b-\u200d\ufeff]/.test(v)) return true;
    return hasAnchorWord(v, 0, ANY_WORDS);
  }
  if ((mask & ~SHAPED) !== 0) return true;
  if (n < MEMO_FROM) return shapedGate(v, mask);
  let r = shapedMemo.get(v);
  if (r === undefined) {
    r = shapedGate(v, mask);
    if (shapedMemo.size >= MEMO_ENTRIES) shapedMemo.clear();
    shapedMemo.set(v, r);
  }
  return r;
}

/**
 * The gate's answers for shaped values of some length: a browser's User-Agent,
 * Sec-CH-UA and Accept-Language come back with every request, and hashing one costs a
 * fraction of the shape and anchor searches. A pure function of the value (the mask is
 * the value's own), bounded and cleared when full; each worker thread has its own.
 */
const shapedMemo = new Map<string, boolean>();
const MEMO_FROM = 32;
const MEMO_ENTRIES = 1024;

function shapedGate(v: string, mask: number): boolean {
  // A shape match only rules out the syntax; anchor keywords (`classLoader`, `java.`,
  // `php`) fit the shapes' alphabets and are still looked for.
  if (!shaped(v, mask)) return true;
  if ((mask & (CH.DOT | CH.COLON)) === 0) return hasAnchorWord(v, 0, WORD_WORDS);
  const from = afterHost(v);
  return from !== -1 && hasAnchorWord(v, from, PLAIN_WORDS);
}

function shaped(v: string, mask: number): boolean {
  const c = v.charCodeAt(0);
  if (c === 77 /* M */) return USER_AGENT.test(v);
  if (c === 104 /* h */) return URL_SAFE.test(v);
  if (c === 47 /* / */) return PATH_SAFE.test(v);
  if (c === 34 /* " */) return BRANDS.test(v);
  if (mask & CH.EQ && !(mask & (CH.SPACE | CH.SEMI | CH.LPAREN))) return PAIRS_SAFE.test(v);
  if (mask & (CH.COMMA | CH.SEMI) && !(mask & (CH.LPAREN | CH.AMP))) return QLIST.test(v);
  return false;
}

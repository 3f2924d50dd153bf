/**
 * Browsers fill a dozen headers with values whose grammar a specification fixes
 * (RFC 9110 content negotiation, Client Hints, Fetch Metadata, HTTP dates). A value
 * that matches that grammar *exactly* is made of tokens, numbers and separators in fixed
 * places: there is no room in it for a quote, a tag, a shell metacharacter or a phrase of
 * words, so no injection detector can find anything in it. Such points are marked
 * `wellFormed` and the engine skips them — about a quarter of the points of browser
 * traffic. A value that departs from its grammar in any way is analysed like any other.
 *
 * The grammars are deliberately narrower than the RFCs (no quoted-strings in Accept
 * parameters, tokens limited to letters, digits and `*+._-`): a rare legitimate value then
 * costs a normal analysis, never a missed attack. Origin is left out on purpose: it holds a
 * URL, and the SSRF and scanner detectors read hosts in URLs (metadata names, callback
 * domains) that fit any hostname grammar.
 */

// A media-range / language-range / coding element with `;name=value` parameters
// (RFC 9110 §12.5.1–§12.5.5). Tokens exclude space, `,` `;` `/` `=`, so every repetition
// boundary is marked by a distinct character: the expression cannot backtrack.
const ELEM =
  "[A-Za-z0-9*+._-]{1,64}(?:/[A-Za-z0-9*+._-]{1,64})?(?: ?; ?[A-Za-z0-9_-]{1,32}=[A-Za-z0-9.]{1,16})*";
// safe-regex: ELEM's repetitions are separated by distinct delimiters (`,` `;` `/` `=`), linear.
const NEGOTIATION = new RegExp(`^${ELEM}(?: ?, ?${ELEM})*$`);

/** Fetch Metadata values (`cors`, `same-origin`…) and structured-field booleans (`?1`). */
const FETCH_TOKEN = /^(?:[a-z-]{1,32}|\?[01])$/;

/** A Client Hint sf-string: a quoted brand, platform or version (RFC 8941 §3.3.3). */
const CH_STRING = /^"[A-Za-z0-9 ._-]{0,64}"$/;

// `"Brand";v="1.2"` lists (Sec-CH-UA, Sec-CH-UA-Full-Version-List). Chromium's GREASE
// brand is exactly `Not` G `A` G `Brand` with G one of ` ():-./;=?_` ("Not)A;Brand",
// "Not_A Brand"): punctuation only there, never two marks side by side.
const BRAND = '"(?:[A-Za-z0-9 ._-]{1,48}|Not[ ():./;=?_-]A[ ():./;=?_-]Brand)";v="[0-9.]{1,32}"';
// safe-regex: list items are separated by `, ` and bounded, no nested unbounded repeats.
const BRAND_LIST = new RegExp(`^${BRAND}(?:, ?${BRAND}){0,15}$`);

/** Connection, Pragma, Cache-Control, Priority, DNT…: tokens with optional `=number`. */
const DIRECTIVES = /^[A-Za-z0-9-]{1,32}(?:=[0-9]{1,12})?(?:, ?[A-Za-z0-9-]{1,32}(?:=[0-9]{1,12})?){0,15}$/;

const DIGITS = /^[0-9]{1,19}$/;

/** `host`, `host:port`, `[v6]:port` (RFC 9110 §7.2, RFC 3986 §3.2.2). */
const HOST = /^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,16}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/** IMF-fixdate (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
const HTTP_DATE = /^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$/;

/** Longest value considered; anything longer is analysed normally. */
const MAX = 512;

const GRAMMARS: ReadonlyMap<string, RegExp> = new Map([
  ...["accept", "accept-charset", "accept-encoding", "accept-language", "te"].map(
    (n) => [n, NEGOTIATION] as const,
  ),
  ...[
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
    "sec-fetch-user",
    "sec-ch-ua-mobile",
    "sec-purpose",
  ].map((n) => [n, FETCH_TOKEN] as const),
  ...[
    "sec-ch-ua-platform",
    "sec-ch-ua-platform-version",
    "sec-ch-ua-arch",
    "sec-ch-ua-bitness",
    "sec-ch-ua-model",
    "sec-ch-ua-full-version",
  ].map((n) => [n, CH_STRING] as const),
  ...["sec-ch-ua", "sec-ch-ua-full-version-list"].map((n) => [n, BRAND_LIST] as const),
  ...["connection", "pragma", "cache-control", "priority"].map((n) => [n, DIRECTIVES] as const),
  ...["dnt", "upgrade-insecure-requests", "content-length"].map((n) => [n, DIGITS] as const),
  ["host", HOST],
  ["if-modified-since", HTTP_DATE],
  ["if-unmodified-since", HTTP_DATE],
]);

/**
 * The grammar of header `name` (lower case), or undefined for unknown and free-text
 * headers (User-Agent, Referer, Cookie…), whose values are never well-formed.
 */
export function headerGrammar(name: string): RegExp | undefined {
  return GRAMMARS.get(name);
}

/** True when `value` matches the standard grammar of header `name` (lower case) exactly. */
export function wellFormedHeader(name: string, value: string): boolean {
  const g = GRAMMARS.get(name);
  return g !== undefined && value.length <= MAX && g.test(value);
}

/** Longest value a grammar accepts; anything longer is analysed normally. */
export const WELL_FORMED_MAX = MAX;

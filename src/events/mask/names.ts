/**
 * Which parameter, key, header and cookie names hold secrets. Names are normalised (lower
 * case, without `-`, `_`, `.` and spaces) so that `api_key`, `Api-Key` and `apiKey` are one
 * name; a name is sensitive when it contains one of the fragments or equals one of the
 * short words (short words only match whole, or `pass` would hit `compass`, `key` would hit
 * `keyword`).
 */

const FRAGMENTS = [
  "passw",
  "passphrase",
  "pwd",
  "secret",
  "token",
  "apikey",
  "credential",
  "session",
  "sessid",
  "privatekey",
  "accesskey",
  "authorization",
  "signature",
  "cardnumber",
  "creditcard",
  "ccnum",
];

const WORDS = [
  "pass",
  "pin",
  "cvv",
  "cvc",
  "cvv2",
  "ssn",
  "sid",
  "otp",
  "auth",
  "jwt",
  "key",
  "csrf",
  "xsrf",
  "iban",
];

/** Longest name inspected; longer names are cut (a name is not where secrets hide). */
const MAX_NAME = 128;

export function normalizeName(name: string): string {
  const s = name.length > MAX_NAME ? name.slice(0, MAX_NAME) : name;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "-" && c !== "_" && c !== "." && c !== " ") out += c;
  }
  return out.toLowerCase();
}

export interface NameRules {
  /** Extra fragments (normalised on use). */
  readonly extra?: readonly string[];
  /** Names never masked (normalised on use), e.g. a `session_locale` parameter. */
  readonly keep?: readonly string[];
}

/** A predicate over raw names built from the default lists plus `rules`. */
export function sensitiveNames(rules: NameRules = {}): (name: string) => boolean {
  const fragments = [...FRAGMENTS, ...(rules.extra ?? []).map(normalizeName).filter((f) => f.length > 0)];
  const words = new Set(WORDS);
  const keep = new Set((rules.keep ?? []).map(normalizeName));
  return (name: string): boolean => {
    const n = normalizeName(name);
    if (n.length === 0 || keep.has(n)) return false;
    if (words.has(n)) return true;
    for (const f of fragments) if (n.includes(f)) return true;
    return false;
  };
}

/**
 * Cookie names that usually carry a session, for the `cookies: "sensitive"` policy:
 * framework defaults (JSESSIONID, PHPSESSID, ASP.NET_SessionId, connect.sid,
 * laravel_session…) all contain one of these once normalised.
 */
const SESSION_COOKIE_FRAGMENTS = [
  "sess",
  "sid",
  "token",
  "auth",
  "jwt",
  "remember",
  "login",
  "csrf",
  "xsrf",
  "identity",
];

export function isSessionCookie(name: string, sensitive: (n: string) => boolean): boolean {
  if (sensitive(name)) return true;
  const n = normalizeName(name);
  for (const f of SESSION_COOKIE_FRAGMENTS) if (n.includes(f)) return true;
  return false;
}

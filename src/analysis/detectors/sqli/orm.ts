/**
 * ORM filter injection ("ORM leak"): frameworks that turn request parameters into query
 * filters (Django's `Model.objects.filter(**params)`, django-filter, DRF, and ORMs that
 * copied the `field__lookup` syntax) let a client name any field and any lookup. With a
 * partial-match lookup an attacker reads a value one character at a time
 * (`created_by__user__password__startswith=a`), walking relations to reach tables the
 * endpoint never meant to expose (Django "Making queries", field lookups).
 *
 * Two shapes are reported on parameter names:
 *  - a lookup that leaks by partial match applied to a credential field, at any depth
 *    (`password__startswith`, `user__api_key__regex`);
 *  - a relation followed into another model's field, then such a lookup
 *    (`user__profile__icontains`, `author__email__startswith`): the client chooses what
 *    to read across tables, which is the vulnerability whatever the field.
 * `exact`, `in`, `isnull`, ranges and date parts are left out: list filters send those.
 */

/** Lookups that answer a partial-match or ordering question about a value. */
const LEAKING_LOOKUPS: ReadonlySet<string> = new Set([
  "startswith",
  "istartswith",
  "endswith",
  "iendswith",
  "contains",
  "icontains",
  "regex",
  "iregex",
  "has_key",
  "has_keys",
  "has_any_keys",
  "contained_by",
]);

/** Field names that hold a secret. */
const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set([
  "password",
  "passwd",
  "pwd",
  "password_hash",
  "passwordhash",
  "hash",
  "salt",
  "secret",
  "secret_key",
  "token",
  "api_key",
  "apikey",
  "access_token",
  "refresh_token",
  "reset_token",
  "session_key",
  "otp",
  "totp_secret",
]);

/** Longest name read: bounds the work on attacker-sized keys. */
const MAX_NAME = 256;

/** Letters and `_` only (the shape the prefilter admits without reading further). */
function isNameText(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!(((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 95)) return false;
  }
  return true;
}

/** `a__b__c__startswith`-shaped parameter name that leaks through an ORM filter. */
export function ormLookup(v: string): boolean {
  if (v.length < 12 || v.length > MAX_NAME || v.indexOf("__") <= 0 || !isNameText(v)) return false;
  const parts = v.toLowerCase().split("__");
  const lookup = parts[parts.length - 1]!;
  if (!LEAKING_LOOKUPS.has(lookup)) return false;
  // An empty part (`a____b`, a trailing `__`) is not a lookup path.
  for (const p of parts) if (p.length === 0) return false;
  if (parts.length >= 3) return true;
  for (let i = 0; i < parts.length - 1; i++) if (CREDENTIAL_FIELDS.has(parts[i]!)) return true;
  return false;
}

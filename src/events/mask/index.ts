import { type Header, headerValue, POINT_SEPARATOR } from "../../model/index.js";
import { maskCards } from "./cards.js";
import { maskCookieHeader, maskCredentials, maskSetCookie } from "./headers.js";
import { maskJson } from "./json.js";
import { boundaryOf, maskMultipart } from "./multipart.js";
import { isSessionCookie, type NameRules, normalizeName, sensitiveNames } from "./names.js";
import { decodeFormName, maskParams } from "./params.js";

export { luhnValid, maskCards } from "./cards.js";
export { maskCookieHeader, maskCredentials, maskSetCookie } from "./headers.js";
export { maskJson } from "./json.js";
export { boundaryOf, maskMultipart } from "./multipart.js";
export { isSessionCookie, type NameRules, normalizeName, sensitiveNames } from "./names.js";
export { maskParams } from "./params.js";

/**
 * What a stored request hides. On by default: stored requests outlive the traffic and are
 * read by more people than the traffic was meant for.
 */
export interface MaskingOptions {
  /** Mask at all (default true). */
  readonly enabled?: boolean;
  /** What replaces a value (default `***`): no digits and none of `&=;"\` so masking is idempotent. */
  readonly marker?: string;
  /**
   * Cookie values to mask: `all` (default) or `sensitive` (session-like names only).
   * All by default because cookie names are chosen per application (`sid`, `JSESSIONID`,
   * `remember_me`, `__Host-x`…): a name list always misses some session cookie, while the
   * value of a harmless cookie rarely matters to an analyst — and a cookie that carries
   * the attack stays visible anyway (see below).
   */
  readonly cookies?: "all" | "sensitive";
  /** Mask payment card numbers everywhere, including hit payloads (default true). */
  readonly cards?: boolean;
  /** More name fragments for parameters, JSON keys, form fields and headers. */
  readonly extraNames?: readonly string[];
  /** Names never masked (exact, normalised: case, `-`, `_`, `.` ignored). */
  readonly keepNames?: readonly string[];
}

export interface RequestParts {
  readonly target: string;
  readonly headers: readonly Header[];
  readonly body: string;
}

export interface Masker {
  readonly enabled: boolean;
  /**
   * The request with sensitive values replaced. `hitPoints` are the points of the hits
   * stored with it: a field that carries a hit is never masked, whatever its name.
   */
  request(parts: RequestParts, hitPoints: readonly string[]): RequestParts;
  /** A hit payload: only card numbers are masked (see below). */
  payload(text: string): string;
}

const FORBIDDEN_IN_MARKER = /[0-9&=;"\\\s]/;

/**
 * Why fields that carry a hit stay visible: the attack is what the analyst came for. An
 * SQL injection in the `password` field *is* the password value, and masking it would
 * hide the attack; a real user's password does not trigger a detector. So masking applies
 * to credentials that do not carry a hit (the same request's other fields, the Cookie
 * header's other cookies). Hit payloads are likewise stored unmasked, except for card
 * numbers: a card number is never what makes a payload an attack, and PCI DSS applies to
 * every copy. The exemption is by name (a hit on `body › json › user › password` keeps
 * every `user` and `password` key of the body visible): coarse but safe to compute.
 */
interface Exempt {
  readonly headers: Set<string>;
  readonly cookies: Set<string>;
  readonly query: Set<string>;
  readonly body: Set<string>;
}

const NO_EXEMPTION: Exempt = { headers: new Set(), cookies: new Set(), query: new Set(), body: new Set() };

/** Most hit points looked at; analysis keeps far fewer hits per request. */
const MAX_EXEMPT_POINTS = 256;

function exemptions(points: readonly string[]): Exempt {
  const ex: Exempt = { headers: new Set(), cookies: new Set(), query: new Set(), body: new Set() };
  for (const p of points.slice(0, MAX_EXEMPT_POINTS)) {
    const steps = p.split(POINT_SEPARATOR);
    const zone = steps[0];
    const first = steps[1];
    if (first === undefined) continue;
    if (zone === "header") {
      ex.headers.add(first.toLowerCase());
      if (first.toLowerCase() === "cookie" && steps[2] !== undefined) ex.cookies.add(steps[2]);
    } else if (zone === "cookie") ex.cookies.add(first);
    else if (zone === "query") ex.query.add(first);
    else if (zone === "body") for (const s of steps.slice(1, 64)) ex.body.add(s);
  }
  return ex;
}

export function createMasker(options: MaskingOptions = {}): Masker {
  const enabled = options.enabled ?? true;
  const marker = options.marker ?? "***";
  if (marker.length === 0 || marker.length > 16 || FORBIDDEN_IN_MARKER.test(marker)) {
    throw new Error(`masking marker must be 1–16 characters without digits, spaces or any of & = ; " \\`);
  }
  const rules: NameRules = {
    ...(options.extraNames === undefined ? {} : { extra: options.extraNames }),
    ...(options.keepNames === undefined ? {} : { keep: options.keepNames }),
  };
  const sensitive = sensitiveNames(rules);
  const keep = new Set((options.keepNames ?? []).map(normalizeName));
  const allCookies = (options.cookies ?? "all") === "all";
  const cards = options.cards ?? true;
  const withCards = (s: string) => (cards ? maskCards(s, marker) : s);

  const cookiePolicy = (ex: Exempt) => (name: string) =>
    !ex.cookies.has(name) &&
    !keep.has(normalizeName(name)) &&
    (allCookies || isSessionCookie(name, sensitive));

  const header = ([name, value]: Header, ex: Exempt): Header => {
    const lower = name.toLowerCase();
    let v = value;
    if (!ex.headers.has(lower) && !keep.has(normalizeName(name))) {
      if (lower === "authorization" || lower === "proxy-authorization") v = maskCredentials(v, marker);
      else if (lower === "cookie") v = maskCookieHeader(v, cookiePolicy(ex), marker);
      else if (lower === "set-cookie") v = maskSetCookie(v, cookiePolicy(ex), marker);
      // The previous page's URL often carries the same secrets as a query (reset links, OAuth codes).
      else if (lower === "referer" || lower === "location") v = target(v, NO_EXEMPTION);
      else if (sensitive(name) && v !== marker) v = marker;
    } else if (lower === "cookie") {
      // The Cookie header carries a hit: only that cookie stays visible.
      v = maskCookieHeader(v, cookiePolicy(ex), marker);
    }
    v = withCards(v);
    return v === value ? [name, value] : [name, v];
  };

  const target = (t: string, ex: Exempt): string => {
    const q = t.indexOf("?");
    if (q === -1) return withCards(t);
    const hash = t.indexOf("#", q);
    const query = hash === -1 ? t.slice(q + 1) : t.slice(q + 1, hash);
    const masked = maskParams(query, (n) => sensitive(n) && !ex.query.has(n), marker);
    return withCards(t.slice(0, q + 1) + masked + (hash === -1 ? "" : t.slice(hash)));
  };

  const body = (b: string, headers: readonly Header[], ex: Exempt): string => {
    if (b.length === 0) return b;
    const ct = (headerValue(headers, "content-type") ?? "").toLowerCase();
    const bodyMask = (n: string) => sensitive(n) && !ex.body.has(n) && !ex.body.has(decodeFormName(n));
    let out = b;
    if (ct.includes("json") || ((ct === "" || ct.startsWith("text/plain")) && looksLikeJson(b))) {
      out = maskJson(b, bodyMask, marker, cards);
    } else if (ct.includes("x-www-form-urlencoded")) out = maskParams(b, bodyMask, marker);
    else if (ct.includes("multipart/")) {
      const boundary = boundaryOf(headerValue(headers, "content-type") ?? "");
      if (boundary !== undefined) out = maskMultipart(b, boundary, bodyMask, marker);
    }
    return withCards(out);
  };

  return {
    enabled,
    request(parts, hitPoints) {
      if (!enabled) return parts;
      const ex = exemptions(hitPoints);
      return {
        target: target(parts.target, ex),
        headers: parts.headers.map((h) => header(h, ex)),
        body: body(parts.body, parts.headers, ex),
      };
    },
    payload(text) {
      return enabled ? withCards(text) : text;
    },
  };
}

function looksLikeJson(b: string): boolean {
  for (let i = 0; i < b.length && i < 64; i++) {
    const c = b.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    return c === 123 || c === 91;
  }
  return false;
}

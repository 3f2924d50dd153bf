import type { Header } from "../../../model/index.js";

/**
 * Where did the request come from? Session fixation needs the victim to follow a link
 * or submit a form planted by someone else, so a session id arriving from the site
 * itself is normal (URL rewriting) while one arriving from a foreign page, or from
 * nowhere (a link in a mail), is the attack.
 */
export type Provenance =
  /** A browser says the request is a sub-resource or script fetch, or same-site. */
  | "trusted"
  /** Referer names this very site. */
  | "same-site"
  /** Referer names another site. */
  | "foreign"
  /** No Referer at all. */
  | "none";

export interface Origin {
  readonly provenance: Provenance;
  readonly referer: string | undefined;
}

/**
 * Reads Host, Referer and Fetch Metadata (W3C Fetch Metadata Request Headers):
 *  - `Sec-Fetch-Mode` other than `navigate`: the browser attests a sub-resource, XHR or
 *    WebSocket request made by a page's own script — an analytics beacon carrying its
 *    own "sessionid", not a victim following a planted link;
 *  - `Sec-Fetch-Site: same-origin | same-site`: the browser attests the initiator,
 *    which is stronger than a Referer (that privacy policies strip);
 *  - `Upgrade: websocket`: a handshake, never a navigation.
 * Sec-Fetch-* are forbidden request headers (Fetch standard): neither page script
 * nor a planted link can set them, so a victim's browser cannot be made to lie with
 * them; a client that is not a browser gains nothing by sending them, since fixation
 * needs a victim's browser. Otherwise the Referer host is compared with the Host header.
 */
export function requestOrigin(headers: readonly Header[]): Origin {
  let host: string | undefined;
  let referer: string | undefined;
  let mode: string | undefined;
  let site: string | undefined;
  let upgrade = false;
  for (const h of headers) {
    const n = h[0];
    // Dispatch on length and first letter so that most names are never lower-cased.
    switch (n.length) {
      case 4:
        if (host === undefined && eqLower(n, "host")) host = h[1];
        break;
      case 7:
        if (eqLower(n, "referer")) referer ??= h[1];
        else if (eqLower(n, "upgrade") && h[1].toLowerCase().indexOf("websocket") !== -1) upgrade = true;
        break;
      case 14:
        if (eqLower(n, "sec-fetch-mode")) mode = h[1].trim().toLowerCase();
        else if (eqLower(n, "sec-fetch-site")) site = h[1].trim().toLowerCase();
        break;
      default:
        break;
    }
  }
  if (upgrade || (mode !== undefined && mode !== "navigate")) return { provenance: "trusted", referer };
  if (site === "same-origin" || site === "same-site") return { provenance: "trusted", referer };
  if (referer === undefined || referer.trim().length === 0) return { provenance: "none", referer };
  const rh = refererHost(referer);
  if (rh !== null && host !== undefined && sameSite(rh, hostOnly(host)))
    return { provenance: "same-site", referer };
  return { provenance: "foreign", referer };
}

/** The host of an absolute URL (RFC 3986 §3.2), lower case, or null when there is none. */
export function refererHost(url: string): string | null {
  const s = url.trim();
  const sep = s.indexOf("://");
  if (sep <= 0 || sep > 16) return null;
  let i = sep + 3;
  let end = s.length;
  for (let k = i; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 47 || c === 63 || c === 35 || c === 92) {
      end = k;
      break;
    }
  }
  const at = s.lastIndexOf("@", end);
  if (at >= i) i = at + 1;
  const auth = s.slice(i, end);
  return auth.length === 0 ? null : hostOnly(auth);
}

/** Drops the port and lower-cases; keeps an IPv6 literal whole. */
export function hostOnly(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.charCodeAt(0) === 91) {
    const close = a.indexOf("]");
    return close === -1 ? a : a.slice(0, close + 1);
  }
  const colon = a.indexOf(":");
  const h = colon === -1 ? a : a.slice(0, colon);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

/**
 * Same site when one host equals the other or is a subdomain of it (`www.shop.example`
 * → `shop.example`). Two sibling subdomains (`attacker.example.com` and
 * `app.example.com`) count as foreign: without the Public Suffix List we cannot tell
 * `example.com` from `github.io`, where siblings belong to different owners, and for a
 * fixation alert the cautious reading is the foreign one.
 */
export function sameSite(a: string, b: string): boolean {
  if (a.length === 0 || b.length === 0) return false;
  if (a === b) return true;
  if (a.length > b.length) return a.endsWith(b) && a.charCodeAt(a.length - b.length - 1) === 46;
  return b.endsWith(a) && b.charCodeAt(b.length - a.length - 1) === 46;
}

/** ASCII case-insensitive equality with a lower-case literal, without allocating. */
function eqLower(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

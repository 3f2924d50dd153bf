/**
 * A lenient scanner for URL-like text inside a value: `scheme:` then optional slashes
 * (either kind, any count: WHATWG URL parsers treat `\` like `/` for special schemes and
 * skip extra slashes, https://url.spec.whatwg.org/#special-authority-ignore-slashes-state),
 * an authority with optional userinfo, host and port. It reads what a permissive server
 * side fetcher would read, not what RFC 3986 allows, because the gap between the two is
 * where SSRF and open-redirect filters get bypassed.
 */

export interface UrlRef {
  /** Index of the first scheme character in the value. */
  readonly start: number;
  /** Lower-case scheme without the colon. */
  readonly scheme: string;
  /** Number of `/` or `\` right after the colon. */
  readonly slashes: number;
  /** Raw authority text (between the slashes and the first `/ ? #` or space). */
  readonly authority: string;
  /** Host as a fetcher would resolve it: lower-case, look-alikes mapped, escapes dropped. */
  readonly host: string;
  readonly port: string;
  readonly userinfo: boolean;
  /** The host was written with Unicode look-alikes or backslash escapes. */
  readonly disguised: boolean;
  /** Index just past the authority. */
  readonly authEnd: number;
  /** Index of the end of the URL (first space, quote or angle bracket). */
  readonly end: number;
}

const MAX_URLS = 12;

function isSchemeChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 43 /* + */ ||
    c === 45 /* - */ ||
    c === 46 /* . */ ||
    c === 95 /* _ (local_file) */
  );
}

function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * Characters ending a URL in free text: C0 controls, space, `"` `'` `<` `>` `` ` `` and DEL.
 * The authority (up to 512 characters) and the rest of the URL (up to 4096): runs of
 * characters other than those, and for the authority other than `/ ? #` (RFC 3986
 * §3.2). Sticky, one character class, bounded: a native scan that always matches and
 * leaves `lastIndex` where the run ends.
 */
const AUTH_RUN = /[^\x00-\x20"'<>`\x7f/?#]{0,512}/y;
const URL_RUN = /[^\x00-\x20"'<>`\x7f]{0,4096}/y;

/**
 * Maps a look-alike character to the ASCII one IDNA / NFKC would turn it into:
 * circled letters and digits (U+2460…, U+24B6…, U+24D0…, U+24EA), fullwidth forms
 * (U+FF01…), and the ideographic / halfwidth full stops (UTS #46 maps them to `.`).
 * Returns "" when the character is not a look-alike.
 */
export function lookAlike(c: number): string {
  if (c < 0x2460) return "";
  if (c >= 0x2460 && c <= 0x2468) return String.fromCharCode(49 + c - 0x2460); // ①–⑨
  if (c >= 0x2469 && c <= 0x2473) return String(10 + c - 0x2469); // ⑩–⑳
  if (c >= 0x2474 && c <= 0x247c) return String.fromCharCode(49 + c - 0x2474); // ⑴–⑼
  if (c >= 0x2488 && c <= 0x2490) return String.fromCharCode(49 + c - 0x2488); // ⒈–⒐
  if (c >= 0x24b6 && c <= 0x24cf) return String.fromCharCode(97 + c - 0x24b6); // Ⓐ–Ⓩ
  if (c >= 0x24d0 && c <= 0x24e9) return String.fromCharCode(97 + c - 0x24d0); // ⓐ–ⓩ
  if (c === 0x24ea || c === 0x24ff) return "0"; // ⓪ ⓿
  if (c >= 0x2776 && c <= 0x277e) return String.fromCharCode(49 + c - 0x2776); // ❶–❾
  if (c >= 0x2780 && c <= 0x2788) return String.fromCharCode(49 + c - 0x2780); // ➀–➈
  if (c >= 0xff10 && c <= 0xff19) return String.fromCharCode(48 + c - 0xff10);
  if (c >= 0xff21 && c <= 0xff3a) return String.fromCharCode(97 + c - 0xff21);
  if (c >= 0xff41 && c <= 0xff5a) return String.fromCharCode(97 + c - 0xff41);
  if (c === 0x3002 || c === 0xff0e || c === 0xff61) return ".";
  if (c === 0xff1a) return ":";
  if (c === 0xff3b) return "[";
  if (c === 0xff3d) return "]";
  return "";
}

/**
 * Host from raw authority text: userinfo dropped (the last `@` wins, as in WHATWG), port
 * split off, look-alikes mapped, backslash escapes (`\l\o\c\a\l`) dropped.
 */
export function readHost(auth: string): {
  host: string;
  port: string;
  userinfo: boolean;
  disguised: boolean;
} {
  const at = auth.lastIndexOf("@");
  let h = at === -1 ? auth : auth.slice(at + 1);
  let disguised = false;
  let mapped = "";
  let changed = false;
  // Fast path: nothing to map (no backslash, nothing in the look-alike ranges).
  let plain = true;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c === 92 || c >= 0x2460) {
      plain = false;
      break;
    }
  }
  for (let i = 0; !plain && i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c === 92 /* \ */) {
      changed = true;
      if (i + 1 < h.length && isAlpha(h.charCodeAt(i + 1))) disguised = true;
      continue;
    }
    if (c >= 0x2460) {
      const m = lookAlike(c);
      if (m !== "") {
        mapped += m;
        changed = true;
        disguised = true;
        continue;
      }
    }
    mapped += h[i];
  }
  if (changed) h = mapped;
  h = h.toLowerCase();
  let port = "";
  if (h.charCodeAt(0) === 91) {
    const close = h.indexOf("]");
    if (close !== -1 && h.charCodeAt(close + 1) === 58) {
      port = h.slice(close + 2);
      h = h.slice(0, close + 1);
    }
  } else {
    const colon = h.indexOf(":");
    // More than one colon without brackets: an unbracketed IPv6 literal, keep it whole.
    if (colon !== -1 && h.indexOf(":", colon + 1) === -1) {
      port = h.slice(colon + 1);
      h = h.slice(0, colon);
    } else if (colon !== -1 && /^[0-9a-f:.]+$/.test(h)) {
      h = `[${h}]`;
    }
  }
  return { host: h, port, userinfo: at !== -1, disguised };
}

/** Lower-case ASCII comparison of v[s, e) with word. */
function eqCI(v: string, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) if ((v.charCodeAt(s + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Schemes that matter even without slashes after the colon: `http:evil`, `file:$x`,
 * `jar:http…`, `javascript:…`. Any other `word:` (JSON, times, prose) is skipped early.
 */
function opaqueScheme(v: string, s: number, e: number): boolean {
  switch (e - s) {
    case 3:
      return eqCI(v, s, e, "jar") || eqCI(v, s, e, "ftp");
    case 4:
      return eqCI(v, s, e, "http") || eqCI(v, s, e, "file") || eqCI(v, s, e, "data") || eqCI(v, s, e, "ftps");
    case 5:
      return eqCI(v, s, e, "https");
    case 6:
      return eqCI(v, s, e, "netdoc");
    case 8:
      return eqCI(v, s, e, "vbscript");
    case 10:
      return eqCI(v, s, e, "javascript") || eqCI(v, s, e, "local_file");
    default:
      return false;
  }
}

/**
 * Every `scheme:` occurrence in `v` that starts at a word boundary, with its authority
 * when one follows. At most MAX_URLS are returned.
 */
export function findUrls(v: string): UrlRef[] {
  const out: UrlRef[] = [];
  let colon = v.indexOf(":");
  let guard = 0;
  while (colon !== -1 && out.length < MAX_URLS && guard++ < 64) {
    let s = colon;
    while (s > 0 && colon - s < 24 && isSchemeChar(v.charCodeAt(s - 1))) s--;
    const next = v.indexOf(":", colon + 1);
    const after = v.charCodeAt(colon + 1);
    if (
      s < colon &&
      isAlpha(v.charCodeAt(s)) &&
      (after === 47 || after === 92 || opaqueScheme(v, s, colon))
    ) {
      const scheme = v.slice(s, colon).toLowerCase();
      let i = colon + 1;
      let slashes = 0;
      while (i < v.length && slashes < 8) {
        const c = v.charCodeAt(i);
        if (c !== 47 && c !== 92) break;
        slashes++;
        i++;
      }
      const authStart = i;
      // The authority may itself contain backslash escapes; it ends at `/ ? #` or space.
      AUTH_RUN.lastIndex = i;
      AUTH_RUN.test(v);
      i = AUTH_RUN.lastIndex;
      const authority = v.slice(authStart, i);
      // `http:host` without slashes only counts when a host follows at once.
      const a0 = authority.charCodeAt(0);
      if (slashes === 0 && !(isAlpha(a0) || (a0 >= 48 && a0 <= 57) || a0 === 91 || a0 >= 0x2460)) {
        colon = next;
        continue;
      }
      URL_RUN.lastIndex = i;
      URL_RUN.test(v);
      const end = URL_RUN.lastIndex;
      const h = readHost(authority);
      out.push({
        start: s,
        scheme,
        slashes,
        authority,
        host: h.host,
        port: h.port,
        userinfo: h.userinfo,
        disguised: h.disguised,
        authEnd: i,
        end,
      });
    }
    colon = next;
  }
  return out;
}

/** Schemes a browser or HTTP client fetches over the network (WHATWG "special" + ftps). */
export function isWebScheme(s: string): boolean {
  return s === "http" || s === "https" || s === "ftp" || s === "ftps";
}

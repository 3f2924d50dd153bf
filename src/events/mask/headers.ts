import type { Header } from "../../model/index.js";
import { isTchar } from "../../model/index.js";

/**
 * Masking of header values. `Authorization` and `Proxy-Authorization` keep their scheme
 * (RFC 9110 §11.6.2: `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`), which
 * the analyst wants (Basic vs Bearer) and which is no secret. `Cookie` keeps the cookie
 * names (RFC 6265 §4.2.1), `Set-Cookie` its name and attributes (§4.1.1); values go.
 */

/** A scheme is an RFC 9110 token; anything longer than this is not a scheme name. */
const MAX_SCHEME = 32;

export function maskCredentials(value: string, marker: string): string {
  const trimmed = value.trim();
  const sp = trimmed.indexOf(" ");
  if (sp > 0 && sp <= MAX_SCHEME) {
    const scheme = trimmed.slice(0, sp);
    let ok = true;
    for (let i = 0; i < scheme.length; i++) if (!isTchar(scheme.charCodeAt(i))) ok = false;
    if (ok) return `${scheme} ${marker}`;
  }
  return marker;
}

/** `a=1; b=2` → `a=***; b=***` for the cookies `mask` selects; pairs without `=` are masked whole. */
export function maskCookieHeader(value: string, mask: (name: string) => boolean, marker: string): string {
  const parts = value.split(";");
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const eq = p.indexOf("=");
    if (eq === -1) {
      const t = p.trim();
      if (t.length > 0 && t !== marker && mask("")) {
        parts[i] = p.slice(0, p.indexOf(t)) + marker;
        changed = true;
      }
      continue;
    }
    const name = p.slice(0, eq).trim();
    const val = p.slice(eq + 1);
    if (val.trim().length > 0 && val !== marker && mask(name)) {
      parts[i] = `${p.slice(0, eq + 1)}${marker}`;
      changed = true;
    }
  }
  return changed ? parts.join(";") : value;
}

/** `sid=abc; Path=/; HttpOnly` → `sid=***; Path=/; HttpOnly`. */
export function maskSetCookie(value: string, mask: (name: string) => boolean, marker: string): string {
  const semi = value.indexOf(";");
  const first = semi === -1 ? value : value.slice(0, semi);
  const rest = semi === -1 ? "" : value.slice(semi);
  const eq = first.indexOf("=");
  if (eq === -1) return value;
  const name = first.slice(0, eq).trim();
  const val = first.slice(eq + 1);
  if (val.trim().length === 0 || val === marker || !mask(name)) return value;
  return `${first.slice(0, eq + 1)}${marker}${rest}`;
}

export type { Header };

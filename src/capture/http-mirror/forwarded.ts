import { isTchar } from "../../model/index.js";
import { parseNode } from "./ip.js";

/**
 * Readers for the forwarding headers a proxy writes: `Forwarded` (RFC 7239) and the de-facto
 * `X-Forwarded-For`. Both are lists with the hop nearest to us last. Only the rightmost
 * MAX_HOPS entries are kept: those are the ones a walk from the right can reach, and an
 * attacker can make the list as long as the header limit allows.
 */
export const MAX_HOPS = 64;
/** Pairs read per Forwarded element; RFC 7239 registers four parameters. */
const MAX_PAIRS = 16;

/** One hop: a usable address, or a node that names no address. */
export type ForwardedNode =
  | { readonly kind: "ip"; readonly ip: string; readonly family: 4 | 6; readonly port?: number }
  /** RFC 7239 §6.2 `unknown`, or `unknown` in X-Forwarded-For. */
  | { readonly kind: "unknown" }
  /** RFC 7239 §6.3 obfuscated identifier (`_hidden`): deliberately not an address. */
  | { readonly kind: "obfuscated" }
  | { readonly kind: "invalid"; readonly text: string };

/** The registered parameters of one Forwarded element (RFC 7239 §5), values unquoted. */
export interface ForwardedElement {
  readonly for?: string;
  readonly by?: string;
  readonly host?: string;
  readonly proto?: string;
}

export interface ForwardedList {
  readonly elements: readonly ForwardedElement[];
  /** Something did not follow the RFC 7239 §4 grammar; what could be read is kept. */
  readonly malformed: boolean;
}

function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Parses the Forwarded field values (several fields are one comma-joined list, RFC 9110
 * §5.3). Linear in the input; keeps the last MAX_HOPS elements.
 */
export function parseForwarded(values: readonly string[]): ForwardedList {
  const s = values.join(",");
  const elements: Record<string, string>[] = [];
  let malformed = false;
  let current: Record<string, string> = {};
  let pairs = 0;
  let i = 0;
  const n = s.length;
  const endElement = () => {
    // Empty list elements (`a,,b`) are not hops (RFC 9110 §5.6.1).
    if (pairs === 0) return;
    elements.push(current);
    if (elements.length > MAX_HOPS) elements.shift();
    current = {};
    pairs = 0;
  };
  while (i < n) {
    while (i < n && isOws(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const c = s.charCodeAt(i);
    if (c === 44) {
      endElement();
      i++;
      continue;
    }
    if (c === 59) {
      i++;
      continue;
    }
    // token "=" value
    const nameStart = i;
    while (i < n && isTchar(s.charCodeAt(i))) i++;
    const name = s.slice(nameStart, i).toLowerCase();
    while (i < n && isOws(s.charCodeAt(i))) {
      // Whitespace around "=" is not allowed by the grammar, but tolerated.
      malformed = true;
      i++;
    }
    if (name === "" || i >= n || s.charCodeAt(i) !== 61) {
      malformed = true;
      // Skip to the next separator.
      while (i < n && s.charCodeAt(i) !== 44 && s.charCodeAt(i) !== 59) i++;
      continue;
    }
    i++;
    while (i < n && isOws(s.charCodeAt(i))) {
      malformed = true;
      i++;
    }
    let value: string;
    if (i < n && s.charCodeAt(i) === 34) {
      // quoted-string with quoted-pair escapes (RFC 9110 §5.6.4)
      i++;
      let v = "";
      let closed = false;
      while (i < n) {
        const q = s.charCodeAt(i);
        if (q === 34) {
          closed = true;
          i++;
          break;
        }
        if (q === 92 && i + 1 < n) {
          v += s[i + 1];
          i += 2;
          continue;
        }
        v += s[i];
        i++;
      }
      if (!closed) malformed = true;
      value = v;
    } else {
      const vStart = i;
      while (i < n && isTchar(s.charCodeAt(i))) i++;
      value = s.slice(vStart, i);
    }
    while (i < n && isOws(s.charCodeAt(i))) i++;
    if (i < n && s.charCodeAt(i) !== 44 && s.charCodeAt(i) !== 59) {
      malformed = true;
      while (i < n && s.charCodeAt(i) !== 44 && s.charCodeAt(i) !== 59) i++;
    }
    if (name === "for" || name === "by" || name === "host" || name === "proto") {
      // RFC 7239 §4: each parameter at most once per element; the first one stands.
      if (current[name] === undefined && pairs < MAX_PAIRS) current[name] = value;
      else malformed = true;
    }
    pairs++;
  }
  endElement();
  return { elements, malformed };
}

/** RFC 7239 §6: `for=` node: an address with optional port, `unknown`, or obfuscated. */
export function parseForwardedNode(value: string): ForwardedNode {
  const v = value.trim();
  if (v.toLowerCase() === "unknown") return { kind: "unknown" };
  if (v.startsWith("_")) return { kind: "obfuscated" };
  // An obfuscated port (`192.0.2.1:_p1`) hides the port, not the address.
  const obfPort = v.lastIndexOf(":_");
  const node = parseNode(obfPort > 0 ? v.slice(0, obfPort) : v);
  if (node === null) return { kind: "invalid", text: v.slice(0, 64) };
  // RFC 7239 §6: IPv6 must be bracketed; a bare IPv6 is read anyway but not with a port.
  return node.port === undefined
    ? { kind: "ip", ip: node.ip, family: node.family }
    : { kind: "ip", ip: node.ip, family: node.family, port: node.port };
}

/** X-Forwarded-For: comma-separated nodes, client first. Keeps the rightmost MAX_HOPS. */
export function parseXForwardedFor(values: readonly string[]): ForwardedNode[] {
  const parts = values.join(",").split(",");
  const from = Math.max(0, parts.length - MAX_HOPS);
  const out: ForwardedNode[] = [];
  for (let i = from; i < parts.length; i++) {
    const p = parts[i]!.trim();
    if (p === "") continue;
    if (p.toLowerCase() === "unknown") out.push({ kind: "unknown" });
    else {
      const node = parseNode(p);
      out.push(
        node === null
          ? { kind: "invalid", text: p.slice(0, 64) }
          : node.port === undefined
            ? { kind: "ip", ip: node.ip, family: node.family }
            : { kind: "ip", ip: node.ip, family: node.family, port: node.port },
      );
    }
  }
  return out;
}

/**
 * Fingerprints a scanner leaves inside request values:
 *  - out-of-band (OOB) callback domains: the attack makes the server resolve or fetch a
 *    unique subdomain of a service whose only job is to log such callbacks
 *    (ProjectDiscovery interactsh, Burp Collaborator, dnslog.cn, ceye.io, XSS Hunter,
 *    Acunetix's AcuMonitor, requestrepo). A benign user has no reason to send one;
 *  - probe strings that only one tool sends: Nmap's `nice ports,/Trinity.txt.bak`
 *    service probe, the `w00tw00t.at.…` requests of the DFind/ZmEu scanners,
 *    `muieblackcat`, Acunetix's `acunetix_wvs_security_test` / `acunetix-wvs-test-…`.
 * Generic paths (`/admin`, `/.env`, `/wp-login.php`) are NOT fingerprints: browsers and
 * real users ask for them too; forced browsing is a behaviour, judged over a window.
 */

export interface MarkerMatch {
  readonly sign: "oob-domain" | "probe";
  readonly start: number;
  readonly end: number;
}

/**
 * Registrable callback domains (always two labels, so the test is one Set lookup on
 * the last two labels of a host).
 */
export const OOB_DOMAINS: ReadonlySet<string> = new Set([
  "oast.pro",
  "oast.live",
  "oast.site",
  "oast.online",
  "oast.fun",
  "oast.me",
  "oastify.com",
  "interact.sh",
  "interactsh.com",
  "burpcollaborator.net",
  "dnslog.cn",
  "dnslog.link",
  "ceye.io",
  "bxss.me",
  "xss.ht",
  "requestrepo.com",
]);

/**
 * Any callback domain written anywhere in a value, case-insensitively: the prefilter of
 * `findOobHost`, one native scan. Built from OOB_DOMAINS (escaped literals).
 */
// safe-regex: one alternation of escaped literals, no quantifier.
const OOB_ANYWHERE = new RegExp(
  [...OOB_DOMAINS].map((d) => d.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join("|"),
  "i",
);

export function mayHaveOobHost(v: string): boolean {
  return OOB_ANYWHERE.test(v);
}

export function isOobHost(host: string): boolean {
  return oobIn(host, 0, host.length);
}

/**
 * Is `v[start, end)` a host under a callback domain? A cheap gate on the length and
 * first letter of the second-level label (`oast`/`oastify`, `interact`/`interactsh`,
 * `burpcollaborator`, `bxss`, `dnslog`, `ceye`, `xss`, `requestrepo`) keeps ordinary
 * hosts from allocating anything.
 */
function oobIn(v: string, start: number, end: number): boolean {
  let e = end;
  if (e > start && v.charCodeAt(e - 1) === 46) e--; // trailing dot of an FQDN
  const d1 = v.lastIndexOf(".", e - 1);
  if (d1 <= start) return false;
  let d0 = v.lastIndexOf(".", d1 - 1);
  if (d0 < start) d0 = start - 1;
  const len = d1 - d0 - 1;
  const c = v.charCodeAt(d0 + 1) | 0x20;
  const plausible =
    (c === 0x6f && (len === 4 || len === 7)) || // o
    (c === 0x69 && (len === 8 || len === 10)) || // i
    (c === 0x62 && (len === 16 || len === 4)) || // b
    (c === 0x64 && len === 6) || // d
    (c === 0x63 && len === 4) || // c
    (c === 0x78 && len === 3) || // x
    (c === 0x72 && len === 11); // r
  return plausible && OOB_DOMAINS.has(v.slice(d0 + 1, e).toLowerCase());
}

/** Characters that end the authority of a URL (RFC 3986 §3.2) or of a UNC host. */
function endsHost(c: number): boolean {
  return (
    Number.isNaN(c) ||
    c <= 32 ||
    c === 47 /* / */ ||
    c === 92 /* \ */ ||
    c === 63 /* ? */ ||
    c === 35 /* # */ ||
    c === 34 /* " */ ||
    c === 39 /* ' */ ||
    c === 60 /* < */ ||
    c === 62 /* > */ ||
    c === 41 /* ) */ ||
    c === 125 /* } */ ||
    c === 44 /* , */ ||
    c === 59 /* ; */ ||
    c === 96 /* ` */
  );
}

const MAX_HOST = 253;

/** The host of the authority starting at `i` (after `//` or `\\\\`): userinfo and port dropped. */
function hostAt(v: string, i: number): { start: number; end: number } | null {
  let j = i;
  let start = i;
  let colon = -1;
  const stop = Math.min(v.length, i + MAX_HOST + 128);
  while (j < stop) {
    const c = v.charCodeAt(j);
    if (c === 64 /* @ */) {
      start = j + 1;
      colon = -1;
    } else if (c === 58 /* : */) {
      if (colon === -1) colon = j;
    } else if (endsHost(c)) break;
    j++;
  }
  const end = colon === -1 ? j : colon;
  return end > start ? { start, end } : null;
}

/**
 * An out-of-band callback host where a payload makes a server connect: the authority of
 * a URL (`http://x.oast.fun/`, `ldap://…`, `//x.xss.ht`, `file:////…`) or a UNC path
 * (`\\x.oast.fun\share`). Anchored on `//`, found with `indexOf`, so a value without
 * one costs a single memchr-speed call. Bare host names in shell commands
 * (`nslookup x.oast.fun`) are the rce detector's, which reports the command.
 */
export function findOobHost(v: string): MarkerMatch | null {
  let from = 0;
  for (let n = 0; n < 16; n++) {
    const p = v.indexOf("//", from);
    if (p === -1) break;
    from = p + 2;
    const h = hostAt(v, p + 2);
    if (h !== null && oobIn(v, h.start, h.end)) return { sign: "oob-domain", start: h.start, end: h.end };
  }
  if (v.charCodeAt(0) === 92 && v.charCodeAt(1) === 92) {
    const h = hostAt(v, 2);
    if (h !== null && oobIn(v, h.start, h.end)) return { sign: "oob-domain", start: h.start, end: h.end };
  }
  return null;
}

/**
 * Probe strings only one tool sends, looked for in the decoded path and the raw
 * request-target: Nmap's `/nice ports,/Trinity.txt.bak`, the `w00tw00t.at.…` requests
 * of the DFind/ZmEu scanners, `muieblackcat`, Acunetix's `acunetix-wvs-test-…` file and
 * `acunetix_wvs_security_test` marker.
 */
const PROBES = [
  "w00tw00t.at.",
  "trinity.txt.bak",
  "muieblackcat",
  "acunetix_wvs_security_test",
  "acunetix-wvs-test",
];

/** Cheap gate: the rare cores of the probes, as the tools write them; one native scan. */
const PROBE_CORES = /w00tw00t|rinity\.txt|muieblackcat|cunetix/;

export function mayHaveProbe(s: string): boolean {
  return PROBE_CORES.test(s);
}

export function findProbe(s: string): MarkerMatch | null {
  if (!mayHaveProbe(s)) return null;
  const t = s.toLowerCase();
  for (const m of PROBES) {
    const p = t.indexOf(m);
    if (p !== -1) return { sign: "probe", start: p, end: p + m.length };
  }
  return null;
}

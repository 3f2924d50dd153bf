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

/** Domains whose labels must be followed by a host boundary. */
const OOB_DOMAINS = [
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
];

const PROBES = ["w00tw00t.at.", "trinity.txt.bak"];

/**
 * The gate: every callback domain and dotted probe contains one of these cores, so a
 * value without any of them (in any case) cannot match. One case-insensitive
 * alternation of literals; nothing can backtrack.
 */
const CORES =
  /oast|interact|collaborator|dnslog|ceye\.io|bxss\.me|xss\.ht|requestrepo|w00tw00t|trinity\.txt/i;

/**
 * Can `v` hold a marker? Domains and the dotted probes need a '.', which a memchr-speed
 * `indexOf` rules out for most short values before the alternation runs; the two
 * dot-less probes are looked for in the request-target only (see `findTargetProbe`).
 */
export function mayHaveMarker(v: string): boolean {
  return v.indexOf(".") !== -1 && CORES.test(v);
}

/** Dot-less probe strings, sent as a path or a query by the tools that own them. */
const TARGET_PROBES = ["muieblackcat", "acunetix_wvs_security_test", "acunetix-wvs-test"];

/** A dot-less probe in the raw request-target (lower case, as the tools send it). */
export function findTargetProbe(target: string): MarkerMatch | null {
  if (target.indexOf("muieblackcat") === -1 && target.indexOf("acunetix") === -1) return null;
  const t = target.toLowerCase();
  for (const m of TARGET_PROBES) {
    const p = t.indexOf(m);
    if (p !== -1) return { sign: "probe", start: p, end: p + m.length };
  }
  return null;
}

function isHostChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 45 || c === 95;
}

export function findMarker(v: string): MarkerMatch | null {
  const s = v.length > 65536 ? v.slice(0, 65536).toLowerCase() : v.toLowerCase();
  for (const d of OOB_DOMAINS) {
    let from = 0;
    for (let n = 0; n < 8; n++) {
      const p = s.indexOf(d, from);
      if (p === -1) break;
      from = p + 1;
      // A host boundary on both sides: `x.oast.fun/`, `@oast.fun`, not `boast.fun` nor
      // `xss.html`. Before it: start, a dot (a subdomain), or any non-host character.
      const before = p === 0 ? 0 : s.charCodeAt(p - 1);
      const after = s.charCodeAt(p + d.length);
      if (p > 0 && isHostChar(before)) continue;
      if (isHostChar(after) || (after === 46 && isHostChar(s.charCodeAt(p + d.length + 1)))) continue;
      return { sign: "oob-domain", start: p, end: p + d.length };
    }
  }
  for (const m of PROBES) {
    const p = s.indexOf(m);
    if (p !== -1) return { sign: "probe", start: p, end: p + m.length };
  }
  return null;
}

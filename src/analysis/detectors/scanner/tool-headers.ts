/**
 * Request headers that a scanner adds and no browser or ordinary client does:
 *  - Acunetix: `Acunetix-Product`, `Acunetix-Scanning-agreement`,
 *    `Acunetix-User-agreement`, and the `Acunetix-Aspect*` family of AcuSensor;
 *  - Netsparker / Invicti: `X-Scanner`;
 *  - HP/Micro Focus WebInspect: `X-WIPP`, `X-Scan-Memo`, `X-RequestManager-Memo`,
 *    `X-Request-Memo`.
 * Matched by name only: the value is the tool's own bookkeeping.
 */
const EXACT = new Map<string, string>([
  ["x-scanner", "netsparker"],
  ["x-wipp", "webinspect"],
  ["x-scan-memo", "webinspect"],
  ["x-requestmanager-memo", "webinspect"],
  ["x-request-memo", "webinspect"],
]);

/** ASCII case-insensitive "starts with this lower-case literal", without allocating. */
function startsLower(s: string, lower: string): boolean {
  if (s.length < lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Tool name when `name` is one of the headers above, else null. Cheap for common names. */
export function toolHeader(name: string): string | null {
  const c = name.charCodeAt(0) | 0x20;
  if (c === 0x61 /* a */) return name.length > 9 && startsLower(name, "acunetix-") ? "acunetix" : null;
  if (c !== 0x78 /* x */ || name.length < 6 || name.length > 21) return null;
  if (!startsLower(name, "x-")) return null;
  const c2 = name.charCodeAt(2) | 0x20;
  // only x-scanner, x-scan-memo, x-wipp, x-request(manager)-memo: s, w, r
  if (c2 !== 0x73 && c2 !== 0x77 && c2 !== 0x72) return null;
  return EXACT.get(name.toLowerCase()) ?? null;
}

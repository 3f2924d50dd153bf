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

/** Tool name when `name` is one of the headers above, else null. Cheap for common names. */
export function toolHeader(name: string): string | null {
  const c = name.charCodeAt(0) | 0x20;
  if (c === 0x61 /* a */) {
    if (name.length > 9 && name.slice(0, 9).toLowerCase() === "acunetix-") return "acunetix";
    return null;
  }
  if (c !== 0x78 /* x */ || name.length < 6 || name.length > 21) return null;
  return EXACT.get(name.toLowerCase()) ?? null;
}

import { percentDecode } from "../../points/index.js";
import { CH } from "../charmask.js";
import type { Detector } from "../types.js";
import { findInclude, mayHaveInclude } from "./scan.js";

/**
 * Server-side include injection: SSI directives (`<!--#exec cmd="id" -->`, `#include
 * virtual=`, `#echo var=`, `#config`, `#printenv`, `#set`, `#fsize`, `#flastmod`) that a
 * server would execute if the value lands in an .shtml page, and ESI tags/variables that
 * a caching proxy (Varnish, Akamai, Squid) would process.
 */
export const ssiDetector: Detector = {
  type: "ssi",
  prefilter: mayHaveInclude,
  // `#`, `<`, `$(` or their percent-encoded forms.
  needs: CH.HASH | CH.LT | CH.DOLLAR | CH.PERCENT,
  detect(p) {
    const v = p.value;
    if (!mayHaveInclude(v)) return null;
    const m = findInclude(v);
    if (m !== null || p.kind !== "key" || v.indexOf("%") === -1) return m;
    // Cookie names reach detectors still percent-encoded.
    const d = findInclude(percentDecode(v, false));
    return d === null ? null : { signature: d.signature, start: 0, end: v.length };
  },
};

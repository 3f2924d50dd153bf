import type { AttackType } from "../../model/index.js";
import { crlfDetector } from "./crlf/index.js";
import { ldapiDetector } from "./ldapi/index.js";
import { mailInjectionDetector } from "./mail-injection/index.js";
import { nosqliDetector } from "./nosqli/index.js";
import { protocolDetector } from "./protocol/index.js";
import { ptravDetector } from "./ptrav/index.js";
import { rceDetector } from "./rce/index.js";
import { redirDetector } from "./redir/index.js";
import { rfiDetector } from "./rfi/index.js";
import { scannerDetector } from "./scanner/index.js";
import { sessionFixationDetector } from "./session-fixation/index.js";
import { sqliDetector } from "./sqli/index.js";
import { ssiDetector } from "./ssi/index.js";
import { ssrfDetector } from "./ssrf/index.js";
import { sstiDetector } from "./ssti/index.js";
import type { Detector } from "./types.js";
import { xssDetector } from "./xss/index.js";
import { xxeDetector } from "./xxe/index.js";

export type { Detector, DetectorMatch, RequestView } from "./types.js";

/** Every built-in detector, in the order they run. */
export const BUILTIN_DETECTORS: readonly Detector[] = [
  sqliDetector,
  xssDetector,
  rceDetector,
  ptravDetector,
  rfiDetector,
  ssrfDetector,
  xxeDetector,
  sstiDetector,
  nosqliDetector,
  ldapiDetector,
  crlfDetector,
  mailInjectionDetector,
  ssiDetector,
  redirDetector,
  scannerDetector,
  protocolDetector,
  sessionFixationDetector,
];

/** The built-in detectors by attack type, for selecting them by name (read-only, no global state). */
export const DETECTORS_BY_TYPE: ReadonlyMap<AttackType, Detector> = new Map(
  BUILTIN_DETECTORS.map((d) => [d.type, d]),
);

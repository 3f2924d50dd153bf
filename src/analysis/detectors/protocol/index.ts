import type { Detector } from "../types.js";

/** Placeholder until the protocol detector lands: flags nothing. */
export const protocolDetector: Detector = {
  type: "protocol",
  prefilter: () => false,
  detect: () => null,
};

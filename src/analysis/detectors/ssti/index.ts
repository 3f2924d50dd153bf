import type { Detector } from "../types.js";

/** Placeholder until the ssti detector lands: flags nothing. */
export const sstiDetector: Detector = {
  type: "ssti",
  prefilter: () => false,
  detect: () => null,
};

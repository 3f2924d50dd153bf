import type { Detector } from "../types.js";

/** Placeholder until the ldapi detector lands: flags nothing. */
export const ldapiDetector: Detector = {
  type: "ldapi",
  prefilter: () => false,
  detect: () => null,
};

import type { Detector } from "../types.js";

/** Placeholder until the scanner detector lands: flags nothing. */
export const scannerDetector: Detector = {
  type: "scanner",
  prefilter: () => false,
  detect: () => null,
};

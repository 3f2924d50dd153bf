import type { Detector } from "../types.js";

/** Placeholder until the sqli detector lands: flags nothing. */
export const sqliDetector: Detector = {
  type: "sqli",
  prefilter: () => false,
  detect: () => null,
};

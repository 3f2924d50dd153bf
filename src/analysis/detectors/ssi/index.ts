import type { Detector } from "../types.js";

/** Placeholder until the ssi detector lands: flags nothing. */
export const ssiDetector: Detector = {
  type: "ssi",
  prefilter: () => false,
  detect: () => null,
};

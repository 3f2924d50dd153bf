import type { Detector } from "../types.js";

/** Placeholder until the nosqli detector lands: flags nothing. */
export const nosqliDetector: Detector = {
  type: "nosqli",
  prefilter: () => false,
  detect: () => null,
};

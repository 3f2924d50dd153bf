import type { Detector } from "../types.js";

/** Placeholder until the ptrav detector lands: flags nothing. */
export const ptravDetector: Detector = {
  type: "ptrav",
  prefilter: () => false,
  detect: () => null,
};

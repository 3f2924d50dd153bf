import type { Detector } from "../types.js";

/** Placeholder until the xxe detector lands: flags nothing. */
export const xxeDetector: Detector = {
  type: "xxe",
  prefilter: () => false,
  detect: () => null,
};

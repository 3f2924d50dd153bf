import type { Detector } from "../types.js";

/** Placeholder until the xss detector lands: flags nothing. */
export const xssDetector: Detector = {
  type: "xss",
  prefilter: () => false,
  detect: () => null,
};

import type { Detector } from "../types.js";

/** Placeholder until the ssrf detector lands: flags nothing. */
export const ssrfDetector: Detector = {
  type: "ssrf",
  prefilter: () => false,
  detect: () => null,
};

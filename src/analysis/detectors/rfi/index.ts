import type { Detector } from "../types.js";

/** Placeholder until the rfi detector lands: flags nothing. */
export const rfiDetector: Detector = {
  type: "rfi",
  prefilter: () => false,
  detect: () => null,
};

import type { Detector } from "../types.js";

/** Placeholder until the rce detector lands: flags nothing. */
export const rceDetector: Detector = {
  type: "rce",
  prefilter: () => false,
  detect: () => null,
};

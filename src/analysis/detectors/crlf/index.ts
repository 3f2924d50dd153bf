import type { Detector } from "../types.js";

/** Placeholder until the crlf detector lands: flags nothing. */
export const crlfDetector: Detector = {
  type: "crlf",
  prefilter: () => false,
  detect: () => null,
};

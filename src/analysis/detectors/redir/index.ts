import type { Detector } from "../types.js";

/** Placeholder until the redir detector lands: flags nothing. */
export const redirDetector: Detector = {
  type: "redir",
  prefilter: () => false,
  detect: () => null,
};

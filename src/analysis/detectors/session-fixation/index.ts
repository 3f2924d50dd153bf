import type { Detector } from "../types.js";

/** Placeholder until the session_fixation detector lands: flags nothing. */
export const sessionFixationDetector: Detector = {
  type: "session_fixation",
  prefilter: () => false,
  detect: () => null,
};

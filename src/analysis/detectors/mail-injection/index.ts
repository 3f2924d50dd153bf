import type { Detector } from "../types.js";

/** Placeholder until the mail_injection detector lands: flags nothing. */
export const mailInjectionDetector: Detector = {
  type: "mail_injection",
  prefilter: () => false,
  detect: () => null,
};

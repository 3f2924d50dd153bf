import { CH } from "../charmask.js";
import type { Detector } from "../types.js";
import { findLdapInjection, mayHaveFilter } from "./scan.js";

/** LDAP filter injection (RFC 4515): see scan.ts for the signs. */
export const ldapiDetector: Detector = {
  type: "ldapi",
  prefilter: mayHaveFilter,
  needs: CH.LPAREN | CH.RPAREN,
  detect: (p) => findLdapInjection(p.value),
};

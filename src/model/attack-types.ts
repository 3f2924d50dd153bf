/**
 * The closed vocabulary of attack types a Hit can carry. The names are part of the
 * public output of `mirrorwatch analyze` and the REST API: extend, never rename.
 */
export const ATTACK_TYPES = [
  "sqli",
  "xss",
  "rce",
  "ptrav",
  "rfi",
  "ssrf",
  "xxe",
  "ssti",
  "nosqli",
  "ldapi",
  "crlf",
  "mail_injection",
  "ssi",
  "redir",
  "scanner",
  "data_bomb",
  "overlimit",
  // Beyond the core list: HTTP protocol abuse (smuggling, header injection, method
  // tampering) and session fixation, which CRS-style rule sets also flag.
  "protocol",
  "session_fixation",
] as const;

export type AttackType = (typeof ATTACK_TYPES)[number];

const TYPE_SET: ReadonlySet<string> = new Set(ATTACK_TYPES);
export function isAttackType(s: string): s is AttackType {
  return TYPE_SET.has(s);
}

/**
 * Path filters are globs (`*` any run, `?` one character) written by API users and matched
 * against attacker-written stored paths. They become SQLite GLOB patterns bound as
 * parameters, never spliced into SQL. Every other GLOB metacharacter (`[`) is escaped as a
 * one-character class, so `%`, `_`, `[`, `]` and `\` in a filter match themselves; stored
 * paths are data and cannot change a query at all.
 */

/** Longest glob accepted; SQLite's own default limit is far higher, but nobody needs more. */
export const GLOB_MAX_LENGTH = 512;
/**
 * Most `*` in one glob. SQLite matches `*` by trying each position, so cost grows with the
 * number of stars times the path length; a handful covers every real use.
 */
export const GLOB_MAX_STARS = 8;

/** The SQLite GLOB pattern for a user glob, or undefined when it is past the limits. */
export function toSqliteGlob(glob: string): string | undefined {
  if (glob.length > GLOB_MAX_LENGTH) return undefined;
  let out = "";
  let stars = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      // `**` means the same as `*`: fold runs so they cost one star.
      if (out.endsWith("*") && glob[i - 1] === "*") continue;
      stars++;
      out += "*";
    } else if (c === "?") out += "?";
    else if (c === "[") out += "[[]";
    else out += c;
  }
  return stars > GLOB_MAX_STARS ? undefined : out;
}

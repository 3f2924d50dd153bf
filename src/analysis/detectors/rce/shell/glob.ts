/**
 * Pathname-expansion patterns (POSIX.1-2017 XCU §2.13): `?`, `*`, `[…]` with ranges and
 * `!`/`^` negation. Attackers write `/???/c?t /e??/p?ss??` so that no command or file name
 * appears literally; we match such patterns against the names they would have to hit.
 * Iterative two-pointer matcher (one backtrack point for the last `*`): O(n·m) at worst,
 * and both sides are capped at 128 characters.
 */

const MAX = 128;

/** Parses a bracket expression at p[i] === "["; returns [matches(c), next index] or null. */
function bracket(p: string, i: number, c: string): [boolean, number] | null {
  let j = i + 1;
  let neg = false;
  if (p[j] === "!" || p[j] === "^") {
    neg = true;
    j++;
  }
  let hit = false;
  let first = true;
  while (j < p.length && (p[j] !== "]" || first)) {
    first = false;
    const lo = p[j]!;
    if (p[j + 1] === "-" && j + 2 < p.length && p[j + 2] !== "]") {
      const hi = p[j + 2]!;
      if (c >= lo && c <= hi) hit = true;
      j += 3;
    } else {
      if (c === lo) hit = true;
      j++;
    }
  }
  if (j >= p.length) return null;
  return [hit !== neg, j + 1];
}

/** True when glob pattern `p` matches the whole of `t` (case-insensitive). */
export function globMatch(pattern: string, text: string): boolean {
  if (pattern.length > MAX || text.length > MAX) return false;
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let starP = -1;
  let starT = 0;
  let steps = 0;
  while (ti < t.length) {
    if (++steps > 20000) return false;
    const pc = p[pi];
    if (pc === "*") {
      starP = pi++;
      starT = ti;
      continue;
    }
    if (pc === "?") {
      pi++;
      ti++;
      continue;
    }
    if (pc === "[") {
      const b = bracket(p, pi, t[ti]!);
      if (b !== null) {
        if (b[0]) {
          pi = b[1];
          ti++;
          continue;
        }
      } else if (t[ti] === "[") {
        pi++;
        ti++;
        continue;
      }
    } else if (pc !== undefined && pc === t[ti]) {
      pi++;
      ti++;
      continue;
    }
    if (starP === -1) return false;
    pi = starP + 1;
    ti = ++starT;
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}

/** True when `w` holds an unquoted glob metacharacter that makes it a pattern. */
export function hasGlob(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c === 42 || c === 63) return true;
    if (c === 91 && w.indexOf("]", i + 1) !== -1) return true;
  }
  return false;
}

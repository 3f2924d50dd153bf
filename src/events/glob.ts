/**
 * Globs written by operators and API users (path filters, exclusion rules): `*` any run
 * of characters, `?` exactly one (code point), everything else literal. The classic
 * two-pointer walk with one backtrack point: O(n·m) at worst, no recursion, no regular
 * expression.
 */
export function globMatch(glob: string, s: string): boolean {
  const g = [...glob];
  const t = [...s];
  let gi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (gi < g.length && (g[gi] === "?" || (g[gi] !== "*" && g[gi] === t[ti]))) {
      gi++;
      ti++;
    } else if (gi < g.length && g[gi] === "*") {
      star = gi++;
      mark = ti;
    } else if (star !== -1) {
      gi = star + 1;
      ti = ++mark;
    } else return false;
  }
  while (gi < g.length && g[gi] === "*") gi++;
  return gi === g.length;
}

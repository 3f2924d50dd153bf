/**
 * Masking of `name=value&…` text: query strings and application/x-www-form-urlencoded
 * bodies (WHATWG URL Standard, "application/x-www-form-urlencoded parsing"). Only values
 * change; names, separators and every other byte stay as sent.
 */

/** Percent-decodes a name for matching; undecodable names are matched raw. */
export function decodeFormName(raw: string): string {
  const plus = raw.includes("+") ? raw.replaceAll("+", " ") : raw;
  if (!plus.includes("%")) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

export function maskParams(text: string, mask: (name: string) => boolean, marker: string): string {
  if (!text.includes("=")) return text;
  let out = "";
  let start = 0;
  let changed = false;
  for (;;) {
    const amp = text.indexOf("&", start);
    const end = amp === -1 ? text.length : amp;
    const pair = text.slice(start, end);
    const eq = pair.indexOf("=");
    if (
      eq !== -1 &&
      eq < pair.length - 1 &&
      pair.slice(eq + 1) !== marker &&
      mask(decodeFormName(pair.slice(0, eq)))
    ) {
      out += `${pair.slice(0, eq + 1)}${marker}`;
      changed = true;
    } else out += pair;
    if (amp === -1) break;
    out += "&";
    start = amp + 1;
  }
  return changed ? out : text;
}

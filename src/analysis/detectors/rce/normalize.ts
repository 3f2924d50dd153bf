/**
 * Light, local normalisation for code-injection checks. The point extractor already
 * emits decoded children (percent, base64, entities, JS escapes); this only undoes what
 * attackers mix inside one value so that no single decoder sees it whole
 * (`%24&lcub;\u006A&#110;di:`), and strips invisible characters used to split keywords.
 */

const NAMED: Readonly<Record<string, string>> = {
  lbrace: "{",
  rbrace: "}",
  lcub: "{",
  rcub: "}",
  lpar: "(",
  rpar: ")",
  lsqb: "[",
  rsqb: "]",
  dollar: "$",
  quot: '"',
  apos: "'",
  lt: "<",
  gt: ">",
  amp: "&",
  colon: ":",
  sol: "/",
  bsol: "\\",
  num: "#",
  period: ".",
  semi: ";",
  excl: "!",
  equals: "=",
  percnt: "%",
  grave: "`",
  verbar: "|",
  newline: "\n",
  tab: "\t",
  nbsp: " ",
  comma: ",",
};

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** True when `v` may hold something this normaliser changes (cheap scan). */
function needsWork(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 38 || c === 0x200b || c === 0x200c || c === 0x200d || c === 0xfeff || c === 0xad)
      return true;
  }
  return false;
}

/** Decodes `\uXXXX`, `\xXX`, HTML character references and drops zero-width characters. */
export function normalizeCode(v: string): string {
  if (!needsWork(v)) return v;
  const parts: string[] = [];
  const n = Math.min(v.length, 65536);
  let last = 0;
  let i = 0;
  while (i < n) {
    const c = v.charCodeAt(i);
    let rep: string | undefined;
    let len = 1;
    if (c === 0x200b || c === 0x200c || c === 0x200d || c === 0xfeff || c === 0xad) {
      rep = "";
    } else if (c === 92 && i + 3 < n) {
      const d = v.charCodeAt(i + 1);
      if (
        d === 117 /* u */ &&
        i + 5 < n &&
        isHex(v.charCodeAt(i + 2)) &&
        isHex(v.charCodeAt(i + 3)) &&
        isHex(v.charCodeAt(i + 4)) &&
        isHex(v.charCodeAt(i + 5))
      ) {
        rep = String.fromCharCode(Number.parseInt(v.slice(i + 2, i + 6), 16));
        len = 6;
      } else if (d === 120 /* x */ && isHex(v.charCodeAt(i + 2)) && isHex(v.charCodeAt(i + 3))) {
        rep = String.fromCharCode(Number.parseInt(v.slice(i + 2, i + 4), 16));
        len = 4;
      }
    } else if (c === 38 /* & */) {
      const semi = v.indexOf(";", i + 2);
      // Zero-padded numeric references (`&#0000…0123;`) are as valid as short ones.
      if (semi !== -1 && (semi - i <= 10 || (v.charCodeAt(i + 1) === 35 && semi - i <= 80))) {
        const ent = v.slice(i + 1, semi);
        if (ent.charCodeAt(0) === 35) {
          const code =
            ent[1] === "x" || ent[1] === "X"
              ? Number.parseInt(ent.slice(2), 16)
              : Number.parseInt(ent.slice(1), 10);
          if (Number.isFinite(code) && code > 0 && code < 0x110000) rep = String.fromCodePoint(code);
        } else rep = Object.hasOwn(NAMED, ent.toLowerCase()) ? NAMED[ent.toLowerCase()] : undefined;
        if (rep !== undefined) len = semi + 1 - i;
      }
    }
    if (rep !== undefined) {
      parts.push(v.slice(last, i), rep);
      i += len;
      last = i;
      continue;
    }
    i++;
  }
  if (last === 0) return v;
  parts.push(v.slice(last, n));
  return parts.join("");
}

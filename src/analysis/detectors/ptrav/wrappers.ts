/**
 * PHP stream wrappers (https://www.php.net/manual/en/wrappers.php) turn an include of a
 * user-chosen name into source disclosure (`php://filter/convert.base64-encode/…`),
 * code execution (`php://input`, `phar://` deserialisation) or archive reads
 * (`zip://…#entry`). None of them appears in a parameter by accident.
 */
const WRAPPERS = [
  "php://",
  "phar://",
  "zip://",
  "glob://",
  "compress.zlib://",
  "compress.bzip2://",
  "rar://",
  "ogg://",
  "ssh2.shell://",
  "ssh2.exec://",
  "ssh2.sftp://",
];

/** php://filter chain names, which also appear with the scheme cut off (`//filter/…`). */
const FILTER_HINTS = [
  "convert.base64",
  "convert.iconv",
  "convert.quoted",
  "string.rot13",
  "string.toupper",
  "zlib.deflate",
  "zlib.inflate",
  "read=",
];

export interface WrapperMatch {
  readonly sign: "php-wrapper" | "php-filter";
  readonly start: number;
  readonly end: number;
}

/** Lower-case scheme ending right before `end` (the `:` of `://`), at most 20 chars. */
function schemeBefore(v: string, end: number): string {
  let s = end;
  while (s > 0 && end - s < 20) {
    const c = v.charCodeAt(s - 1) | 0x20;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 /* . */) s--;
    else break;
  }
  return v.slice(s, end).toLowerCase();
}

export const WRAPPER_SCHEMES: ReadonlySet<string> = new Set(WRAPPERS.map((w) => w.slice(0, -3)));

export function findWrapper(v: string): WrapperMatch | null {
  const sep = v.indexOf("/");
  let i = sep === -1 ? -1 : v.indexOf("://", sep - 1);
  let guard = 0;
  while (i !== -1 && guard++ < 16) {
    const scheme = schemeBefore(v, i);
    if (scheme.length > 0) {
      // `compress.zlib`, `ssh2.shell`: try the dotted whole, then its last part.
      if (WRAPPER_SCHEMES.has(scheme)) return { sign: "php-wrapper", start: i - scheme.length, end: i + 3 };
      const dot = scheme.lastIndexOf(".");
      if (dot !== -1) {
        const tail = scheme.slice(dot + 1);
        const two = scheme.slice(scheme.lastIndexOf(".", dot - 1) + 1);
        if (WRAPPER_SCHEMES.has(tail) || WRAPPER_SCHEMES.has(two))
          return { sign: "php-wrapper", start: i - tail.length, end: i + 3 };
      }
    }
    i = v.indexOf("://", i + 3);
  }
  // PHP matches the `resource=` parameter of php://filter case-sensitively.
  // The chain always comes with slashes (`php://filter/…`, or `//filter/…` once cut).
  const r = sep === -1 ? -1 : v.indexOf("resource=");
  if (r !== -1) {
    const head = v.slice(0, r).toLowerCase();
    for (const h of FILTER_HINTS) {
      const k = head.indexOf(h);
      if (k !== -1) return { sign: "php-filter", start: k, end: r + 9 };
    }
  }
  return null;
}

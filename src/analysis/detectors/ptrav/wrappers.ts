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
const FILTER_HINTS = ["convert.base64", "convert.iconv", "convert.quoted", "string.rot13", "string.toupper", "zlib.deflate", "zlib.inflate", "read="];

export interface WrapperMatch {
  readonly sign: "php-wrapper" | "php-filter";
  readonly start: number;
  readonly end: number;
}

export function findWrapper(v: string): WrapperMatch | null {
  const sep = v.indexOf("//");
  const res = v.indexOf("resource=");
  if (sep === -1 && res === -1) return null;
  const low = v.toLowerCase();
  if (sep !== -1) {
    for (const w of WRAPPERS) {
      const i = low.indexOf(w);
      if (i !== -1) return { sign: "php-wrapper", start: i, end: i + w.length };
    }
  }
  if (res !== -1 || low.indexOf("resource=") !== -1) {
    const r = low.indexOf("resource=");
    for (const h of FILTER_HINTS) {
      const i = low.indexOf(h);
      if (i !== -1 && i < r) return { sign: "php-filter", start: i, end: r + 9 };
    }
  }
  return null;
}

import type { Point } from "../../../model/index.js";

/**
 * Parameter names split into lower-case words: `_CONF[path]` → conf, path;
 * `mosConfig_absolute_path` → mos, config, absolute, path; `returnTo` → return, to.
 * Used to tell a file-ish or redirect-ish parameter from any other.
 */
export function nameWords(name: string): string[] {
  const out: string[] = [];
  let cur = "";
  const n = Math.min(name.length, 128);
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    const lower = c >= 97 && c <= 122;
    const digit = c >= 48 && c <= 57;
    if (!upper && !lower && !digit) {
      if (cur.length > 0) out.push(cur);
      cur = "";
      continue;
    }
    // camelCase boundary: a capital after a lower-case letter starts a word.
    if (upper && cur.length > 0) {
      const p = name.charCodeAt(i - 1);
      if (p >= 97 && p <= 122) {
        out.push(cur);
        cur = "";
      }
    }
    cur += upper ? String.fromCharCode(c + 32) : name[i];
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Words that name a file or a location on disk. */
const FILE_WORDS = new Set([
  "file",
  "filename",
  "filepath",
  "path",
  "page",
  "include",
  "inc",
  "require",
  "template",
  "tpl",
  "doc",
  "document",
  "dir",
  "directory",
  "folder",
  "download",
  "load",
  "read",
  "view",
  "layout",
  "module",
  "conf",
  "config",
  "root",
  "lang",
  "locale",
  "style",
  "theme",
  "skin",
  "cat",
  "pg",
  "resource",
  "attachment",
]);

export function isFileName(name: string | undefined): boolean {
  if (name === undefined || name.length === 0) return false;
  for (const w of nameWords(name)) if (FILE_WORDS.has(w)) return true;
  return false;
}

/**
 * `isFileName` for the hot path: parameter names repeat from request to request
 * (`utm_source`, `id`, `q`), so answers are kept. Bounded: the table is dropped when
 * full, so names an attacker makes up cannot grow it.
 */
const FILE_NAME_MEMO = new Map<string, boolean>();
const MEMO_MAX = 4096;

export function isFileNameMemo(name: string | undefined): boolean {
  if (name === undefined || name.length === 0 || name.length > 64) return isFileName(name);
  const known = FILE_NAME_MEMO.get(name);
  if (known !== undefined) return known;
  const r = isFileName(name);
  if (FILE_NAME_MEMO.size >= MEMO_MAX) FILE_NAME_MEMO.clear();
  FILE_NAME_MEMO.set(name, r);
  return r;
}

/**
 * A parameter the client named at the top level of the request (a query or form field,
 * a top-level JSON key, a multipart field, a cookie), as opposed to a value deep in a
 * telemetry document whose key names (`url`, `path`) mean nothing to the application.
 */
export function isTopLevel(p: Pick<Point, "zone" | "steps">): boolean {
  // Decoding a value again (`… › urlenc`) does not move it deeper.
  let n = p.steps.length;
  while (n > 0 && p.steps[n - 1] === "urlenc") n--;
  if (p.zone === "cookie") return n === 3;
  if (p.zone === "query") return n === 2;
  if (p.zone === "body") return n === 3;
  return false;
}

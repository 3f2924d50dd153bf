/**
 * File names of uploads that give code execution: server-side script extensions (a web
 * shell), PHP session files (`sess_<id>`, session poisoning), and configuration files
 * that change how the server runs code (`.htaccess`, `web.config`, `wp-config.php`).
 * Seen in multipart file names and in the `X-Filename`-style headers upload APIs use.
 */
import type { Point } from "../../../model/index.js";
import type { DetectorMatch } from "../types.js";

const SCRIPT_EXT =
  /\.\s*(?:php\d*|phtml|phar|phps|pht|phpt|pgif|shtml|jspx?|jspf|jsw|jsv|aspx?|ashx|asmx|asa|cer|cfm|cgi|war)[\s.]*$/i;
const CONFIG_NAMES: ReadonlySet<string> = new Set([
  ".htaccess",
  ".htpasswd",
  "web.config",
  ".user.ini",
  "php.ini",
  "wp-config.php",
  "settings.php",
  "config.php",
  "configuration.php",
  "local.xml",
  "config.yml",
  "config.yaml",
  "application.yml",
  "application.properties",
  ".env",
  ".boto",
  ".bashrc",
  ".bash_profile",
  ".profile",
  "authorized_keys",
  "id_rsa",
  ".git",
  "crontab",
  ".npmrc",
  ".pypirc",
]);

/** True for header names upload endpoints use for the file name (`X-Filename`, `X_File_Name`…). */
export function isFilenameHeader(h: string | undefined): boolean {
  if (h === undefined) return false;
  // Each name starts with `x` or `f` once the separators are dropped: most header names
  // are settled by their first character, without building a string.
  let i = 0;
  while (i < h.length && (h.charCodeAt(i) === 45 || h.charCodeAt(i) === 95 || h.charCodeAt(i) === 46)) i++;
  const c = h.charCodeAt(i);
  if (c !== 120 && c !== 102) return false;
  // Compared in place, separators skipped: `X-Request-Id`, `X-Forwarded-For`… come with
  // every mirrored request, and a stripped copy of each cost more than the rest of the check.
  for (const name of FILENAME_HEADERS) if (sameSkippingSeparators(h, i, name)) return true;
  return false;
}

/** Header names of upload file names, with their `-`, `_` and `.` separators dropped. */
const FILENAME_HEADERS = ["xfilename", "xfile", "xuploadfilename", "filename"] as const;

/** Whether h[from…], without its `-`, `_` and `.` characters, equals `word`. */
function sameSkippingSeparators(h: string, from: number, word: string): boolean {
  let k = 0;
  for (let i = from; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c === 45 || c === 95 || c === 46) continue;
    if (k >= word.length || c !== word.charCodeAt(k)) return false;
    k++;
  }
  return k === word.length;
}

function judgeName(raw: string): DetectorMatch | null {
  const name = raw.trim();
  if (name.length === 0 || name.length > 512) return null;
  if (SCRIPT_EXT.test(name)) return { signature: "rce.script-upload", start: 0, end: name.length };
  const slash = Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\"));
  const base = name
    .slice(slash + 1)
    .toLowerCase()
    .replace(/\s+/g, "");
  if (/^sess_[a-z0-9,-]{8,}$/.test(base))
    return { signature: "rce.session-file-upload", start: 0, end: name.length };
  if (CONFIG_NAMES.has(base) || /^wp-config[-_.]/.test(base))
    return { signature: "rce.config-upload", start: 0, end: name.length };
  return null;
}

/** Checks a point that carries an upload file name; raw multipart bodies are scanned for them. */
/**
 * Apache directives that make the server run files as code (httpd docs: mod_mime
 * `AddType`/`AddHandler`, core `SetHandler`, mod_php `php_value`, core `Options`): a
 * body or uploaded file holding one is the `.htaccess` trick (upload it, then an
 * innocent-looking `avatar.jpg` runs as PHP), whatever the file is called.
 */
const SERVER_CONFIG =
  /^[ \t]{0,16}(?:add(?:type|handler)[ \t]{1,16}(?:application\/x-httpd-php|x-httpd-php|php\d?-script|cgi-script|application\/x-httpd-cgi)|sethandler[ \t]{1,16}(?:application\/x-httpd-php|php\d?-script|cgi-script|server-parsed)|php_(?:value|flag|admin_value)[ \t]{1,16}(?:auto_prepend_file|auto_append_file|engine|allow_url_include)|options[ \t]{1,16}[^\n]{0,64}\+(?:execcgi|includes))/im;
/** How much of a body the directives are looked for in. */
const CONFIG_SCAN = 65536;

export function serverConfig(v: string): DetectorMatch | null {
  const m = SERVER_CONFIG.exec(v.length > CONFIG_SCAN ? v.slice(0, CONFIG_SCAN) : v);
  return m === null ? null : { signature: "rce.server-config", start: m.index, end: m.index + m[0].length };
}

export function detectUpload(p: Point): DetectorMatch | null {
  if (p.kind === "filename") return judgeName(p.value);
  if (p.zone === "header" && isFilenameHeader(p.header)) return judgeName(p.value);
  if (p.kind === "raw" && p.zone === "body") {
    const v = p.value;
    const config = serverConfig(v);
    if (config !== null) return config;
    let k = v.indexOf("filename=");
    for (let n = 0; k !== -1 && n < 32; n++) {
      const q = v.charCodeAt(k + 9);
      let name: string;
      if (q === 34) {
        const end = v.indexOf('"', k + 10);
        name = v.slice(k + 10, end === -1 ? k + 200 : end);
      } else {
        const end = v.slice(k + 9, k + 300).search(/[;\r\n]/);
        name = v.slice(k + 9, end === -1 ? k + 300 : k + 9 + end);
      }
      const m = judgeName(name);
      if (m !== null) return { signature: m.signature, start: k, end: k + 9 + name.length };
      k = v.indexOf("filename=", k + 9);
    }
  }
  return null;
}

/**
 * Files a web server should never serve, asked for by name in the request path:
 *  - backups, swap and editor copies (`config.php.bak`, `index.php~`, `.settings.php.swp`,
 *    `#index.php#`, `.#index.php`, `x.php.bak2`, `x.php_old`), database dumps (`db.sql`, `dump.sql.gz`) and site archives
 *    (`backup.zip`, `www.tar.gz`, anything archived under a `backup/` directory):
 *    a copy that lost its script extension is served as plain text, source and
 *    credentials included;
 *  - tool leftovers and secret stores (`Thumbs.db`, `phpinfo.php`, `sftp-config.json`,
 *    `*.p12`, `*.kdbx`…);
 *  - the file names of well-known web shells (c99, r57, WSO, b374k, Alfa…): a request for
 *    one is a search for a compromise left by someone else, or a check of one's own.
 *
 * Only the request path is looked at: the same names in a parameter are usually a
 * report, a chat message or a download listing. Our own lists, matched per path
 * component, ASCII case-insensitively. A route without an extension (`/api/v1/backup`)
 * is never a file here; an archive (`/download/report.zip`) only counts when its name or
 * its directory says backup.
 */

export interface LeftoverMatch {
  readonly sign: "backup-file" | "leftover-file" | "webshell";
  readonly start: number;
  readonly end: number;
}

/** Last extensions of backup and editor copies (`x.php.bak`, `x.orig`, vim's `.swp`). */
export const BACKUP_EXTS: ReadonlySet<string> = new Set([
  "bak",
  "bk",
  "bkp",
  "bac",
  "bck",
  "backup",
  "old",
  "orig",
  "save",
  "sav",
  "swp",
  "swo",
  "swn",
  "copy",
  "dist",
]);

/** Database dump extensions, also under one compression layer (`db.sql.gz`). */
export const DUMP_EXTS: ReadonlySet<string> = new Set(["sql", "dump", "sqlite", "sqlite3", "mdb", "accdb"]);

/** Archive extensions (with `tar.gz` style pairs read as their last part). */
export const ARCHIVE_EXTS: ReadonlySet<string> = new Set([
  "zip",
  "tar",
  "tgz",
  "gz",
  "bz2",
  "tbz2",
  "xz",
  "txz",
  "rar",
  "7z",
  "zst",
]);

/** Words in an archive's name that say it is a backup of the site or its data. */
const BACKUP_WORDS = new Set([
  "backup",
  "backups",
  "bak",
  "bkp",
  "dump",
  "dumps",
  "db",
  "database",
  "databases",
  "sql",
  "mysql",
  "htdocs",
  "wwwroot",
  "httpdocs",
  "webroot",
]);

/** Whole archive names that are the site itself (`www.zip`, `site.tar.gz`). */
const SITE_NAMES = new Set([
  "www",
  "web",
  "site",
  "website",
  "html",
  "public",
  "public_html",
  "root",
  "src",
  "source",
  "code",
  "old",
  "home",
  "config",
  "conf",
  "wp",
  "wordpress",
]);

/** Directories whose content is backups: any archive or dump under them counts. */
const BACKUP_DIRS = new Set(["backup", "backups", "bak", "bkp", "dump", "dumps", "_backup", "old_backup"]);

/** Tool leftovers and secret stores, whole component. */
export const LEFTOVER_NAMES: ReadonlySet<string> = new Set([
  "thumbs.db",
  "desktop.ini",
  "phpinfo.php",
  "sftp-config.json",
  "error_log",
  "debug.log",
  "npm-debug.log",
  "yarn-error.log",
  "composer.phar",
  "secrets.json",
  "credentials.xml",
  "filezilla.xml",
  "sitemanager.xml",
  "recentservers.xml",
  "wp-config.txt",
  "docker-compose.yml",
  "docker-compose.yaml",
  "ws_ftp.log",
  "ws_ftp.ini",
]);

/** Extensions of key stores and password databases. */
export const SECRET_EXTS: ReadonlySet<string> = new Set(["p12", "pfx", "jks", "keystore", "kdbx", "ppk"]);

/** Server-side script extensions: a web shell only runs under one of these. */
export const SCRIPT_EXTS = new Set([
  "php",
  "php3",
  "php4",
  "php5",
  "php7",
  "php8",
  "pht",
  "phtml",
  "phar",
  "phps",
  "asp",
  "aspx",
  "asa",
  "cer",
  "ashx",
  "asmx",
  "jsp",
  "jspx",
  "jspf",
  "cfm",
  "cgi",
  "pl",
  "py",
  "sh",
  "shtml",
]);

/**
 * Names of widely spread web shells and their kits, as they are dropped (base name,
 * before the script extension). Distinctive ones also match with a version or suffix
 * after `_`, `.` or a digit (`c99_madnet.php`, `wso2.5.php`, `r57_1.php`).
 */
export const SHELLS_DISTINCT: ReadonlySet<string> = new Set([
  "c99",
  "c99shell",
  "c100",
  "r57",
  "r57shell",
  "wso",
  "wso2",
  "b374k",
  "alfashell",
  "alfav4",
  "indoxploit",
  "madspot",
  "madspotshell",
  "phpspy",
  "aspxspy",
  "jspspy",
  "cmdasp",
  "cmdjsp",
  "filesman",
  "fx29sh",
  "k2ll33d",
  "0byt3m1n1",
  "priv8",
  "leafmailer",
  "marijuana",
  "gel4y",
  "xleet",
  "nstview",
  "phpremoteview",
  "safe0ver",
  "simattacker",
  "cybershell",
  "locus7s",
  "ak47shell",
  "zehir",
  "ayyildiz",
  "dq99sh",
  "ctt_sh",
  "gfs_sh",
  "kacak",
  "antichat",
  "sh3ll",
  "h4x0r",
  "webshell",
  "mini_shell",
  "minishell",
  "wshell",
  "r00t",
]);

/** Generic words that only count as the exact base name of a script (`shell.php`, `cmd.jsp`). */
export const SHELLS_EXACT: ReadonlySet<string> = new Set(["shell", "cmd", "backdoor", "hacked", "alfa"]);

function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function isLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 122;
}

/** Words of a file base name: runs of letters and digits (`site_backup-2024` → site, backup, 2024). */
function hasBackupWord(base: string): boolean {
  let s = 0;
  for (let i = 0; i <= base.length; i++) {
    const c = i < base.length ? base.charCodeAt(i) : 0;
    const alnum = isLetter(c) || (c >= 48 && c <= 57);
    if (!alnum) {
      if (i > s && BACKUP_WORDS.has(base.slice(s, i))) return true;
      s = i + 1;
    }
  }
  return false;
}

/**
 * The backup word of a decorated extension: `bak2`, `old1` (numbered copies),
 * `php_bak`, `inc-old` (a suffix glued on by hand). "" when there is none.
 */
function backupSuffix(ext: string): string {
  let e = ext.length;
  while (e > 0 && ext.length - e < 4) {
    const c = ext.charCodeAt(e - 1);
    if (c < 48 || c > 57) break;
    e--;
  }
  let s = e;
  while (s > 0 && ext.charCodeAt(s - 1) !== 95 && ext.charCodeAt(s - 1) !== 45) s--;
  if (s === 0 && e === ext.length) return "";
  return ext.slice(s, e);
}

function isShellName(base: string): boolean {
  if (SHELLS_EXACT.has(base) || SHELLS_DISTINCT.has(base)) return true;
  // `c99_madnet`, `wso2.5`, `r57_1`: a distinctive name, then a version or suffix. Not
  // after `-`, which joins words in page names (`c99-features.php`).
  for (let k = 2; k < base.length && k <= 12; k++) {
    const c = base.charCodeAt(k);
    if ((c === 95 || c === 46 || (c >= 48 && c <= 57)) && SHELLS_DISTINCT.has(base.slice(0, k))) return true;
  }
  return false;
}

/** Judges one lower-case path component; `inBackupDir` when an earlier one is a backup directory. */
function judge(c: string, inBackupDir: boolean): LeftoverMatch["sign"] | null {
  const n = c.length;
  const last = c.charCodeAt(n - 1);
  // Editor copies: `index.php~` (Emacs, gedit, nano -B), `#index.php#` (Emacs autosave).
  if (last === 126 /* ~ */ && n > 2 && c.lastIndexOf(".") > 0) return "backup-file";
  if (last === 35 /* # */ && n > 3 && c.charCodeAt(0) === 35 && c.indexOf(".") > 0) return "backup-file";
  // Emacs lock files: `.#index.php`.
  if (c.charCodeAt(0) === 46 && c.charCodeAt(1) === 35 && n > 3) return "backup-file";
  if (LEFTOVER_NAMES.has(c)) return "leftover-file";
  const d1 = c.lastIndexOf(".");
  if (d1 <= 0 || d1 === n - 1) return null;
  const ext = c.slice(d1 + 1);
  if (BACKUP_EXTS.has(ext) || BACKUP_EXTS.has(backupSuffix(ext))) return "backup-file";
  if (DUMP_EXTS.has(ext)) return "backup-file";
  if (SECRET_EXTS.has(ext)) return "leftover-file";
  const d0 = c.lastIndexOf(".", d1 - 1);
  if (ARCHIVE_EXTS.has(ext)) {
    // `db.sql.gz`, `site.tar.gz`: look through one compression layer.
    const inner = d0 === -1 ? "" : c.slice(d0 + 1, d1);
    if (DUMP_EXTS.has(inner) || BACKUP_EXTS.has(inner)) return "backup-file";
    const base = c.slice(0, inner === "tar" ? d0 : d1);
    if (inBackupDir || SITE_NAMES.has(base) || hasBackupWord(base)) return "backup-file";
    return null;
  }
  if (SCRIPT_EXTS.has(ext) && isShellName(c.slice(0, d1))) return "webshell";
  return null;
}

/** CVS keeps its metadata in `CVS/Entries`, `CVS/Root`, `CVS/Repository` beside every directory. */
function cvsFile(path: string, e: number): boolean {
  if (path.charCodeAt(e) !== 47 && path.charCodeAt(e) !== 92) return false;
  const rest = path.slice(e + 1, e + 12).toLowerCase();
  return rest.startsWith("entries") || rest.startsWith("root") || rest.startsWith("repository");
}

const MAX_COMPONENT = 96;

/** Every extension `judge` may act on: the sets above and those of LEFTOVER_NAMES. */
const GATED_EXTS = new Set<string>([
  ...BACKUP_EXTS,
  ...DUMP_EXTS,
  ...ARCHIVE_EXTS,
  ...SECRET_EXTS,
  ...SCRIPT_EXTS,
]);
for (const name of LEFTOVER_NAMES) {
  const d = name.lastIndexOf(".");
  if (d !== -1) GATED_EXTS.add(name.slice(d + 1));
}

/**
 * Whether the last extension of `path[s, e)` is one `judge` acts on. Most components of
 * real traffic (`app.min.js`, `logo.png`, `index.html`) stop here, before any string
 * the size of the component is built.
 */
function extGate(path: string, s: number, e: number): boolean {
  let d = e - 1;
  while (d > s && e - d <= 10 && path.charCodeAt(d) !== 46) d--;
  if (d <= s || path.charCodeAt(d) !== 46 || d === e - 1) return false;
  let ext = "";
  for (let i = d + 1; i < e; i++) ext += String.fromCharCode(lowerCode(path.charCodeAt(i)));
  return GATED_EXTS.has(ext) || BACKUP_EXTS.has(backupSuffix(ext));
}

/**
 * The first leftover, backup or web-shell component of a decoded request path, or null.
 * One pass over the path; a component is lower-cased only when it holds a `.`, or ends
 * with `~` or `#`.
 */
export function findLeftover(path: string): LeftoverMatch | null {
  const n = path.length;
  let s = 0;
  let inBackupDir = false;
  let guard = 0;
  while (s <= n && guard++ < 128) {
    let e = s;
    let dot = false;
    while (e < n) {
      const c = path.charCodeAt(e);
      if (c === 47 || c === 92) break;
      if (c === 46) dot = true;
      e++;
    }
    const len = e - s;
    if (len >= 2 && len <= MAX_COMPONENT) {
      const lastC = path.charCodeAt(e - 1);
      const emacsLock = path.charCodeAt(s) === 46 && path.charCodeAt(s + 1) === 35;
      if ((dot && extGate(path, s, e)) || lastC === 126 || lastC === 35 || emacsLock) {
        let c = "";
        for (let i = s; i < e; i++) c += String.fromCharCode(lowerCode(path.charCodeAt(i)));
        const sign = judge(c, inBackupDir);
        if (sign !== null) return { sign, start: s, end: e };
      } else if (!inBackupDir && len <= 10) {
        let c = "";
        for (let i = s; i < e; i++) c += String.fromCharCode(lowerCode(path.charCodeAt(i)));
        if (BACKUP_DIRS.has(c) && e < n) inBackupDir = true;
        else if (c === "error_log" || c === "dockerfile") return { sign: "leftover-file", start: s, end: e };
        else if (c === "cvs" && cvsFile(path, e)) return { sign: "leftover-file", start: s, end: n };
      }
    }
    if (e >= n) break;
    s = e + 1;
  }
  return null;
}

/**
 * Files and directories an attacker reads once a path is under their control: OS
 * account and configuration files, process information under /proc, Windows system
 * files, application secrets (keys, .env, VCS metadata, Java WEB-INF). Our own curated
 * list, matched per path component so that `/test.environment` or
 * `jquery.history.min.js` are not mistaken for `.env` or `.history`.
 */

/** A component that is sensitive wherever it appears. */
export const ANYWHERE: ReadonlySet<string> = new Set([
  // Windows
  "win.ini",
  "system.ini",
  "boot.ini",
  "autoexec.bat",
  "ntuser.dat",
  "web.config",
  "applicationhost.config",
  "machine.config",
  // Unix account files that are never legitimately requested by name
  "master.passwd",
  // Keys and credentials
  "id_rsa",
  "id_dsa",
  "id_ecdsa",
  "id_ed25519",
  "id_rsa.pub",
  "authorized_keys",
  ".htaccess",
  ".htpasswd",
  ".htdigest",
  ".netrc",
  ".npmrc",
  ".pypirc",
  ".pgpass",
  ".my.cnf",
  ".git-credentials",
  ".dockercfg",
  // Version control and tool state
  ".git",
  ".svn",
  ".hg",
  ".bzr",
  ".ds_store",
  // Shell state and histories
  ".ssh",
  ".aws",
  ".azure",
  ".gnupg",
  ".kube",
  ".docker",
  ".bash_history",
  ".zsh_history",
  ".sh_history",
  ".history",
  ".mysql_history",
  ".psql_history",
  ".python_history",
  ".node_repl_history",
  ".lesshst",
  ".viminfo",
  ".bashrc",
  ".bash_profile",
  ".profile",
  // Application secrets
  "wp-config.php",
  "localsettings.php",
  "web-inf",
  "meta-inf",
  // Vite dev server's file-system escape hatch and its NUL marker
  "@fs",
  "__x00__",
]);

/** A component that is sensitive right after a given directory. */
export const AFTER: ReadonlyMap<string, ReadonlySet<string> | "any"> = new Map<
  string,
  ReadonlySet<string> | "any"
>(
  Object.entries({
    etc: new Set([
      "passwd",
      "shadow",
      "group",
      "gshadow",
      "master.passwd",
      "subuid",
      "subgid",
      "sudoers",
      "sudoers.d",
      "hosts",
      "hostname",
      "issue",
      "motd",
      "crontab",
      "cron.d",
      "fstab",
      "mtab",
      "inittab",
      "profile",
      "bashrc",
      "environment",
      "resolv.conf",
      "nsswitch.conf",
      "os-release",
      "lsb-release",
      "redhat-release",
      "debian_version",
      "security",
      "ssh",
      "ssl",
      "pki",
      "pam.d",
      "login.defs",
      "apache",
      "apache2",
      "httpd",
      "nginx",
      "lighttpd",
      "php",
      "php5",
      "php7",
      "mysql",
      "postgresql",
      "redis",
      "tomcat",
      "vsftpd.conf",
      "proftpd.conf",
      "exports",
      "aliases",
      "sysconfig",
      "init.d",
      "ld.so.preload",
      "kubernetes",
      "docker",
    ]),
    proc: new Set([
      "self",
      "thread-self",
      "version",
      "cpuinfo",
      "meminfo",
      "mounts",
      "net",
      "sys",
      "interrupts",
      "cmdline",
      "environ",
      "kcore",
      "kallsyms",
      "modules",
      "partitions",
      "stat",
      "uptime",
      "loadavg",
      "iomem",
      "ioports",
      "devices",
      "filesystems",
      "swaps",
      "vmstat",
      "zoneinfo",
      "slabinfo",
      "diskstats",
      "keys",
      "config.gz",
      "sched_debug",
    ]),
    sys: new Set([
      "class",
      "kernel",
      "devices",
      "block",
      "bus",
      "firmware",
      "fs",
      "module",
      "power",
      "hypervisor",
    ]),
    var: new Set(["log", "mail", "spool", "run", "lib", "backups"]),
    windows: new Set(["system32", "syswow64", "repair", "php.ini", "my.ini", "win.ini", "system.ini"]),
    winnt: new Set(["system32", "repair", "php.ini", "win.ini", "system.ini"]),
    system32: new Set(["config", "drivers", "inetsrv", "logfiles"]),
    repair: new Set(["sam", "system", "security", "software"]),
    config: new Set(["sam", "system", "security", "software"]),
    dev: new Set(["tcp", "udp", "shm", "mem", "kmem", "fd"]),
    boot: new Set(["grub", "grub2"]),
    inetpub: new Set(["wwwroot", "logs"]),
    root: new Set(["anaconda-ks.cfg", "install.log"]),
  } as Record<string, ReadonlySet<string> | "any">),
);

/** File names sensitive only when reached through a directory (a bare name is too common). */
export const UNDER_DIR: ReadonlySet<string> = new Set([
  "php.ini",
  "httpd.conf",
  "apache2.conf",
  "nginx.conf",
  "my.cnf",
  "my.ini",
  "php-fpm.conf",
  "debug.log",
  "error.log",
  "errors.log",
  "access.log",
  "error_log",
  "access_log",
  "config.php",
  "configuration.php",
  "settings.php",
  "database.yml",
  "secrets.yml",
  "credentials.json",
  "docker-compose.yml",
  "known_hosts",
  "web.xml",
]);

function isSegChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 46 ||
    c === 95 ||
    c === 45 ||
    c === 126 ||
    c === 64 ||
    c === 36 ||
    c === 43
  );
}

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 8) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Database dumps and site archives left in the web root (`backup.sql.zip`, `dump.sql`). */
function isBackup(seg: string): boolean {
  if (
    !(
      seg.startsWith("backup") ||
      seg.startsWith("dump") ||
      seg.startsWith("database") ||
      seg.startsWith("db.")
    )
  ) {
    return false;
  }
  return seg.includes(".sql") || seg.endsWith(".bak") || seg.endsWith(".tar.gz") || seg.endsWith(".tgz");
}

/**
 * Dot-directories that are public by design: RFC 8615 well-known URIs, Netlify
 * functions, Azure App Service authentication, the Anubis challenge page.
 */
const PUBLIC_DOT_DIRS = new Set([".well-known", ".netlify", ".auth", ".within.website"]);

export interface SensitiveMatch {
  readonly sign: "sensitive-file" | "hidden-file" | "backup-file";
  readonly start: number;
  readonly end: number;
}

/**
 * A cheap gate before any string is built: the (length, first letter) pairs of every
 * word above. Most path components of real traffic fail it and cost a table read.
 */
const MAXLEN = 32;
const GATE = new Uint8Array(65536);
/** Hash of length, first two and last character (ASCII case folded). */
function gateHash(len: number, c0: number, c1: number, cl: number): number {
  return (((len * 31 + c0) * 31 + c1) * 31 + cl) & 0xffff;
}
function gateAdd(w: string): void {
  if (w.length <= MAXLEN)
    GATE[gateHash(w.length, w.charCodeAt(0), w.charCodeAt(1), w.charCodeAt(w.length - 1))] = 1;
}
for (const w of ANYWHERE) gateAdd(w);
for (const w of UNDER_DIR) gateAdd(w);
for (const [k, set] of AFTER) {
  gateAdd(k);
  if (set !== "any") for (const w of set) gateAdd(w);
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Case-insensitive `v.startsWith(word, at)` for a lower-case ASCII word. */
function startsCI(v: string, at: number, word: string): boolean {
  if (at + word.length > v.length) return false;
  for (let k = 0; k < word.length; k++) if (lower(v.charCodeAt(at + k)) !== word.charCodeAt(k)) return false;
  return true;
}

/** End of the component at s; stops past MAXLEN + 8 (longer ones are never candidates). */
function segEnd(v: string, s: number): number {
  let e = s;
  while (e < v.length && e - s <= MAXLEN + 8 && isSegChar(v.charCodeAt(e))) e++;
  return e;
}

/** Whether a component may be worth a string: gated words, dot-files, dump names. */
function candidate(v: string, s: number, e: number): boolean {
  const len = e - s;
  if (len < 2 || len > MAXLEN + 8) return false;
  const c0 = lower(v.charCodeAt(s));
  if (c0 === 46 /* . */) return true;
  if (
    (c0 === 98 || c0 === 100) &&
    (startsCI(v, s, "backup") ||
      startsCI(v, s, "dump") ||
      startsCI(v, s, "database") ||
      startsCI(v, s, "db."))
  ) {
    return true;
  }
  if (c0 >= 48 && c0 <= 57) return false;
  return (
    len <= MAXLEN && GATE[gateHash(len, c0, lower(v.charCodeAt(s + 1)), lower(v.charCodeAt(e - 1)))] === 1
  );
}

function isSep(c: number): boolean {
  return c === 47 || c === 92;
}

/**
 * Looks at the path components of `v` that start the value or follow a `/` or `\`
 * (a sensitive name elsewhere in prose is not a path) and reports the first sensitive
 * one. `hidden` also reports a leading hidden component (`/.cursor/…`) — for request
 * paths, where servers conventionally deny every dot-file.
 */
export function findSensitive(v: string, hidden: boolean, webUrl = false): SensitiveMatch | null {
  const n = v.length;
  let pos = 0;
  let guard = 0;
  let idx = 0;
  let bs = v.indexOf("\\");
  while (pos < n && guard++ < 256) {
    // pos is the start of a component (value start, or right after separators).
    const s = pos;
    const e = segEnd(v, s);
    const afterSlash = s > 0 && isSep(v.charCodeAt(s - 1));
    if (e > s && candidate(v, s, e)) {
      const seg = v.slice(s, e).toLowerCase();
      if (ANYWHERE.has(seg) || seg === ".env" || seg.startsWith(".env.")) {
        return { sign: "sensitive-file", start: s, end: e };
      }
      // In a web URL (a Referer, a shared link) ordinary app files like `…/config.php`
      // are pages, not disk reads: only the unambiguous names count there.
      if (!webUrl && isBackup(seg)) return { sign: "backup-file", start: s, end: e };
      // The component right before, when only slashes separate them.
      let ps = s - 1;
      while (ps >= 0 && isSep(v.charCodeAt(ps))) ps--;
      if (!webUrl && afterSlash && ps >= 0 && isSegChar(v.charCodeAt(ps))) {
        if (UNDER_DIR.has(seg)) return { sign: "sensitive-file", start: s, end: e };
      }
      const after = AFTER.get(seg);
      if (after !== undefined && e < n && isSep(v.charCodeAt(e))) {
        let ns = e;
        while (ns < n && isSep(v.charCodeAt(ns))) ns++;
        const ne = segEnd(v, ns);
        if (ne > ns) {
          let next = v.slice(ns, ne).toLowerCase();
          // `passwd-`, `shadow~`: the copies shadow-utils and editors leave beside them.
          const last = next.charCodeAt(next.length - 1);
          if ((last === 45 || last === 126) && next.length > 2) next = next.slice(0, -1);
          if (after === "any" || after.has(next) || (seg === "proc" && isDigits(next))) {
            return { sign: "sensitive-file", start: s, end: ne };
          }
        }
      }
      if (hidden && idx < 2 && afterSlash && seg.charCodeAt(0) === 46) {
        const c1 = seg.charCodeAt(1);
        if (((c1 >= 97 && c1 <= 122) || (c1 >= 48 && c1 <= 57) || c1 === 95) && !PUBLIC_DOT_DIRS.has(seg)) {
          return { sign: "hidden-file", start: s, end: e };
        }
      }
    }
    if (e > s) idx++;
    // Next component: after the next separator. Anything else between components
    // (`a.txt, b/c`) breaks the path, which restarts the hidden-file position count.
    if (e >= n || !isSep(v.charCodeAt(e))) idx = 0;
    const sl = v.indexOf("/", e);
    if (bs !== -1 && bs < e) bs = v.indexOf("\\", e);
    let nx = sl === -1 ? bs : bs === -1 ? sl : Math.min(sl, bs);
    if (nx === -1) break;
    while (nx < n && isSep(v.charCodeAt(nx))) nx++;
    pos = nx;
  }
  return null;
}

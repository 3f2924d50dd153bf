/**
 * Files and directories an attacker reads once a path is under their control: OS
 * account and configuration files, process information under /proc, Windows system
 * files, application secrets (keys, .env, VCS metadata, Java WEB-INF). Our own curated
 * list, matched per path component so that `/test.environment` or
 * `jquery.history.min.js` are not mistaken for `.env` or `.history`.
 */

/** A component that is sensitive wherever it appears. */
const ANYWHERE = new Set([
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
const AFTER: Record<string, ReadonlySet<string> | "any"> = {
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
  sys: new Set(["class", "kernel", "devices", "block", "bus", "firmware", "fs", "module", "power", "hypervisor"]),
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
};

/** File names sensitive only when reached through a directory (a bare name is too common). */
const UNDER_DIR = new Set([
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
  "credentials",
  "credentials.json",
  "docker-compose.yml",
  "known_hosts",
  "shadow",
  "passwd",
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
  if (!(seg.startsWith("backup") || seg.startsWith("dump") || seg.startsWith("database") || seg.startsWith("db."))) {
    return false;
  }
  return seg.includes(".sql") || seg.endsWith(".bak") || seg.endsWith(".tar.gz") || seg.endsWith(".tgz");
}

export interface SensitiveMatch {
  readonly sign: "sensitive-file" | "hidden-file" | "backup-file";
  readonly start: number;
  readonly end: number;
}

/**
 * Walks the path components of `v` (separated by `/` or `\`; any other punctuation
 * breaks a path) and reports the first sensitive one. `hidden` also reports a leading
 * hidden component (`/.cursor/…`) — for request paths, where servers conventionally
 * deny every dot-file.
 */
export function findSensitive(v: string, hidden: boolean): SensitiveMatch | null {
  const n = v.length;
  let i = 0;
  let prev = "";
  let slashOnly = false;
  let sawSlash = false;
  let idx = 0;
  let guard = 0;
  while (i < n && guard++ < 512) {
    // Delimiters between components.
    const d0 = i;
    let onlySlash = true;
    while (i < n && !isSegChar(v.charCodeAt(i))) {
      const c = v.charCodeAt(i);
      if (c !== 47 && c !== 92) onlySlash = false;
      i++;
    }
    const delims = i - d0;
    slashOnly = delims > 0 && onlySlash;
    if (delims > 0 && !onlySlash) {
      prev = "";
      sawSlash = false;
      idx = 0;
    }
    if (slashOnly) sawSlash = true;
    const s = i;
    while (i < n && isSegChar(v.charCodeAt(i))) i++;
    const len = i - s;
    if (len === 0) break;
    if (len > 40) {
      prev = "";
      continue;
    }
    const seg = v.slice(s, i).toLowerCase();
    const after = slashOnly ? AFTER[prev] : undefined;
    if (after !== undefined && (after === "any" || after.has(seg) || (prev === "proc" && isDigits(seg)))) {
      return { sign: "sensitive-file", start: s - prev.length - 1, end: i };
    }
    if (ANYWHERE.has(seg) || seg === ".env" || seg.startsWith(".env.")) {
      return { sign: "sensitive-file", start: s, end: i };
    }
    if (slashOnly && prev.length > 0 && UNDER_DIR.has(seg)) return { sign: "sensitive-file", start: s, end: i };
    if (isBackup(seg)) return { sign: "backup-file", start: s, end: i };
    if (hidden && idx < 2 && sawSlash && seg.length > 1 && seg.charCodeAt(0) === 46) {
      const c1 = seg.charCodeAt(1);
      if (((c1 >= 97 && c1 <= 122) || (c1 >= 48 && c1 <= 57) || c1 === 95) && seg !== ".well-known") {
        return { sign: "hidden-file", start: s, end: i };
      }
    }
    prev = seg;
    idx++;
  }
  return null;
}

/**
 * Curated command vocabulary for OS command injection. Two tiers, because the hard part
 * is not recognising `cat` but not flagging "my cat; her dog":
 *  - DISTINCT: names that are not ordinary words in prose (whoami, ifconfig, wget…). Seen
 *    as the command word of an injected command, they are enough on their own.
 *  - COMMON: real commands that are also English words or very short (cat, id, time,
 *    find…). They only count with shell-shaped arguments (flags, paths, redirections) or
 *    in a position prose never produces (inside `$(…)`, after a pipe).
 * Lists are from the author's knowledge of post-exploitation and LOLBAS/GTFOBins
 * tooling, not from any test corpus.
 */

const DISTINCT_LIST = [
  // identity / recon
  "whoami", "ifconfig", "ipconfig", "netstat", "nslookup", "uname", "hostname", "getent", "lsb_release", "systeminfo",
  "tasklist", "taskkill", "lastlog", "lsof", "lsmod", "sysctl", "dmesg", "printenv", "groups", "ulimit", "arp",
  "traceroute", "tracert", "nmap", "masscan", "htop", "pgrep", "pkill", "killall", "pstree", "lscpu", "lspci", "lsusb",
  "uptime", "getfacl", "ss", "ip6tables", "iptables", "nft", "route", "netsh", "wmic", "net1", "quser", "qwinsta",
  // shells and interpreters
  "bash", "sh", "zsh", "ksh", "csh", "tcsh", "dash", "fish", "ash", "busybox", "toybox", "python", "python2", "python3",
  "perl", "perl5", "ruby", "irb", "php", "php5", "php7", "php8", "node", "nodejs", "deno", "bun", "lua", "luajit", "tclsh",
  "wish", "expect", "gawk", "mawk", "nawk", "awk", "jrunscript", "jshell", "groovy", "scala", "rlwrap", "socat", "xterm",
  "powershell", "pwsh", "cmd", "cscript", "wscript", "mshta", "rundll32", "regsvr32", "msiexec", "certutil", "bitsadmin",
  "regedit", "reg", "schtasks", "sc", "vssadmin", "wevtutil", "bcdedit", "bcdboot", "diskshadow", "forfiles", "msbuild",
  "installutil", "regasm", "regsvcs", "cmstp", "odbcconf", "mavinject", "esentutl", "expand", "findstr", "icacls",
  "cacls", "takeown", "attrib", "powercat",
  // fetching, tunnelling
  "wget", "curl", "nc", "ncat", "netcat", "telnet", "ftp", "tftp", "sftp", "scp", "rsync", "ssh", "ssh-keygen",
  "ssh-copy-id", "lwp-download", "lwp-request", "lynx", "aria2c", "axel", "fetch", "openssl", "xxd", "base64", "base32",
  "uuencode", "uudecode", "od", "hexdump", "strings",
  // file and permission changes
  "chmod", "chown", "chgrp", "chattr", "lsattr", "setfacl", "mkfifo", "mknod", "ln", "dd", "shred", "truncate", "tee",
  "useradd", "userdel", "usermod", "adduser", "deluser", "passwd", "chpasswd", "visudo", "sudo", "su", "doas", "pkexec",
  "crontab", "systemctl", "service", "chkconfig", "update-rc.d", "insmod", "rmmod", "modprobe", "mount", "umount",
  "shutdown", "reboot", "halt", "poweroff", "init", "telinit", "nohup", "setsid", "strace", "ltrace", "gdb", "nice",
  "timeout", "xargs", "env",
  // archivers / readers abused to read files (GTFOBins)
  "gunzip", "gzip", "zcat", "bzcat", "bunzip2", "bzip2", "xz", "unxz", "xzcat", "lzma", "zstd", "zstdcat", "unzstd",
  "tar", "bsdtar", "unzip", "7z", "7za", "rar", "unrar", "zip", "cpio", "ar", "zless", "zmore", "zgrep", "egrep", "fgrep",
  "grep", "sed", "nl", "tac", "rev", "uconv", "iconv", "base58", "jq", "yq", "column", "pr", "fmt", "fold", "expand",
  "unexpand", "paste", "cut", "split", "csplit", "comm", "diff", "cmp", "sha1sum", "md5sum", "sha256sum", "cksum",
  "readelf", "objdump", "ldd", "nm", "file", "stat", "realpath", "readlink", "basename", "dirname", "locate", "updatedb",
  "vi", "vim", "nvim", "nano", "pico", "emacs", "ed", "ex", "view", "less", "more", "pg", "most",
  // build / package tooling
  "gcc", "cc", "c89", "c99", "g++", "clang", "make", "cmake", "ld", "as", "pip", "pip2", "pip3", "pipx", "npm", "npx",
  "yarn", "pnpm", "gem", "bundle", "composer", "cargo", "go", "javac", "java", "mvn", "gradle", "apt", "apt-get",
  "aptitude", "dpkg", "rpm", "yum", "dnf", "zypper", "apk", "pacman", "snap", "brew", "docker", "kubectl", "podman",
  "ansible", "ansible-playbook", "ansible-config", "ansible-galaxy", "ansible-console", "ansible-doc", "ansible-inventory",
  "ansible-pull", "ansible-vault", "chef", "chef-client", "chef-shell", "chef-run", "chef-vault", "knife", "puppet",
  "salt", "cscli", "terraform", "perf", "rmt", "aa-disable", "aa-enforce", "aa-exec", "mysql", "psql", "sqlite3",
  "redis-cli", "mongo", "mongosh",
  // misc
  "ls", "ps", "pwd", "dir", "echo", "printf", "id", "cat", "ll", "la", "nproc", "w", "who", "last", "finger", "pinky",
  "ip", "flock", "cpulimit", "ab", "rmt-tar", "rmt-dump", "iex", "iwr", "irm", "iwmi", "gwmi", "saps", "bridge", "lastlogin",
] as const;

/**
 * Command names that are also common English words or so short that prose or identifiers
 * produce them. They need corroboration (arguments or position); see the file comment.
 */
const COMMON_LIST = [
  "cat", "id", "ls", "ps", "pwd", "dir", "echo", "time", "env", "set", "find", "date", "head", "tail", "more", "less",
  "sort", "kill", "ping", "host", "dig", "who", "w", "last", "mail", "at", "cp", "mv", "rm", "touch", "type", "copy",
  "del", "move", "ren", "start", "call", "exit", "open", "read", "source", "exec", "eval", "test", "true", "false",
  "wait", "trap", "unset", "export", "alias", "history", "jobs", "watch", "top", "free", "df", "du", "mkdir", "rmdir",
  "cd", "sleep", "yes", "wall", "write", "tr", "wc", "uniq", "join", "look", "script", "screen", "tmux", "at", "batch",
  "logger", "ll", "la", "file", "stat", "cut", "split", "paste", "diff", "expand", "nice", "init", "halt", "reboot",
  "shutdown", "service", "route", "fetch", "view", "ed", "ex", "pg", "most", "as", "ld", "go", "make", "apt", "gem",
  "bundle", "chef", "salt", "snap", "brew", "perf", "rev", "comm", "cmp", "column", "pr", "fmt", "fold", "od", "nl",
  "tee", "ln", "dd", "ar", "cc", "sh", "su", "sc", "reg", "expect", "wish", "fish", "ash", "node", "groups", "printf",
  "python", "java", "strings", "locate", "basename", "dirname", "more", "net", "cmd", "print", "grep", "sed", "awk",
  "tar", "zip", "ssh", "ftp", "telnet", "lynx", "curl", "bash", "base64", "mount", "umount", "shred", "truncate",
  "nohup", "strace", "timeout", "xargs", "passwd", "sudo", "pip", "npm", "docker", "mysql", "ruby", "perl", "php",
  "ip", "bridge", "fetch", "ss", "route", "arp", "nc",
] as const;

/** Every command known, distinct or common. */
export const COMMANDS: ReadonlySet<string> = new Set<string>([...DISTINCT_LIST, ...COMMON_LIST, "net", "print"]);
/** Commands that need corroboration. */
export const COMMON: ReadonlySet<string> = new Set<string>(COMMON_LIST);

/** Commands whose job is to run another command: the word after them is the real one. */
export const WRAPPERS: ReadonlySet<string> = new Set([
  "sudo", "nohup", "time", "strace", "ltrace", "env", "exec", "command", "builtin", "nice", "setsid", "timeout", "xargs",
  "doas", "stdbuf", "unbuffer", "chroot", "eval", "then", "do", "else", "!",
]);

/** Interpreters / shells: with a code flag (`-c`, `-e`, `-r`) or a pipe into them, always an attack. */
export const SHELLS: ReadonlySet<string> = new Set([
  "sh", "bash", "zsh", "ksh", "csh", "tcsh", "dash", "ash", "fish", "busybox", "python", "python2", "python3", "perl",
  "ruby", "php", "node", "nodejs", "lua", "powershell", "pwsh", "cmd", "irb", "tclsh", "awk", "gawk", "socat", "nc",
  "ncat", "netcat",
]);

/**
 * Sensitive files and devices: arguments that make a bare command line an attack
 * ("cat /etc/passwd"), and the targets of glob evasion ("/???/pa??wd").
 */
export const SENSITIVE_PATHS: readonly string[] = [
  "/etc/passwd", "/etc/shadow", "/etc/group", "/etc/hosts", "/etc/issue", "/etc/sudoers", "/etc/crontab",
  "/etc/resolv.conf", "/etc/hostname", "/etc/motd", "/etc/master.passwd", "/etc/ssh/sshd_config", "/proc/self/environ",
  "/proc/self/cmdline", "/proc/version", "/proc/cpuinfo", "/proc/self/maps", "/root/.ssh/id_rsa", "/root/.bash_history",
  "/bin/sh", "/bin/bash", "/bin/cat", "/bin/ls", "/bin/ps", "/bin/nc", "/bin/busybox", "/usr/bin/id", "/usr/bin/whoami",
  "/usr/bin/wget", "/usr/bin/curl", "/usr/bin/python", "/usr/bin/python3", "/usr/bin/perl", "/usr/bin/nc",
  "/usr/bin/uname", "/usr/bin/env", "/var/log/auth.log", "/dev/tcp", "/dev/udp",
];

/** Short, strong path prefixes: reading or writing under these is what injected commands do. */
export const SENSITIVE_PREFIXES: readonly string[] = [
  "/etc/", "/proc/", "/dev/tcp/", "/dev/udp/", "/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/",
  "/var/log/", "/var/www/", "/tmp/", "/root/", "/home/", "/dev/shm/", "/dev/null", "c:\\windows", "c:/windows",
  "%systemroot%", "%windir%", "%comspec%", "%temp%",
];

/** Basename of a command path, lower-cased, without a Windows executable suffix. */
export function commandName(word: string): string {
  let w = word;
  const slash = Math.max(w.lastIndexOf("/"), w.lastIndexOf("\\"));
  if (slash !== -1) w = w.slice(slash + 1);
  w = w.toLowerCase();
  if (w.endsWith(".exe") || w.endsWith(".com") || w.endsWith(".bat") || w.endsWith(".cmd")) w = w.slice(0, -4);
  return w;
}

/** `python3.10` → `python3`: interpreters are often called by their versioned names. */
export function stripVersion(name: string): string {
  if (COMMANDS.has(name)) return name;
  let end = name.length;
  while (end > 0) {
    const c = name.charCodeAt(end - 1);
    if ((c >= 48 && c <= 57) || c === 46) end--;
    else break;
  }
  if (end === name.length || end === 0) return name;
  const base = name.slice(0, end);
  if (COMMANDS.has(base)) return base;
  const withDigit = name.slice(0, end + 1);
  return COMMANDS.has(withDigit) ? withDigit : name;
}

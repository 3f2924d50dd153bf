/**
 * URL schemes that only a server-side fetcher (curl, Java's URL handlers, PHP streams,
 * libxml) would follow. A browser never sends them in a parameter, so their presence is
 * the SSRF sign whatever the host. `file`-like schemes read the server's own disk.
 */
export const FETCHER_SCHEMES: ReadonlySet<string> = new Set([
  "gopher", // raw TCP bytes to any port (Redis, SMTP, FastCGI)
  "dict", // RFC 2229, also talks to Redis / memcached
  "ldap",
  "ldaps",
  "ldapi",
  "tftp",
  "sftp",
  "smb",
  "netdoc", // Java: file read
  "jar", // Java: jar:http://…!/ fetches and unpacks
  "file",
  "local_file", // Python urllib's legacy alias of file:
  "netdoc",
]);

/**
 * Network schemes whose authority is a host the server would connect to, so that an
 * internal host there is an SSRF target. Includes the exotic ones CRS lists as reaching
 * internal services (imap, irc, rtmp…), because curl speaks many of them.
 */
export const HOST_SCHEMES: ReadonlySet<string> = new Set([
  "http",
  "https",
  "ftp",
  "ftps",
  "ws",
  "wss",
  "gopher",
  "dict",
  "ldap",
  "ldaps",
  "tftp",
  "sftp",
  "ssh",
  "telnet",
  "smb",
  "imap",
  "imaps",
  "pop3",
  "pop3s",
  "smtp",
  "smtps",
  "irc",
  "rtmp",
  "rtsp",
  "rsync",
  "acap",
  "xri",
  "mysql",
  "redis",
  "mongodb",
  "postgres",
  "postgresql",
  "jdbc",
  "scp",
  "nntp",
  "mms",
  "local_file",
  "netdoc",
  "file",
  "url",
]);

/**
 * Mail protocol vocabulary.
 *  - Header fields of RFC 5322 §3.6 (+ MIME, RFC 2045) that a `mail()`-style API copies
 *    from user input into the message head.
 *  - SMTP commands (RFC 5321 §4.1), IMAP4rev2 commands (RFC 9051 §6), POP3 (RFC 1939).
 */

/** Fields that add recipients or impersonate: need an address (`@` or `<`) to count. */
export const ADDRESS_FIELDS: ReadonlySet<string> = new Set([
  "to",
  "cc",
  "bcc",
  "from",
  "sender",
  "reply-to",
  "return-path",
  "resent-to",
  "resent-cc",
  "resent-bcc",
  "resent-from",
  "disposition-notification-to",
]);

/** Fields that rewrite the message itself. */
export const CONTENT_FIELDS: ReadonlySet<string> = new Set([
  "subject",
  "content-type",
  "content-transfer-encoding",
  "mime-version",
  "x-mailer",
  "x-priority",
]);

/** SMTP commands that, at a line start, are a conversation and not prose. */
export const SMTP_ENVELOPE: readonly string[] = ["mail from:", "rcpt to:"];
export const SMTP_OTHER: ReadonlySet<string> = new Set([
  "HELO",
  "EHLO",
  "DATA",
  "RSET",
  "VRFY",
  "EXPN",
  "QUIT",
  "NOOP",
  "STARTTLS",
  "AUTH",
  "HELP",
]);

export const IMAP_COMMANDS: ReadonlySet<string> = new Set([
  "CAPABILITY",
  "LOGIN",
  "LOGOUT",
  "AUTHENTICATE",
  "SELECT",
  "EXAMINE",
  "CREATE",
  "DELETE",
  "RENAME",
  "SUBSCRIBE",
  "UNSUBSCRIBE",
  "LIST",
  "LSUB",
  "STATUS",
  "APPEND",
  "CHECK",
  "CLOSE",
  "EXPUNGE",
  "SEARCH",
  "FETCH",
  "STORE",
  "COPY",
  "MOVE",
  "UID",
  "NOOP",
  "IDLE",
  "ENABLE",
  "NAMESPACE",
  "GETQUOTAROOT",
]);

export const POP3_COMMANDS: ReadonlySet<string> = new Set([
  "USER",
  "PASS",
  "RETR",
  "DELE",
  "TOP",
  "UIDL",
  "APOP",
  "LIST",
  "STAT",
  "CAPA",
]);

/**
 * Parameter names that feed mail headers or envelopes in contact forms and mailers:
 * their values are single-line by design, so any injected field counts.
 */
const MAILISH_WORDS: readonly string[] = [
  "mail",
  "subject",
  "sender",
  "recipient",
  "replyto",
  "reply_to",
  "reply-to",
  "from",
  "bcc",
];
const MAILISH_EXACT: ReadonlySet<string> = new Set([
  "to",
  "cc",
  "name",
  "fullname",
  "full_name",
  "rcpt",
  "addr",
  "address",
]);

export function isMailishName(name: string | undefined): boolean {
  if (name === undefined || name.length === 0 || name.length > 40) return false;
  const n = name.toLowerCase();
  if (MAILISH_EXACT.has(n)) return true;
  for (const w of MAILISH_WORDS) if (n.indexOf(w) !== -1) return true;
  return false;
}

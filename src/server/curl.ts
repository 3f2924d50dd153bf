import { isIP } from "node:net";
import type { StoredRequest } from "../model/index.js";
import { isToken } from "../model/index.js";
import { fieldText, isPseudoHeader, targetText } from "./raw-http.js";

/**
 * A stored request as a cURL command line for a POSIX shell. Every byte of the method,
 * target, headers and body was chosen by an attacker, and the analyst pastes this into a
 * terminal, so:
 *  - each such string is one single-quoted shell word: inside single quotes nothing is
 *    special (POSIX.1-2017 XCU §2.2.2) and a quote is written `'\''`, so no content can
 *    end the word, expand (`$()`, backticks, `$VAR`) or start a new command;
 *  - no argument lets curl read a local file: the body goes with `--data-raw` (where a
 *    leading `@` is data, unlike `--data-binary`) or through stdin, and headers whose name
 *    is not an RFC 9110 token (e.g. starting with `@`, which `-H` reads as a file name)
 *    are left out;
 *  - URL globbing is off (`--globoff`) and the path is sent as is (`--path-as-is`);
 *  - NUL cannot be part of an argument at all, so a body holding NUL (or too big for one
 *    argument) is written by the shell's `printf` into curl's stdin instead.
 */

/** One POSIX shell word holding exactly `s` (which must not contain NUL). */
export function shellQuote(s: string): string {
  if (s.includes("\0")) throw new Error("shellQuote: NUL cannot be passed in a shell word");
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/**
 * A `printf` format string that prints exactly `s`: `\` and `%` are escaped, NUL becomes
 * the octal escape `\000` (always three digits, so a following digit is not absorbed).
 */
export function printfFormat(s: string): string {
  let out = "";
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === "%") out += "%%";
    else if (ch === "\0") out += "\\000";
    else out += ch;
  }
  return out;
}

/** A host (name, IPv4, or bracketed IPv6) with an optional port, safe as a URL authority. */
function urlAuthority(host: string): boolean {
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    if (close === -1 || isIP(host.slice(1, close)) !== 6) return false;
    const rest = host.slice(close + 1);
    return rest === "" || /^:\d{1,5}$/.test(rest);
  }
  return /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})(?::\d{1,5})?$/.test(host);
}

function serverAuthority(r: StoredRequest): string | undefined {
  if (r.serverIp === undefined) return undefined;
  const family = isIP(r.serverIp);
  if (family === 0) return undefined;
  const ip = family === 6 ? `[${r.serverIp}]` : r.serverIp;
  return r.serverPort === undefined ? ip : `${ip}:${r.serverPort}`;
}

/** Bodies past this many UTF-8 bytes go through stdin: Linux caps one argument at 128 KiB. */
const MAX_BODY_ARG = 64 * 1024;

/** Headers curl must compute itself: the stored body may be masked or truncated. */
const COMPUTED = new Set(["content-length", "host"]);

/** Paths curl sends exactly as given: RFC 3986 path and query characters only (no `#`). */
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;

export function curlCommand(r: StoredRequest): string {
  // Each entry is one line of the command: an option with its (quoted) value.
  const opts: string[] = ["--globoff --path-as-is"];
  const notes: string[] = [];
  if (r.method === "HEAD" && r.body === "") opts.push("--head");
  else opts.push(`-X ${shellQuote(fieldText(r.method))}`);

  // The URL carries the scheme and the authority; the target goes in the URL when curl
  // sends it unchanged, else verbatim through --request-target.
  const scheme = r.scheme === "https" ? "https" : "http";
  const host = r.host;
  const hostOk = host !== "" && urlAuthority(host);
  const authority = hostOk ? host : (serverAuthority(r) ?? "localhost");
  const target = targetText(r.target);
  const plain = PLAIN_TARGET.test(target);
  if (!plain) opts.push(`--request-target ${shellQuote(target)}`);
  // The recorded host is the cleaned one (a mirror's `-shadow` suffix removed): send it,
  // not the recorded Host field; curl derives Host from the URL when that holds it.
  if (!hostOk && host !== "") opts.push(`-H ${shellQuote(`Host: ${fieldText(host)}`)}`);

  let dropped = 0;
  for (const [name, value] of r.headers) {
    if (isPseudoHeader(name) || COMPUTED.has(name.toLowerCase())) continue;
    if (!isToken(name)) {
      dropped++;
      continue;
    }
    const v = fieldText(value);
    // `-H 'Name:'` would remove the header; `Name;` is curl's syntax for an empty value.
    opts.push(`-H ${shellQuote(v === "" ? `${name};` : `${name}: ${v}`)}`);
  }
  if (dropped > 0) notes.push(`# ${dropped} header(s) with an invalid name left out`);
  if (r.bodyTruncated) notes.push("# the stored body was truncated: this sends only its first part");

  let head = "curl";
  if (r.body !== "") {
    if (r.body.includes("\0") || Buffer.byteLength(r.body, "utf8") > MAX_BODY_ARG) {
      head = `printf -- ${shellQuote(printfFormat(r.body))} | curl`;
      opts.push("--data-binary @-");
    } else {
      opts.push(`--data-raw ${shellQuote(r.body)}`);
    }
  }
  opts.push(shellQuote(`${scheme}://${authority}${plain ? target : "/"}`));
  return `${[...notes, `${head} ${opts.join(" \\\n  ")}`].join("\n")}\n`;
}

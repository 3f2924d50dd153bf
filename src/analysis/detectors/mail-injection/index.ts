import type { Point } from "../../../model/index.js";
import { CH } from "../charmask.js";
import {
  BREAK_NEEDS,
  BREAK_REAL,
  BREAK_UNICODE,
  type BreakRun,
  isTokenish,
  mayHaveBreak,
  newRun,
  nextBreak,
} from "../crlf/breaks.js";
import { breakContext } from "../crlf/context.js";
import { fieldNameAt } from "../crlf/lines.js";
import type { Detector, DetectorMatch } from "../types.js";
import { CMD_STRONG, CMD_WEAK, commandAt } from "./protocol.js";
import { findSendmailArgs, mayHaveSendmailArgs } from "./sendmail.js";
import { ADDRESS_FIELDS, CONTENT_FIELDS, isMailishName } from "./vocabulary.js";

/**
 * Mail injection: header injection into a message built from user input (`Bcc:`, `Cc:`,
 * `To:`, `Subject:`, `Content-Type:` after a line break), SMTP/IMAP/POP3 commands smuggled
 * after a line break into a mail conversation, and sendmail option injection.
 *
 * CR/LF handling is shared with the crlf detector (same break finder, same notion of
 * where a break means something); a value can be both (`x%0d%0aBcc:` in a query is a
 * CR/LF injection and a mail injection), each detector reporting its own reading.
 * In prose (a message body, a forwarded e-mail pasted in a text area) header-looking
 * lines are normal, so there a field counts only for a mail-ish parameter name or when
 * the first line is a single token such as an address.
 */

const run: BreakRun = newRun();
const MAX_BREAKS = 64;

/** The field value on the line at `from` holds an address. */
function hasAddress(v: string, from: number): boolean {
  const lim = Math.min(v.length, from + 256);
  for (let i = from; i < lim; i++) {
    const c = v.charCodeAt(i);
    if (c === 64 || c === 60) return true;
    if (c === 10 || c === 13) return false;
  }
  return false;
}

function headerInjection(p: Point, mailish: boolean): DetectorMatch | null {
  const v = p.value;
  const ctx = breakContext(p);
  if (ctx === "raw") return null;
  let from = 0;
  let firstLineEnd = -1;
  let weak = 0;
  for (let k = 0; k < MAX_BREAKS && nextBreak(v, from, run); k++) {
    const { start, end, kind } = run;
    from = end;
    if (kind === BREAK_UNICODE && run.unicode < 2) continue;
    if (firstLineEnd === -1) firstLineEnd = start;
    if (end >= v.length) break;
    const real = kind === BREAK_REAL || kind === BREAK_UNICODE;
    // A header field counts for a mail-ish name, in single-line places, in a query value
    // whose first line is one token, or in any value whose first line is an address (or
    // empty): "Hi,\nFrom: Alice <a@b.c>" pasted in a message is not an injection.
    const tokenFirst = isTokenish(v, 0, firstLineEnd);
    const single =
      mailish ||
      ctx === "name" ||
      ctx === "path" ||
      ctx === "header" ||
      (ctx === "query" && tokenFirst) ||
      firstLineEnd === 0 ||
      (tokenFirst && hasAddress(v, 0));
    const cmd = commandAt(v, end);
    if (cmd === CMD_STRONG && (real || single)) {
      return { signature: "mail_injection.protocol-command", start, end: Math.min(v.length, end + 16) };
    }
    // A lone verb counts when the value starts with the break or is a single token
    // before it (`%0d%0aQUIT`, `INBOX%0d%0aDATA`) outside prose; otherwise two are needed.
    const lone = firstLineEnd === 0 || (ctx !== "body" && isTokenish(v, 0, firstLineEnd));
    if (cmd === CMD_WEAK && real && (lone || ++weak >= 2)) {
      return { signature: "mail_injection.protocol-command", start, end: Math.min(v.length, end + 16) };
    }
    const nameEnd = fieldNameAt(v, end);
    if (nameEnd === -1 || !single) continue;
    const name = nameEnd - end > 40 ? "" : v.slice(end, nameEnd).toLowerCase();
    if (ADDRESS_FIELDS.has(name)) {
      if (hasAddress(v, nameEnd)) return { signature: "mail_injection.header", start, end: nameEnd + 1 };
    } else if (CONTENT_FIELDS.has(name) && (mailish || hasAddress(v, 0))) {
      return { signature: "mail_injection.header", start, end: nameEnd + 1 };
    }
  }
  return null;
}

export function detectMailInjection(p: Point): DetectorMatch | null {
  const v = p.value;
  const mailish = isMailishName(p.name);
  if (mayHaveBreak(v)) {
    const m = headerInjection(p, mailish);
    if (m !== null) return m;
  }
  if (mayHaveSendmailArgs(v)) return findSendmailArgs(v, mailish);
  return null;
}

export const mailInjectionDetector: Detector = {
  type: "mail_injection",
  prefilter: (v, m) => mayHaveBreak(v, m) || mayHaveSendmailArgs(v, m),
  // A break (mayHaveBreak), or `${run{` / a `-X` option (mayHaveSendmailArgs).
  needs: BREAK_NEEDS | CH.DOLLAR | CH.DASH,
  detect: detectMailInjection,
};

import { IMAP_COMMANDS, POP3_COMMANDS, SMTP_ENVELOPE, SMTP_OTHER } from "./vocabulary.js";

/**
 * A mail protocol command at the start of an injected line `p` (after a break):
 *  - SMTP `MAIL FROM:` / `RCPT TO:` (RFC 5321 §4.1.1.2-3): conclusive;
 *  - other SMTP verbs (`DATA`, `HELO x`, `QUIT`): returned as weak, counted by the caller;
 *  - IMAP `tag COMMAND` (RFC 9051 §2.2.1: every client command starts with a tag): the
 *    tag must hold a digit (`A1`, `a001`) or the command be upper-case, so that a line
 *    like "A list of things" does not count;
 *  - POP3 `RETR n` / `DELE n` / `USER x` in upper case: weak.
 */

export const CMD_NONE = 0;
export const CMD_STRONG = 1;
export const CMD_WEAK = 2;

function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

function upperWord(v: string, i: number): string {
  let j = i;
  const lim = Math.min(v.length, i + 14);
  while (j < lim && isAlnum(v.charCodeAt(j))) j++;
  return v.slice(i, j);
}

function isDigitAt(v: string, i: number): boolean {
  const c = v.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function lineEnd(v: string, i: number): boolean {
  const c = v.charCodeAt(i);
  return Number.isNaN(c) || c === 13 || c === 10 || c === 32 || c === 9;
}

/**
 * After a lower-case command, something only IMAP would write: a quoted or literal
 * string, a parenthesised list, a sequence set (`1:*`), a flag, an upper-case atom
 * (`INBOX`, `PLAIN`), or the end of the line. "A1 select the cell" has none.
 */
function imapArgumentAt(v: string, i: number): boolean {
  const c = v.charCodeAt(i);
  if (Number.isNaN(c) || c === 13 || c === 10) return true;
  if (c !== 32) return false;
  const a = v.charCodeAt(i + 1);
  if (a === 34 || a === 40 || a === 123 || a === 92 || a === 42 || (a >= 48 && a <= 57)) return true;
  const w = upperWord(v, i + 1);
  return w.length >= 2 && w === w.toUpperCase() && !/[0-9]/.test(w.charAt(0));
}

export function commandAt(v: string, p: number): number {
  const head = v.slice(p, p + 10).toLowerCase();
  for (const e of SMTP_ENVELOPE) if (head.startsWith(e)) return CMD_STRONG;
  const w = upperWord(v, p);
  if (w.length === 0) return CMD_NONE;
  const after = p + w.length;
  const upper = w.toUpperCase();
  if (SMTP_OTHER.has(upper) && w === upper && lineEnd(v, after)) return CMD_WEAK;
  // POP3: upper-case verb, or any case with a message number (`list 3`, `retr 12`).
  if (POP3_COMMANDS.has(upper) && (w === upper || (v.charCodeAt(after) === 32 && isDigitAt(v, after + 1)))) {
    return CMD_WEAK;
  }
  // IMAP: tag SP command
  if (v.charCodeAt(after) === 32 && w.length <= 10) {
    let cs = after + 1;
    let cmd = upperWord(v, cs);
    // `a001 uid store …`: UID prefixes another command (RFC 9051 §6.4.9).
    if (cmd.toUpperCase() === "UID" && v.charCodeAt(cs + 3) === 32) {
      cs += 4;
      cmd = upperWord(v, cs);
    }
    const cu = cmd.toUpperCase();
    const argAt = cs + cmd.length;
    if (IMAP_COMMANDS.has(cu) && lineEnd(v, argAt) && (cmd === cu || imapArgumentAt(v, argAt))) {
      let digit = false;
      let letter = false;
      for (let k = 0; k < w.length; k++) {
        const c = w.charCodeAt(k);
        if (c >= 48 && c <= 57) digit = true;
        else letter = true;
      }
      if ((digit && letter) || (cmd === cu && letter)) return CMD_STRONG;
      // `d store 2 +FLAGS (\Deleted)`: a bare tag, but IMAP arguments.
      if (letter && imapArgumentAt(v, argAt)) return CMD_WEAK;
    }
  }
  return CMD_NONE;
}

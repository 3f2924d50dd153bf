import { CH } from "../charmask.js";
import type { DetectorMatch } from "../types.js";

/**
 * Argument injection into a sendmail-compatible binary (PHP `mail()` 5th parameter,
 * PHPMailer CVE-2016-10033, SwiftMailer): an address such as
 * `"x\" -oQ/tmp/ -X/var/www/shell.php y"@example.com` adds options:
 *  - `-X file`  log all traffic to a file (a web shell when the file is served);
 *  - `-OQueueDirectory=dir` / `-oQdir`  move the queue somewhere writable;
 *  - `-C file`  read a config file (file disclosure);
 *  - `-be`  Exim string expansion test mode.
 * Exim's own `${run{…}}` expansion in an address (CVE-2019-10149) is reported here too.
 */

const FLAG_X = 1;
const FLAG_Q = 2;
const FLAG_C = 4;
const FLAG_BE = 8;

const SCRIPT_EXT: readonly string[] = [
  ".php",
  ".phtml",
  ".php5",
  ".phar",
  ".jsp",
  ".asp",
  ".aspx",
  ".cgi",
  ".pl",
  ".sh",
];

function isPathStart(v: string, i: number): boolean {
  const c = v.charCodeAt(i);
  if (c === 47 || c === 92) return true;
  const l = c | 0x20;
  return (
    l >= 97 &&
    l <= 122 &&
    v.charCodeAt(i + 1) === 58 &&
    (v.charCodeAt(i + 2) === 92 || v.charCodeAt(i + 2) === 47)
  );
}

/** Option argument start: directly after the flag, or after one blank. */
function argStart(v: string, i: number): number {
  if (isPathStart(v, i)) return i;
  if ((v.charCodeAt(i) === 32 || v.charCodeAt(i) === 9) && isPathStart(v, i + 1)) return i + 1;
  return -1;
}

function pathHasScriptExt(v: string, i: number): boolean {
  let j = i;
  const lim = Math.min(v.length, i + 256);
  while (j < lim) {
    const c = v.charCodeAt(j);
    if (c === 32 || c === 9 || c === 34 || c === 39) break;
    j++;
  }
  const p = v.slice(i, j).toLowerCase();
  for (const e of SCRIPT_EXT) if (p.endsWith(e)) return true;
  return false;
}

/** Options found, as FLAG_* bits; `firstAt` receives the index of the first option. */
function scanOptions(v: string, firstAt: number[], scriptOut: boolean[]): number {
  let flags = 0;
  let i = v.indexOf("-");
  for (let g = 0; i !== -1 && g < 256; g++) {
    const prev = i === 0 ? 32 : v.charCodeAt(i - 1);
    if (prev === 32 || prev === 9 || prev === 34 || prev === 39 || prev === 92) {
      const c = v.charCodeAt(i + 1);
      let f = 0;
      if (c === 88 /* X */) {
        const a = argStart(v, i + 2);
        if (a !== -1) {
          f = FLAG_X;
          if (pathHasScriptExt(v, a)) scriptOut[0] = true;
        }
      } else if (c === 79 /* O */ && v.slice(i + 2, i + 17).toLowerCase() === "queuedirectory=") f = FLAG_Q;
      else if (c === 111 /* o */ && v.charCodeAt(i + 2) === 81 && argStart(v, i + 3) !== -1) f = FLAG_Q;
      else if (c === 67 /* C */ && argStart(v, i + 2) !== -1) f = FLAG_C;
      else if (
        c === 98 /* b */ &&
        v.charCodeAt(i + 2) === 101 &&
        (v.charCodeAt(i + 3) === 32 || v.charCodeAt(i + 3) === 9)
      ) {
        f = FLAG_BE;
      }
      if (f !== 0 && flags === 0) firstAt[0] = i;
      flags |= f;
    }
    i = v.indexOf("-", i + 1);
  }
  return flags;
}

const firstAt = [0];
const script = [false];

export function findSendmailArgs(v: string, mailish: boolean): DetectorMatch | null {
  const run = v.indexOf("${run{");
  if (run !== -1) return { signature: "mail_injection.exim-expansion", start: run, end: run + 6 };
  script[0] = false;
  const flags = scanOptions(v, firstAt, script);
  if (flags === 0) return null;
  const at = v.indexOf("@") !== -1;
  const several = (flags & (flags - 1)) !== 0;
  let fire = false;
  if (flags & FLAG_X) fire = at || several || mailish || script[0]!;
  if (!fire && flags & FLAG_Q) fire = at || several || mailish;
  if (!fire && flags & FLAG_C) fire = at && (several || mailish);
  if (!fire && flags & FLAG_BE) fire = v.indexOf("${") !== -1;
  return fire
    ? {
        signature: "mail_injection.sendmail-args",
        start: firstAt[0]!,
        end: Math.min(v.length, firstAt[0]! + 32),
      }
    : null;
}

/** Cheap superset: `${run{`, or a `-X`/`-O`/`-o`/`-C`/`-b` option at a word start. */
export function mayHaveSendmailArgs(v: string, m = -1): boolean {
  if (m === -1) {
    // In `detect`, without the engine's mask: the same answer from native searches.
    return (
      v.indexOf("${run{") !== -1 ||
      (v.charCodeAt(0) === 45 && OPTION_LETTER.test(v.charAt(1))) ||
      OPTION_START.test(v)
    );
  }
  if ((m & (CH.DOLLAR | CH.LBRACE)) === (CH.DOLLAR | CH.LBRACE) && v.indexOf("${run{") !== -1) return true;
  if ((m & CH.DASH) === 0) return false;
  // An option starts a word: a blank, quote or backslash before the dash (or the start).
  // Dashes inside identifiers, dates and UUIDs are the common case and stop here.
  if (v.charCodeAt(0) === 45 && OPTION_LETTER.test(v.charAt(1))) return true;
  // Unicode blanks (`\s`) are non-ASCII.
  if ((m & (CH.SPACE | CH.NEWLINE | CH.SQUOTE | CH.DQUOTE | CH.BACKSLASH | CH.NONASCII)) === 0) return false;
  return OPTION_START.test(v);
}

const OPTION_LETTER = /^[XOoCb]$/;
/** `-X` `-O` `-o` `-C` `-b` after a blank, quote or backslash: one native pass. */
const OPTION_START = /[\s"'\\]-[XOoCb]/;

/**
 * Code that runs a command, shown to explain it: "For example os.system('ls') runs a
 * shell.", or a snippet `import subprocess` / `subprocess.run(['ls', '-l'])` /
 * `print(result.stdout)` in a developer's post. Both need the call to run a command that
 * shows something harmless (`ls`, `pwd`, `echo hi`, `date`) with plain arguments, given
 * as string literals, and the call to sit in prose or in a program of several lines that
 * imports its modules. A value that is one call (`os.system('ls')`), a call after a
 * separator, a recon or fetch command, a path, or any shell syntax in the argument stays
 * a sign: that is what injected code looks like.
 */

/** Commands a tutorial runs to show that a call works. */
const DEMO: ReadonlySet<string> = new Set(["ls", "dir", "pwd", "echo", "date"]);

const MAX_ARGS = 8;

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** A word of a demo command line: a flag or a plain name, no path, variable or shell syntax. */
function plainWord(w: string): boolean {
  return /^-{0,2}[\w.=-]{1,32}$/.test(w) && w.indexOf("..") === -1;
}

/** A demo command line as one string: `ls -l`, `echo hello`. */
function demoLine(line: string): boolean {
  const words = line.trim().split(/ {1,4}/);
  if (words.length === 0 || words.length > MAX_ARGS || !DEMO.has(words[0]!)) return false;
  for (let i = 1; i < words.length; i++) if (!plainWord(words[i]!)) return false;
  return true;
}

/**
 * The arguments of the call whose `(` is at `paren`: a demo command as one string literal
 * (`'ls -l'`) or a list of them (`['ls', '-l']`), then only keyword flags up to `)`
 * (`capture_output=True`) — no other string, call or variable. Returns the index of the
 * closing `)`, or -1.
 */
export function demoCommandCall(s: string, paren: number): number {
  let i = paren + 1;
  while (i < s.length && i - paren < 8 && isWs(s.charCodeAt(i))) i++;
  const list = s.charCodeAt(i) === 91;
  if (list) i++;
  const words: string[] = [];
  for (let n = 0; n < MAX_ARGS; n++) {
    while (i < s.length && isWs(s.charCodeAt(i))) i++;
    const q = s.charCodeAt(i);
    if (q !== 39 && q !== 34) return -1;
    const close = s.indexOf(s[i]!, i + 1);
    if (close === -1 || close - i > 64) return -1;
    words.push(s.slice(i + 1, close));
    i = close + 1;
    while (i < s.length && isWs(s.charCodeAt(i))) i++;
    if (!list || s.charCodeAt(i) !== 44) break;
    i++;
  }
  if (list) {
    if (s.charCodeAt(i) !== 93) return -1;
    i++;
    if (!DEMO.has(words[0] ?? "") || !words.slice(1).every(plainWord)) return -1;
  } else if (words.length !== 1 || !demoLine(words[0]!)) return -1;
  // Keyword arguments only: `, capture_output=True, text=True)`.
  const end = s.indexOf(")", i);
  if (end === -1 || end - i > 128) return -1;
  const rest = s.slice(i, end).trim();
  return /^(?:,\s{0,8}\w{1,32}\s{0,8}=\s{0,8}\w{1,16}\s{0,8}){0,8},?$/.test(rest) ? end : -1;
}

/**
 * The call from `start` to `end` is explained, not sent: words of a sentence before it
 * and after it on the same stretch of text, or a program of three lines or more that
 * imports its modules, the call not on its first line.
 */
export function developerContext(s: string, start: number, end: number): boolean {
  const before = s.slice(Math.max(0, start - 200), start);
  const after = s.slice(end + 1, end + 201);
  if (twoWords(before, " ,.:", 2) && twoWords(after, " ,.:", 1)) return true;
  const firstNl = s.indexOf("\n");
  if (firstNl === -1 || firstNl > start) return false;
  const secondNl = s.indexOf("\n", firstNl + 1);
  if (secondNl === -1) return false;
  return /^(?:import|from) [\w.]{1,64}/m.test(s.length > 4096 ? s.slice(0, 4096) : s);
}

function isLetter(c: number): boolean {
  const l = c | 32;
  return l >= 97 && l <= 122;
}

/**
 * Two words of a sentence in `s`: a run of two letters or more, one to three of the
 * `seps` characters, then a run of `second` letters or more. One pass (the regular
 * expression for it backtracks polynomially).
 */
export function twoWords(s: string, seps: string, second: number): boolean {
  let run = 0; // letters in the current run
  let word = false; // a run of two letters or more, then separators only
  let gap = 0; // separators since that run
  for (let i = 0; i < s.length; i++) {
    if (isLetter(s.charCodeAt(i))) {
      run++;
      if (word && run >= second) return true;
      continue;
    }
    if (run > 0) {
      word = run >= 2;
      gap = 0;
      run = 0;
    }
    if (seps.indexOf(s[i]!) === -1 || ++gap > 3) word = false;
  }
  return false;
}

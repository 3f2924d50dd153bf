/**
 * Python pickles that run a command when unpickled (CWE-502): the stream imports a
 * callable of a process or code API (`posix.system`, `subprocess.check_output`,
 * `builtins.eval`…) for the REDUCE opcode to call. Seen base64-encoded in cookies, tokens
 * and API fields of Python services (Flask sessions, Celery, ML model uploads).
 *
 * Both ways a pickle names a global (the `pickletools` opcode names): GLOBAL (`c` then
 * `module\nname\n`, protocols 0–3) and STACK_GLOBAL (0x93, protocol 4+) after the module
 * and the name were pushed as strings (SHORT_BINUNICODE 0x8c with a 1-byte length,
 * BINUNICODE `X` with 4, each maybe memoised by MEMOIZE 0x94). Read on the stream as
 * Latin-1 text, one byte per character.
 */
import type { DetectorMatch } from "../../types.js";

const MODULES = "posix|nt|os|subprocess|builtins|__builtin__|commands|pty|popen2|platform|timeit|code";
const CALLABLES =
  "system|popen[234]?|spawn[lv]p?e?|exec[lv]p?e?|check_output|check_call|call|run|Popen|getoutput|getstatusoutput|eval|exec|execfile|compile|__import__|spawn|timeit|interact|InteractiveInterpreter";

/**
 * GLOBAL: `c` module LF name LF, the opcode after another opcode or a MARK (never after a
 * letter: "tacos\ncall\n" in a text is no pickle).
 */
// safe-regex: literal alternations between fixed characters, no quantifier over a group.
const GLOBAL = new RegExp(`(?<![A-Za-z])c(?:${MODULES})\\n(?:${CALLABLES})\\n`);
/** STACK_GLOBAL: module string, optional MEMOIZE, name string, optional MEMOIZE, 0x93. */
// safe-regex: each string is its opcode, a fixed-size length and a literal alternation.
const STACK_GLOBAL = new RegExp(
  `(?:\\x8c[\\s\\S]|X[\\s\\S]{4})(?:${MODULES})\\x94?(?:\\x8c[\\s\\S]|X[\\s\\S]{4})(?:${CALLABLES})\\x94?\\x93`,
);

/** The first bytes of a binary pickle: PROTO (0x80) and a version from 2 to 5. */
export function isPickleHead(b0: number, b1: number): boolean {
  return b0 === 0x80 && b1 >= 2 && b1 <= 5;
}

/** A pickle stream (Latin-1 text of its bytes) that imports a command or code runner. */
export function detectPickle(text: string): DetectorMatch | null {
  const m = GLOBAL.exec(text) ?? (text.indexOf("\x93") === -1 ? null : STACK_GLOBAL.exec(text));
  return m === null ? null : { signature: "rce.python-pickle", start: m.index, end: m.index + m[0].length };
}

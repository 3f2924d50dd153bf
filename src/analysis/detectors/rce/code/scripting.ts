/**
 * Server-side JavaScript (Node.js), Python, Perl and Ruby code injection, plus the
 * prototype-pollution and Shellshock shapes. Each sign names an API or construct that
 * only code reaching the runtime uses (module loading, process spawning, constructor
 * chains to `Function`, Perl `@{[ … ]}` interpolation, pickle opcodes).
 */
import type { DetectorMatch } from "../../types.js";
import { F } from "../anchors.js";
import { COMMANDS, commandName, stripVersion } from "../shell/commands.js";
import { demoCommandCall, developerContext } from "./demo.js";
import { detectPickle } from "./pickle.js";

const NODE: readonly string[] = [
  "child_process",
  "process.mainmodule",
  "process.binding(",
  "require.main",
  "module.constructor",
  "_$$nd_func$$_",
  "__js_function",
  "constructor.constructor(",
  ".constructor.constructor",
  ":constructor:constructor",
  "process.env",
  "process[",
  "require[",
  "global.process",
  "globalthis.process",
  "new function(",
  "new function (",
  "eval(string.fromcharcode",
  "module.exports=",
  "module.exports =",
  ".execsync(",
  ".spawnsync(",
  "require('fs')",
  'require("fs")',
  "require('net')",
  'require("net")',
  "require('vm')",
  'require("vm")',
  "vm.runinthiscontext",
  "vm.runinnewcontext",
  "process.kill(",
  "process.exit(",
  ".readfilesync(",
  ".writefilesync(",
  ".readdirsync(",
  "module:prototype",
  "console.info(",
  "console.log(",
  "console[",
  "console.info.call(",
  "console.log.call(",
  "resolved_model",
];
const PYTHON: readonly string[] = [
  "__import__(",
  "os.system(",
  "os.popen(",
  "os.exec",
  "os.spawn",
  "subprocess.popen(",
  "subprocess.call(",
  "subprocess.run(",
  "subprocess.check_output(",
  "subprocess.getoutput(",
  "pty.spawn(",
  "__builtins__",
  "__globals__",
  "pickle.loads(",
  "cpickle.loads(",
  "marshal.loads(",
  "eval(compile(",
  "exec(compile(",
  "importlib.import_module(",
  "sys.modules[",
  "commands.getoutput(",
  "platform.popen(",
  "timeit.timeit(",
  "code.interact(",
  "__reduce__",
];
/** PYTHON entries that call a command runner with its arguments. */
const PY_RUNNERS: ReadonlySet<string> = new Set([
  "os.system(",
  "os.popen(",
  "subprocess.popen(",
  "subprocess.call(",
  "subprocess.run(",
  "subprocess.check_output(",
  "subprocess.getoutput(",
  "commands.getoutput(",
  "platform.popen(",
]);
const RUBY_PERL: readonly string[] = [
  "process.spawn(",
  "kernel.exec",
  "kernel.system",
  "kernel.spawn",
  "kernel.open(",
  "io.popen(",
  "open3.",
  "%x{",
  "%x(",
  "`.read",
  "core::system",
  "core::time",
  "core::exec",
  "core::readpipe",
  "qx{",
  "qx(",
  "exec('",
  'exec("',
  "system('",
  'system("',
  "marshal.load(",
  "yaml.load(",
];

function isId(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/** `require('child_process')`, `require("x")`, `require(x)` — a module load. */
function requireCall(lower: string): number {
  let k = lower.indexOf("require");
  for (let n = 0; k !== -1 && n < 8; n++) {
    if (k === 0 || !isId(lower.charCodeAt(k - 1))) {
      let j = k + 7;
      while (lower.charCodeAt(j) === 32) j++;
      if (lower.charCodeAt(j) === 40) {
        j++;
        while (lower.charCodeAt(j) === 32) j++;
        const q = lower.charCodeAt(j);
        if (q === 39 || q === 34 || q === 96) return k;
      }
    }
    k = lower.indexOf("require", k + 7);
  }
  return -1;
}

/** Truthiness of a constant JS expression: true, false, or undefined when not constant. */
function constTruth(expr: string): boolean | undefined {
  let e = expr.replace(/\s+/g, "");
  while (e.startsWith("(") && e.endsWith(")")) e = e.slice(1, -1);
  let neg = 0;
  while (e.startsWith("!")) {
    neg++;
    e = e.slice(1);
  }
  let v: boolean | undefined;
  if (e === "true" || e === "Infinity" || e === "-Infinity" || e === "+Infinity" || e === "{}" || e === "[]")
    v = true;
  else if (e === "false" || e === "null" || e === "undefined" || e === "NaN") v = false;
  else if (e === '""' || e === "''" || e === "``") v = false;
  else if (/^['"`][^'"`]+['"`]$/.test(e)) v = true;
  else if (/^[-+]?\d+(?:\.\d+)?$/.test(e)) v = Number(e) !== 0;
  else if (
    /^(?:this|String|Number|Object|Array|Date|Math|window|globalThis|newDate|newDate\(\)|newObject)$/.test(e)
  )
    v = true;
  if (v === undefined) return undefined;
  return neg % 2 === 0 ? v : !v;
}

/** `while(true)`, `while(!0)`, `for(;;)`: an injected infinite loop (denial of service). */
function infiniteLoop(s: string): number {
  let k = s.indexOf("while");
  for (let n = 0; k !== -1 && n < 8; n++) {
    let j = k + 5;
    while (s.charCodeAt(j) === 32) j++;
    if (s.charCodeAt(j) === 40 && (k === 0 || !isId(s.charCodeAt(k - 1)))) {
      let depth = 0;
      let end = -1;
      for (let m = j; m < s.length && m < j + 64; m++) {
        const c = s.charCodeAt(m);
        if (c === 40) depth++;
        else if (c === 41 && --depth === 0) {
          end = m;
          break;
        }
      }
      if (end !== -1 && constTruth(s.slice(j + 1, end)) === true) return k;
    }
    k = s.indexOf("while", k + 5);
  }
  const f = s.indexOf("for(;;)");
  return f;
}

/** `Traceback (most recent call last):`, or a frame line `File "app.py", line 42, in run`. */
function isPythonTraceback(s: string): boolean {
  return s.indexOf("Traceback (most recent call last)") !== -1 || PY_FRAME.test(s);
}
const PY_FRAME = /File "[^"\n]{1,256}", line \d{1,7}, in /;

export function detectScripting(s: string, lower: string, fam: number): DetectorMatch | null {
  if (fam & F.Node)
    for (const m of NODE) {
      const k = lower.indexOf(m);
      if (k !== -1) {
        // `process.env` as prose ("the process.env file") is rare; `console.log(` needs code around it.
        if ((m === "console.log(" || m === "console.info(") && k > 0 && lower.charCodeAt(k - 1) !== 59) {
          if (lower.trimStart().indexOf(m) !== 0) continue;
        }
        return { signature: "rce.node-code", start: k, end: k + m.length };
      }
    }
  const r = fam & F.Node ? requireCall(lower) : -1;
  if (r !== -1) return { signature: "rce.node-require", start: r, end: r + 8 };
  // A Python traceback quotes the source lines it went through (`result =
  // subprocess.run(cmd)`): error-reporting APIs carry them, and they are not code sent to run.
  if (fam & F.Python && !isPythonTraceback(s))
    for (const m of PYTHON) {
      let k = lower.indexOf(m);
      // A harmless command shown in prose or in a program that imports its modules
      // (demo.ts) is passed over; another call of the same runner is still read.
      for (let n = 0; k !== -1 && n < 8 && PY_RUNNERS.has(m); n++) {
        const end = demoCommandCall(s, k + m.length - 1);
        if (end === -1 || !developerContext(s, k, end)) break;
        k = lower.indexOf(m, end);
      }
      if (k !== -1) return { signature: "rce.python-code", start: k, end: k + m.length };
    }
  // Pickle protocol-0 opcodes: `cos\nsystem\n(S'id'\ntR.`
  if (fam & F.Python) {
    const pk = detectPickle(s);
    if (pk !== null) return pk;
  }
  if (fam & F.RubyPerl)
    for (const m of RUBY_PERL) {
      const k = lower.indexOf(m);
      if (k !== -1 && (k === 0 || !isId(lower.charCodeAt(k - 1)) || m.charCodeAt(0) === 46)) {
        if ((m.startsWith("exec") || m.startsWith("system")) && k > 0 && isId(lower.charCodeAt(k - 1)))
          continue;
        // `system('ls')` shown in a sentence (demo.ts); only the first occurrence is read
        // here, and a later call of any runner is found by the PHP and Python checks.
        if (m.startsWith("exec") || m.startsWith("system")) {
          const end = demoCommandCall(s, k + m.length - 2);
          if (end !== -1 && developerContext(s, k, end) && lower.indexOf(m, end) === -1) continue;
        }
        return { signature: "rce.ruby-perl-code", start: k, end: k + m.length };
      }
    }
  if (fam & F.RubyPerl && lower.indexOf("qx") !== -1) {
    const qx = detectPerlExec(lower);
    if (qx !== null) return qx;
  }
  // Perl `@{[ expr ]}` interpolation runs code inside any interpolated string.
  const at = s.indexOf("@");
  if (at !== -1) {
    const pi = /@\s*\{\s*\[/.exec(s);
    if (pi) return { signature: "rce.perl-interpolation", start: pi.index, end: pi.index + pi[0].length };
  }
  if (s.indexOf("while") !== -1 || s.indexOf("for(;;)") !== -1) {
    const w = infiniteLoop(s);
    if (w !== -1) return { signature: "rce.js-infinite-loop", start: w, end: w + 5 };
  }
  return null;
}

/** Opening delimiters of Perl's `qx` (perlop, "Quote-Like Operators") and their closers. */
const QX_OPEN = "{([</|!#~'\"";
const QX_CLOSE = "})]>/|!#~'\"";

/** The text starting at `i` (after blanks and quotes) is a known command word: `curl x`, `'id'`. */
function commandWordAt(s: string, i: number, end: number): boolean {
  let j = i;
  while (j < end && j - i < 8) {
    const c = s.charCodeAt(j);
    if (c === 32 || c === 9 || c === 39 || c === 34) j++;
    else break;
  }
  let e = j;
  while (e < end && e - j < 40) {
    const c = s.charCodeAt(e);
    if (c <= 32 || c === 59 || c === 124 || c === 38 || c === 60 || c === 62 || c === 39 || c === 34) break;
    e++;
  }
  return e > j && COMMANDS.has(stripVersion(commandName(s.slice(j, e))));
}

/** Where a Perl sign of command execution may be: `qx` and a delimiter, a DjVu annotation. */
const PERL_EXEC_HINT = /qx(?:\s{0,4}[{([<]|[/|!#~'"])|\(metadata\b/;
/** The same, global, for `findPerlExec`'s walk (its `lastIndex` is set before each use). */
// safe-regex: the same source as `PERL_EXEC_HINT` (a literal the redos test checks), with `g` added.
const PERL_EXEC_HINTS = new RegExp(PERL_EXEC_HINT.source, "g");

export function mayBePerlExec(s: string): boolean {
  return PERL_EXEC_HINT.test(s);
}

/**
 * Perl command execution with a command inside: `qx{curl x}`, `qx(id)`, `qx/uname -a/`,
 * and, inside a DjVu `(metadata …)` annotation (which ExifTool before 12.24 evaluated as
 * Perl, CVE-2021-22205), backticks and `${system(…)}` too. Read on text and on the bytes
 * of uploaded files (binary data, as `detectValue` leaves it): at most 64 `qx` hints,
 * each delimited within 256 characters, and one annotation window of 2 KiB.
 */
export function detectPerlExec(s: string): DetectorMatch | null {
  const n = Math.min(s.length, 65536);
  let k = s.indexOf("qx");
  for (let count = 0; k !== -1 && k < n && count < 64; count++) {
    if (k === 0 || !isId(s.charCodeAt(k - 1))) {
      let j = k + 2;
      while (j < n && j - k < 6 && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
      const o = QX_OPEN.indexOf(s[j] ?? "");
      // Blanks only before a bracketing delimiter (`qx {…}`); the others are read glued
      // to `qx` (`qx #…` is a comment), as the census's anchors list them.
      if (o !== -1 && (o < 4 || j === k + 2)) {
        const close = s.indexOf(QX_CLOSE[o]!, j + 1);
        if (close !== -1 && close - j <= 256 && commandWordAt(s, j + 1, close))
          return { signature: "rce.perl-command", start: k, end: close + 1 };
      }
    }
    k = s.indexOf("qx", k + 2);
  }
  const a = s.indexOf("(metadata");
  if (a !== -1 && a < n) {
    const w = s.slice(a, a + 2048);
    const sys = /\$\{\s{0,4}(?:system|exec|readpipe)\s{0,4}\(/.exec(w);
    if (sys !== null)
      return { signature: "rce.perl-command", start: a + sys.index, end: a + sys.index + sys[0].length };
    let b = w.indexOf("`");
    for (let count = 0; b !== -1 && count < 16; count++) {
      const e = w.indexOf("`", b + 1);
      if (e === -1) break;
      if (e - b <= 256 && commandWordAt(w, b + 1, e))
        return { signature: "rce.perl-command", start: a + b, end: a + e + 1 };
      b = w.indexOf("`", e + 1);
    }
  }
  return null;
}

/**
 * `detectPerlExec` over a long text (an upload's bytes read as Latin-1): a native search
 * for the hints, then the check on a window from each of at most 32 of them.
 */
export function findPerlExec(s: string): DetectorMatch | null {
  const hint = PERL_EXEC_HINTS;
  hint.lastIndex = 0;
  let m = hint.exec(s);
  for (let count = 0; m !== null && count < 32; count++) {
    const at = m.index;
    const d = detectPerlExec(s.slice(at, at + 2560));
    if (d !== null) return { signature: d.signature, start: at + d.start, end: at + d.end };
    hint.lastIndex = at + 2;
    m = hint.exec(s);
  }
  return null;
}

/** Shellshock (CVE-2014-6271): a value that starts with a function definition `() {`. */
export function detectShellshock(s: string): DetectorMatch | null {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  if (s.charCodeAt(i) !== 40) {
    const k = s.indexOf("() {");
    // Anywhere, but only with the classic no-op body `:;` that has no other use.
    if (k !== -1 && /^\(\)\s*\{\s*:\s*;/.test(s.slice(k, k + 16)))
      return { signature: "rce.shellshock", start: k, end: k + 4 };
    return null;
  }
  if (/^\(\s*\)\s*\{/.test(s.slice(i, i + 16))) return { signature: "rce.shellshock", start: i, end: i + 4 };
  return null;
}

/**
 * Prototype pollution: `__proto__` or `constructor` + `prototype` as a property path in a
 * key (`a[__proto__][x]`, `constructor.prototype.x`) or inside a JSON/value.
 */
export function detectProto(s: string, lower: string, isKey: boolean): DetectorMatch | null {
  const p = lower.indexOf("__proto__");
  if (p !== -1) {
    const before = p === 0 ? 46 : lower.charCodeAt(p - 1);
    const after = lower.charCodeAt(p + 9);
    const sepB =
      before === 46 ||
      before === 91 ||
      before === 34 ||
      before === 39 ||
      before === 36 ||
      before === 58 ||
      before === 123 ||
      before === 44 ||
      before === 32;
    const sepA =
      Number.isNaN(after) ||
      after === 46 ||
      after === 93 ||
      after === 91 ||
      after === 34 ||
      after === 39 ||
      after === 58;
    if (isKey || (sepB && sepA)) return { signature: "rce.prototype-pollution", start: p, end: p + 9 };
  }
  const c = lower.indexOf("constructor");
  if (c !== -1) {
    const tail = lower.slice(c + 11, c + 24);
    if (/^(?:\]?\s*\[\s*['"]?|\.|['"]?\]\s*\[['"]?|:)prototype/.test(tail))
      return { signature: "rce.prototype-pollution", start: c, end: c + 11 };
  }
  void s;
  return null;
}

/**
 * Anchor keywords per family, found in one pass with an Aho–Corasick automaton
 * (Aho & Corasick, CACM 1975) over the lower-cased value. An anchor only says "this
 * family's checks may match"; the checks themselves decide. Dense transition table over
 * a small character-class alphabet keeps the per-character cost to two array reads.
 */

import { RENDER_CALLBACKS } from "./code/framework.js";
import { GADGETS_STRONG, GADGETS_WEAK } from "./code/java.js";
import { PS_MEMBERS, PS_NAMES } from "./shell/windows.js";

export const F = {
  Java: 1,
  Php: 2,
  Node: 4,
  Python: 8,
  RubyPerl: 16,
  Proto: 32,
  /** Drupal render-array callback properties (`#post_render`), judged in parameter names. */
  Render: 64,
  Windows: 128,
  Loop: 256,
} as const;

export const ANCHORS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [
    F.Java,
    [
      "java.",
      "javax.",
      "jdk.jshell",
      "sun.misc",
      "sun.reflect",
      "com.sun.",
      "org.apache.commons",
      "org.apache.xalan",
      "org.apache.tomcat",
      "org.apache.catalina",
      "org.apache.struts2",
      "org.springframework",
      "com.opensymphony",
      "ognl",
      "org.omg.",
      "org.codehaus.groovy",
      "groovy.lang",
      "bsh.",
      "org.mozilla.javascript",
      "freemarker.template",
      "com.mchange",
      "org.hibernate",
      "clojure.",
      "org.jboss",
      "weblogic.",
      "com.bea.",
      "com.alibaba.fastjson",
      "com.fasterxml.jackson",
      "org.yaml.snakeyaml",
      "getruntime",
      "processbuilder",
      "forname(",
      "getmethod(",
      "newinstance(",
      "getdeclared",
      "scriptengine",
      "getenginebyname",
      "memberaccess",
      "member_access",
      "#context",
      "#request",
      "#parameters",
      "#application",
      "classloader",
      "defineclass(",
      ...GADGETS_STRONG,
      ...GADGETS_WEAK,
      "ro0ab",
      "ztaa",
      "s7qaf",
      "aced0005",
      "applicationcontext",
    ],
  ],
  [
    F.Php,
    [
      "<?",
      "php",
      "$_",
      "$globals",
      "phar:",
      "expect:",
      "compress.",
      "zip:",
      "glob:",
      "zlib:",
      "ssh2.",
      "rar:",
      "ogg:",
    ],
  ],
  [
    F.Node,
    [
      "child_process",
      "process.",
      "process[",
      "require(",
      "require[",
      "require.",
      "module.exports",
      "module.constructor",
      "module:",
      "constructor",
      "_$$nd_func$$_",
      "__js_function",
      "new function",
      "globalthis.",
      "global.process",
      "console.",
      "console[",
      "eval(",
      "fromcharcode",
      "execsync",
      "spawnsync",
      "readfilesync",
      "writefilesync",
      "readdirsync",
      "vm.run",
      "resolved_model",
    ],
  ],
  [
    F.Python,
    [
      "__import__",
      "os.system",
      "os.popen",
      "os.exec",
      "os.spawn",
      "subprocess",
      "pty.spawn",
      "__builtins__",
      "__globals__",
      "pickle.",
      "marshal.loads",
      "compile(",
      "importlib",
      "sys.modules",
      "commands.getoutput",
      "platform.popen",
      "timeit.",
      "code.interact",
      "__reduce__",
      "cos\n",
      "cposix\n",
      "csubprocess\n",
      "cbuiltins\n",
      "c__builtin__\n",
      "cnt\n",
    ],
  ],
  [
    F.RubyPerl,
    [
      "process.spawn",
      "kernel.",
      "io.popen",
      "open3.",
      "%x{",
      "%x(",
      "qx{",
      "qx(",
      "qx/",
      "qx[",
      "qx<",
      "qx|",
      "qx!",
      "qx#",
      "qx~",
      "qx'",
      'qx"',
      "core::",
      "exec('",
      'exec("',
      "system('",
      'system("',
      "yaml.load",
      "marshal.load",
      "`.read",
    ],
  ],
  [F.Proto, ["__proto__", "constructor"]],
  [F.Render, RENDER_CALLBACKS],
  [
    F.Windows,
    [
      "if exist",
      "if not",
      "if defined",
      "if errorlevel",
      "if cmdextversion",
      "if /i",
      "if/i",
      "if %",
      'if "',
      "if (",
      "if [",
      "for %",
      "for /",
      ":~",
      ...PS_NAMES,
      ...PS_MEMBERS,
    ],
  ],
  [F.Loop, ["while", "for(;;)"]],
];

// Character classes: every distinct character used in an anchor gets its own class;
// everything else is class 0. Upper-case ASCII folds onto lower case.
const CLASS = new Uint8Array(128);
let nClasses = 1;
for (const [, words] of ANCHORS) {
  for (const w of words) {
    for (const ch of w) {
      const c = ch.charCodeAt(0);
      if (c < 128 && CLASS[c] === 0) CLASS[c] = nClasses++;
    }
  }
}
for (let c = 65; c <= 90; c++) CLASS[c] = CLASS[c + 32]!;

// Build the trie, then failure links breadth-first, then the dense goto table.
const trie: Array<Map<number, number>> = [new Map()];
const outs: number[] = [0];
for (const [fam, words] of ANCHORS) {
  for (const w of words) {
    let s = 0;
    for (const ch of w) {
      const k = CLASS[ch.charCodeAt(0)]!;
      let nx = trie[s]!.get(k);
      if (nx === undefined) {
        nx = trie.length;
        trie.push(new Map());
        outs.push(0);
        trie[s]!.set(k, nx);
      }
      s = nx;
    }
    outs[s]! |= fam;
  }
}
const nStates = trie.length;
const DELTA = new Int32Array(nStates * nClasses);
const OUT = new Uint32Array(nStates);
const fail = new Int32Array(nStates);
/** States in breadth-first order (a state's failure target comes before it). */
const queue: number[] = [];
for (let k = 0; k < nClasses; k++) {
  const nx = trie[0]!.get(k);
  DELTA[k] = nx ?? 0;
  if (nx !== undefined) queue.push(nx);
}
OUT[0] = outs[0]!;
for (let qi = 0; qi < queue.length; qi++) {
  const s = queue[qi]!;
  OUT[s] = outs[s]! | OUT[fail[s]!]!;
  for (let k = 0; k < nClasses; k++) {
    const nx = trie[s]!.get(k);
    if (nx !== undefined) {
      fail[nx] = DELTA[fail[s]! * nClasses + k]!;
      DELTA[s * nClasses + k] = nx;
      queue.push(nx);
    } else {
      DELTA[s * nClasses + k] = DELTA[fail[s]! * nClasses + k]!;
    }
  }
}

export const ANCHOR_CLASSES = nClasses;
export const ANCHOR_CLASS = CLASS;
export const ANCHOR_DELTA = DELTA;
export const ANCHOR_OUT = OUT;

/**
 * The goto table pre-multiplied for the hot loop: entry = (next · K) · 2 + (next has
 * output ? 1 : 0), so a step is one read and the output table is touched only on a hit.
 */
export const ANCHOR_STEP = new Int32Array(nStates * nClasses);
for (let i = 0; i < ANCHOR_STEP.length; i++) {
  const nx = DELTA[i]!;
  ANCHOR_STEP[i] = nx * nClasses * 2 + (OUT[nx]! !== 0 ? 1 : 0);
}

/**
 * For a subset of the anchor words: 1 for each state where one of them ends (itself or
 * through its failure chain), to test for those words alone with the same automaton.
 */
function subsetOutput(accept: (word: string) => boolean): Uint8Array {
  const out = new Uint8Array(nStates);
  for (const [, words] of ANCHORS) {
    for (const w of words) {
      if (!accept(w)) continue;
      let st = 0;
      for (const ch of w) st = trie[st]!.get(CLASS[ch.charCodeAt(0)]!)!;
      out[st] = 1;
    }
  }
  for (const st of queue) if (out[fail[st]!] === 1) out[st] = 1;
  return out;
}

/** Anchor words a plain token can hold: letters, digits and `_.:,=+/-` only. */
export const PLAIN_WORDS = subsetOutput((w) => /^[a-z0-9_.:,=+/-]+$/.test(w));
/** Every anchor word (for serialized JSON, whose strings are points of their own). */
export const ANY_WORDS = subsetOutput(() => true);
/** The same without `.` and `:` (most ids and random tokens). */
export const WORD_WORDS = subsetOutput((w) => /^[a-z0-9_,=+/-]+$/.test(w));

/**
 * Whether `v` from index `from` holds one of the words of a subset table (PLAIN_WORDS,
 * WORD_WORDS), ASCII case ignored: one walk of the automaton, where a regular expression
 * alternation of the same hundred words tried each of them at each position.
 */
export function hasAnchorWord(v: string, from: number, words: Uint8Array): boolean {
  let s = 0;
  const n = Math.min(v.length, 65536);
  for (let i = from; i < n; i++) {
    const c = v.charCodeAt(i);
    s = DELTA[s * nClasses + (c < 128 ? CLASS[c]! : 0)]!;
    if (words[s] === 1) return true;
  }
  return false;
}

/** Families whose anchors occur in `v` (stand-alone use; the prefilter inlines the loop). */
export function anchorFamilies(v: string): number {
  let s = 0;
  let m = 0;
  const n = Math.min(v.length, 65536);
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    s = DELTA[s * nClasses + (c < 128 ? CLASS[c]! : 0)]!;
    m |= OUT[s]!;
  }
  return m;
}

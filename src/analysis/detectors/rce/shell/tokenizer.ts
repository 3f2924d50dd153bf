/**
 * A bounded POSIX-sh/bash tokenizer that undoes the evasions attackers use on injected
 * command lines, following the order of shell expansions (POSIX.1-2017 XCU §2.6; bash
 * manual "Shell Expansions"): brace expansion, tilde, parameter and command substitution,
 * arithmetic, word splitting on IFS, pathname expansion (left as glob patterns), quote
 * removal. It never executes anything: unknown variables expand to "" (which is exactly
 * what `c$@at` or `ca$u't'` rely on), substitutions are tokenized as commands of their own.
 *
 * Output: the list of simple commands (words after quote removal) with the separator that
 * introduced each one, and feature bits for constructs that only shell code contains.
 */

export enum Feat {
  /** `$IFS`, `${IFS}`: whitespace smuggled as a variable. */
  Ifs = 1,
  /** `${x#…}`, `${x:0:1}`, `${!x}`, `${x//a/b}`: parameter-expansion operators. */
  ParamOp = 2,
  /** `<<<` here-string. */
  HereString = 4,
  /** `$((…))` or `$[…]` arithmetic. */
  Arith = 8,
  /** `name(){ … }` function definition. */
  FuncDef = 16,
  /** `<(…)` / `>(…)` process substitution. */
  ProcSubst = 32,
  /** `$'…'` ANSI-C quoting with escapes. */
  AnsiC = 64,
  /** A redirection operator outside quotes. */
  Redirect = 128,
  /** `{a,b}` brace expansion was applied. */
  Brace = 256,
}

export interface ShellWord {
  /** The word after expansion and quote removal. */
  text: string;
  /** Glob metacharacters outside quotes (`*`, `?`, `[`). */
  glob: boolean;
  /** Quotes, backslashes or empty expansions inside the word: prose never does this. */
  obf: boolean;
  /** The word followed a redirection operator (its target). */
  redir: boolean;
}

/** How a simple command was introduced. */
export type Sep = "start" | ";" | "nl" | "|" | "||" | "&&" | "&" | "$(" | "`" | "<(" | "(" | "{";

export interface ShellCommand {
  readonly sep: Sep;
  /** Offset in the input where the command's text starts (for excerpts). */
  readonly start: number;
  end: number;
  readonly words: ShellWord[];
  /** The text before the separator had no whitespace (`127.0.0.1;id`) or was empty. */
  readonly tight: boolean;
  /** The text before the separator looks like a query string (`a=1&b`). */
  readonly queryish: boolean;
  /** The separator is the first thing in the value (`;cmd …`). */
  readonly lead: boolean;
}

export interface ShellParse {
  readonly commands: ShellCommand[];
  features: number;
  /** Offset of a quote that never closed (an attacker closing the application's quote), or -1. */
  unclosedQuote: number;
}

const MAX_INPUT = 4096;
const MAX_COMMANDS = 64;
const MAX_WORDS = 48;
const MAX_DEPTH = 8;

/** Variables whose value an attacker relies on being known. */
const KNOWN_VARS: Readonly<Record<string, string>> = {
  SHELL: "/bin/sh",
  BASH: "/bin/bash",
  HOME: "/root",
  PWD: "/",
  OLDPWD: "/",
  PATH: "/usr/local/bin:/usr/bin:/bin",
  "0": "sh",
};

interface Frame {
  kind: "$(" | "`" | "<(" | "(";
  word: string;
  wordStarted: boolean;
  glob: boolean;
  obf: boolean;
  redir: boolean;
  quote: number;
  cmd: ShellCommand;
}

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0;
}

/**
 * Brace expansion (bash §3.5.1) of the first level: `c{a,oun}t` → `cat count`,
 * `{cat,/etc/passwd}` → `cat /etc/passwd`. Only groups with a comma and no blank, as
 * bash requires; output bounded.
 */
export function expandBraces(s: string): string {
  if (s.indexOf("{") === -1 || s.indexOf(",") === -1) return s;
  let out = "";
  let i = 0;
  let done = 0;
  const n = s.length;
  while (i < n) {
    const open = s.indexOf("{", i);
    if (open === -1 || done >= 16) break;
    // `${…}` is a parameter expansion, not a brace group.
    if (open > 0 && s.charCodeAt(open - 1) === 36) {
      out += s.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    let close = -1;
    let comma = false;
    let depth = 0;
    for (let j = open + 1; j < n && j < open + 512; j++) {
      const c = s.charCodeAt(j);
      // Blanks end the group (bash); `{"…":` is JSON, not an evasion.
      if (isBlank(c) || c === 10 || c === 13 || c === 58 || (c === 34 && j === open + 1)) break;
      if (c === 123) depth++;
      else if (c === 125) {
        if (depth === 0) {
          close = j;
          break;
        }
        depth--;
      } else if (c === 44 && depth === 0) comma = true;
    }
    if (close === -1 || !comma) {
      out += s.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    // Prefix and suffix are the rest of the word around the group.
    let ps = open;
    while (ps > i && !isWordBreak(s.charCodeAt(ps - 1))) ps--;
    let se = close + 1;
    while (se < n && !isWordBreak(s.charCodeAt(se))) se++;
    const prefix = s.slice(ps, open);
    const suffix = s.slice(close + 1, se);
    const alts = splitTopCommas(s.slice(open + 1, close));
    out += s.slice(i, ps);
    const parts: string[] = [];
    for (const a of alts) {
      const w = prefix + a + suffix;
      if (w.length > 0) parts.push(w);
    }
    out += ` ${parts.join(" ")} `;
    i = se;
    done++;
  }
  return out + s.slice(i);
}

function isWordBreak(c: number): boolean {
  return isBlank(c) || c === 10 || c === 13 || c === 59 || c === 124 || c === 38 || c === 60 || c === 62;
}

function splitTopCommas(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) depth--;
    else if (c === 44 && depth === 0) {
      out.push(s.slice(last, i));
      last = i + 1;
    }
  }
  out.push(s.slice(last));
  return out;
}

/** Decodes the escapes of ANSI-C quoting `$'…'` (bash §3.1.2.4). Returns [text, end]. */
function ansiC(s: string, i: number): [string, number] {
  let out = "";
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 39) return [out, j + 1];
    if (c === 92 && j + 1 < s.length) {
      const d = s[j + 1]!;
      if (d === "x") {
        const hex = /^[0-9a-fA-F]{1,2}/.exec(s.slice(j + 2, j + 4));
        if (hex) {
          out += String.fromCharCode(Number.parseInt(hex[0], 16));
          j += 2 + hex[0].length;
          continue;
        }
      } else if (d >= "0" && d <= "7") {
        const oct = /^[0-7]{1,3}/.exec(s.slice(j + 1, j + 4));
        if (oct) {
          out += String.fromCharCode(Number.parseInt(oct[0], 8));
          j += 1 + oct[0].length;
          continue;
        }
      } else if (d === "n") {
        out += "\n";
        j += 2;
        continue;
      } else if (d === "t") {
        out += "\t";
        j += 2;
        continue;
      }
      out += d;
      j += 2;
      continue;
    }
    out += s[j];
    j++;
  }
  return [out, j];
}

/** Tokenizes `input` as shell. Never throws; bounded by MAX_INPUT, MAX_COMMANDS, MAX_WORDS. */
export function tokenizeShell(input: string): ShellParse {
  let features = 0;
  let s = input.length > MAX_INPUT ? input.slice(0, MAX_INPUT) : input;
  const braced = expandBraces(s);
  if (braced !== s) {
    features |= Feat.Brace;
    s = braced;
  }
  const n = s.length;
  const commands: ShellCommand[] = [];
  const vars = new Map<string, string>();
  const stack: Frame[] = [];

  let cmd: ShellCommand = {
    sep: "start",
    start: 0,
    end: n,
    words: [],
    tight: true,
    queryish: false,
    lead: false,
  };
  commands.push(cmd);
  let word = "";
  let started = false;
  let glob = false;
  let obf = false;
  let redir = false;
  let nextRedir = false;
  let quote = 0; // 0, 39 ('), 34 (")
  let quoteAt = -1;
  let lastBreak = 0; // offset of the last separator, to tell `x;id` from `a b; id`

  const endWord = (): void => {
    if (!started) {
      obf = glob = redir = false;
      return;
    }
    // A leading `NAME=value` is an assignment; remember it for later `$NAME`.
    if (cmd.words.length === 0 && !redir) {
      const eq = word.indexOf("=");
      if (eq > 0 && isIdStart(word.charCodeAt(0))) {
        let ok = true;
        for (let k = 1; k < eq; k++) if (!isIdChar(word.charCodeAt(k))) ok = false;
        if (ok && vars.size < 64) {
          const val = word.slice(eq + 1);
          vars.set(word.slice(0, eq), val);
          // `cmd=garb=x` from a form field pasted whole: the inner assignment is the payload's.
          const inner = /^([A-Za-z_]\w{0,30})=(.*)$/.exec(val);
          if (inner) vars.set(inner[1]!, inner[2]!);
          word = "";
          started = false;
          glob = obf = redir = false;
          return;
        }
      }
    }
    if (cmd.words.length < MAX_WORDS) cmd.words.push({ text: word, glob, obf, redir });
    word = "";
    started = false;
    glob = obf = redir = false;
  };
  const newCommand = (sep: Sep, at: number): void => {
    endWord();
    cmd.end = at;
    if (commands.length >= MAX_COMMANDS) return;
    let tight = true;
    for (let k = lastBreak; k < at; k++) {
      if (isBlank(s.charCodeAt(k))) {
        tight = false;
        break;
      }
    }
    // `… ;cmd`: a separator with a blank before and none after is how injections look,
    // not how prose punctuates.
    if (!tight && sep !== "nl" && at > 0 && isBlank(s.charCodeAt(at - 1))) {
      const after = s.charCodeAt(at + (sep.length === 2 ? 2 : 1));
      if (!Number.isNaN(after) && !isBlank(after)) tight = true;
    }
    const queryish = tight && s.lastIndexOf("=", at) > lastBreak - 1 && s.lastIndexOf("=", at) !== -1;
    const lead = at < 8 && s.slice(0, at).trim().length === 0;
    cmd = { sep, start: at, end: n, words: [], tight, queryish, lead };
    commands.push(cmd);
    lastBreak = at + 1;
    nextRedir = false;
  };
  const append = (t: string): void => {
    if (!started) {
      started = true;
      if (nextRedir) {
        redir = true;
        nextRedir = false;
      }
    }
    word += t;
  };
  /** Expands `$…` at i (the `$`); returns the index after it. */
  const dollar = (i: number): number => {
    const c = s.charCodeAt(i + 1);
    if (c === 40 /* ( */) {
      if (s.charCodeAt(i + 2) === 40) features |= Feat.Arith;
      push("$(", i);
      return i + 2;
    }
    if (c === 91 /* [ */) {
      features |= Feat.Arith;
      const close = s.indexOf("]", i + 2);
      if (close === -1) {
        append("$[");
        return i + 2;
      }
      // Arithmetic expands to a number: the word goes on.
      if (started) obf = true;
      return close + 1;
    }
    if (c === 39 /* ' */) {
      features |= Feat.AnsiC;
      const [text, end] = ansiC(s, i + 2);
      append(text);
      if (started && word.length > text.length) obf = true;
      return end;
    }
    if (c === 34 /* " */) {
      quote = 34;
      if (started) obf = true;
      append("");
      return i + 2;
    }
    if (c === 123 /* { */) {
      let depth = 0;
      let close = -1;
      for (let j = i + 2; j < n && j < i + 512; j++) {
        const d = s.charCodeAt(j);
        if (d === 123) depth++;
        else if (d === 125) {
          if (depth === 0) {
            close = j;
            break;
          }
          depth--;
        }
      }
      if (close === -1) {
        append("${");
        return i + 2;
      }
      expandParam(s.slice(i + 2, close));
      return close + 1;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdChar(s.charCodeAt(j)) && j < i + 64) j++;
      const name = s.slice(i + 1, j);
      // `c$_at`: meant as the special parameter `$_` (empty here) glued to letters.
      if (c === 95 && name.length > 1 && !vars.has(name) && started) {
        obf = true;
        return i + 2;
      }
      substitute(name);
      return j;
    }
    if (c >= 48 && c <= 57) {
      // Positional parameters: `$0` is the shell itself, the others are empty.
      if (c === 48 && !started && isWordEnd(i + 2)) append("sh");
      else {
        if (!started) {
          started = true;
          word = "";
        }
        obf = true;
      }
      return i + 2;
    }
    if (c === 64 || c === 42 || c === 35 || c === 63 || c === 33 || c === 45 || c === 95 || c === 36) {
      // `$@ $* $# $? $! $- $_ $$`: special parameters, empty or a number in practice.
      obf = true;
      if (!started) {
        started = true;
        word = "";
      }
      return i + 2;
    }
    append("$");
    return i + 1;
  };
  const isWordEnd = (j: number): boolean => j >= n || isWordBreak(s.charCodeAt(j));
  const substitute = (name: string): void => {
    if (name === "IFS") {
      features |= Feat.Ifs;
      endWord();
      return;
    }
    const v = vars.get(name) ?? (Object.hasOwn(KNOWN_VARS, name) ? KNOWN_VARS[name] : undefined);
    if (v !== undefined) {
      // Unquoted expansions are split on blanks (word splitting) and globbed.
      if (/[*?[]/.test(v)) glob = true;
      const parts = v.split(/[ \t]/);
      for (let k = 0; k < parts.length; k++) {
        if (k > 0) endWord();
        append(parts[k]!);
      }
      obf = true;
      return;
    }
    // Unknown variable: expands to nothing; inside a word that is an evasion.
    obf = true;
    if (!started) {
      started = true;
      word = "";
    }
  };
  const expandParam = (body: string): void => {
    if (body === "IFS" || body.startsWith("IFS")) {
      features |= Feat.Ifs;
      endWord();
      return;
    }
    const bang = body.charCodeAt(0) === 33; /* ! */
    let j = bang ? 1 : 0;
    const ns = j;
    while (j < body.length && isIdChar(body.charCodeAt(j))) j++;
    const name = body.slice(ns, j);
    if (name.length === 0 || !isIdStart(name.charCodeAt(0))) {
      // `${7*7}`, `${::-j}`: not a shell parameter (template or lookup syntax).
      obf = true;
      if (!started) {
        started = true;
        word = "";
      }
      return;
    }
    if (j === body.length) {
      if (bang) features |= Feat.ParamOp;
      substitute(name);
      return;
    }
    const op = body.charCodeAt(j);
    const op2 = body.charCodeAt(j + 1);
    if (
      bang ||
      op === 35 ||
      op === 37 ||
      op === 47 ||
      op === 94 ||
      op === 44 ||
      op === 64 ||
      (op === 58 &&
        ((op2 >= 48 && op2 <= 57) || op2 === 45 || op2 === 61 || op2 === 63 || op2 === 43 || op2 === 32))
    )
      features |= Feat.ParamOp;
    // `${PATH:0:1}` and friends: substring of a known value.
    const m = /^:(-?\d{1,3})(?::(\d{1,3}))?$/.exec(body.slice(j));
    const v = vars.get(name) ?? (Object.hasOwn(KNOWN_VARS, name) ? KNOWN_VARS[name] : undefined);
    if (m && v !== undefined) {
      const off = Number(m[1]);
      const len = m[2] === undefined ? undefined : Number(m[2]);
      const from = off < 0 ? Math.max(0, v.length + off) : off;
      append(len === undefined ? v.slice(from) : v.slice(from, from + len));
      obf = true;
      return;
    }
    // `${x:-default}`: the default when x is unset, which it is for us.
    if (body.startsWith(":-", j) || body.startsWith("-", j)) {
      const def = body.slice(body.indexOf("-", j) + 1);
      append(def);
      obf = true;
      return;
    }
    obf = true;
    if (!started) {
      started = true;
      word = "";
    }
  };
  const push = (kind: Frame["kind"], at: number): void => {
    if (stack.length >= MAX_DEPTH) return;
    stack.push({ kind, word, wordStarted: started, glob, obf, redir, quote, cmd });
    quote = 0;
    word = "";
    started = false;
    glob = obf = redir = false;
    if (commands.length < MAX_COMMANDS) {
      cmd = { sep: kind, start: at, end: n, words: [], tight: true, queryish: false, lead: false };
      commands.push(cmd);
    }
    lastBreak = at + 1;
  };
  const pop = (at: number): void => {
    endWord();
    cmd.end = at;
    const f = stack.pop()!;
    const empty = cmd.words.length === 0;
    cmd = f.cmd;
    word = f.word;
    started = f.wordStarted;
    glob = f.glob;
    obf = f.obf || (empty && started);
    redir = f.redir;
    quote = f.quote;
    // The substitution's output joins the surrounding word (unknown: empty).
    if (!started) {
      started = true;
      word = "";
    }
    obf = true;
  };

  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (quote === 39) {
      if (c === 39) quote = 0;
      else word += s[i];
      i++;
      continue;
    }
    if (quote === 34) {
      if (c === 34) {
        quote = 0;
        i++;
      } else if (c === 92 && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d === 36 || d === 96 || d === 34 || d === 92) {
          word += s[i + 1];
          i += 2;
        } else if (d === 10) i += 2;
        else {
          word += "\\";
          i++;
        }
      } else if (c === 36) {
        i = dollar(i);
      } else if (c === 96) {
        push("`", i);
        i++;
      } else {
        word += s[i];
        i++;
      }
      continue;
    }
    switch (c) {
      case 92: {
        // Backslash quotes the next character (and a newline disappears). A literal
        // `\n`/`\r` is read as a line break: payloads aimed at `echo -e`, JSON strings or
        // log lines spell the newline that way.
        if (i + 1 < n) {
          const d = s.charCodeAt(i + 1);
          if ((d === 110 || d === 114) && !started) {
            newCommand("nl", i);
            i += 2;
            continue;
          }
          if (d !== 10) {
            append(s[i + 1]!);
            obf = true;
          }
          i += 2;
        } else i++;
        continue;
      }
      case 39:
      case 34:
        if (started) obf = true;
        append("");
        quote = c;
        quoteAt = i;
        // A quote that closes and is followed by more word characters is an evasion.
        i++;
        {
          const close = s.indexOf(c === 39 ? "'" : '"', i);
          if (close !== -1 && close + 1 < n && !isWordBreak(s.charCodeAt(close + 1))) obf = true;
          if (close === i) obf = true;
        }
        continue;
      case 32:
      case 9:
      case 11:
      case 12:
      case 0xa0:
        endWord();
        i++;
        continue;
      case 10:
      case 13:
        newCommand("nl", i);
        i++;
        continue;
      case 59:
        newCommand(";", i);
        i++;
        continue;
      case 124:
        if (s.charCodeAt(i + 1) === 124) {
          newCommand("||", i);
          i += 2;
        } else {
          newCommand("|", i);
          i += s.charCodeAt(i + 1) === 38 ? 2 : 1;
        }
        continue;
      case 38:
        if (s.charCodeAt(i + 1) === 38) {
          newCommand("&&", i);
          i += 2;
        } else if (s.charCodeAt(i + 1) === 62) {
          features |= Feat.Redirect;
          endWord();
          nextRedir = true;
          i += 2;
        } else {
          // An HTML character reference (`&lt;`, `&#39;`) in escaped markup or text is
          // part of a word: as shell it would run commands named `lt` or `#39`, which do
          // not exist, so reading it as `&` then a command only finds false chains.
          const ref = charRefLength(s, i);
          if (ref > 0) {
            append(s.slice(i, i + ref));
            i += ref;
            continue;
          }
          newCommand("&", i);
          i++;
        }
        continue;
      case 60:
      case 62: {
        const d = s.charCodeAt(i + 1);
        if (d === 40) {
          features |= Feat.ProcSubst;
          push("<(", i);
          i += 2;
          continue;
        }
        // `2>&1`: the file descriptor number belongs to the operator.
        if (started && /^\d+$/.test(word)) {
          word = "";
          started = false;
        }
        endWord();
        features |= Feat.Redirect;
        if (c === 60 && d === 60 && s.charCodeAt(i + 2) === 60) {
          // A here-string feeds a command (`bash<<<'id'`, `cat <<< $(id)`): one must come
          // before it. At the start of a value or after `<`, `|`, `;` it is an arrow
          // (`<<< back | next >>>`).
          let b = i - 1;
          while (b >= 0 && isBlank(s.charCodeAt(b))) b--;
          const p = b < 0 ? 0 : s.charCodeAt(b);
          if (b >= 0 && p !== 60 && p !== 124 && p !== 59 && p !== 38 && p !== 10 && p !== 13)
            features |= Feat.HereString;
          i += 3;
          continue;
        }
        i++;
        for (let k = 0; k < 3 && i < n; k++) {
          const e = s.charCodeAt(i);
          if (e === 62 || e === 60 || e === 38 || e === 124) i++;
          else break;
        }
        nextRedir = true;
        continue;
      }
      case 36:
        i = dollar(i);
        continue;
      case 96:
        if (stack.length > 0 && stack[stack.length - 1]!.kind === "`") pop(i);
        else push("`", i);
        i++;
        continue;
      case 40:
        if (started && s.charCodeAt(i + 1) === 41) {
          // `name()` — a function definition when a `{` follows.
          let j = i + 2;
          while (j < n && isBlank(s.charCodeAt(j))) j++;
          if (s.charCodeAt(j) === 123) features |= Feat.FuncDef;
          append("()");
          i += 2;
          continue;
        }
        if (!started) {
          push("(", i);
          i++;
          continue;
        }
        append("(");
        i++;
        continue;
      case 41:
        if (stack.length > 0 && stack[stack.length - 1]!.kind !== "`") {
          pop(i);
        } else append(")");
        i++;
        continue;
      case 123:
        if (!started && (i + 1 >= n || isBlank(s.charCodeAt(i + 1)))) {
          newCommand("{", i);
          i++;
          continue;
        }
        append("{");
        i++;
        continue;
      case 125:
        if (!started && (i + 1 >= n || isWordBreak(s.charCodeAt(i + 1)))) {
          endWord();
          i++;
          continue;
        }
        append("}");
        i++;
        continue;
      case 35:
        if (!started) {
          // A comment runs to the end of the line.
          while (i < n && s.charCodeAt(i) !== 10) i++;
          continue;
        }
        append("#");
        i++;
        continue;
      case 42:
      case 63:
      case 91:
        glob = true;
        append(s[i]!);
        i++;
        continue;
      default:
        append(s[i]!);
        i++;
    }
  }
  endWord();
  while (stack.length > 0) pop(n);
  cmd.end = n;
  return { commands, features, unclosedQuote: quote !== 0 && s === input ? quoteAt : -1 };
}

/** Named references a shell has no command for (HTML 5 §13.5 names in common use). */
const REF_NAMES: ReadonlySet<string> = new Set([
  "lt",
  "gt",
  "amp",
  "quot",
  "apos",
  "nbsp",
  "copy",
  "reg",
  "hellip",
  "mdash",
  "ndash",
]);

/**
 * Length of the HTML character reference at `i` (`&lt;`, `&#60;`, `&#x3c;`), 0 when there
 * is none. Bounded: at most 10 characters are read.
 */
export function charRefLength(s: string, i: number): number {
  let j = i + 1;
  if (s.charCodeAt(j) === 35 /* # */) {
    j++;
    const hex = (s.charCodeAt(j) | 32) === 120;
    if (hex) j++;
    const from = j;
    while (j < s.length && j - from < 7) {
      const c = s.charCodeAt(j);
      const digit = c >= 48 && c <= 57;
      const hexLetter = hex && (c | 32) >= 97 && (c | 32) <= 102;
      if (!digit && !hexLetter) break;
      j++;
    }
    return j > from && s.charCodeAt(j) === 59 ? j + 1 - i : 0;
  }
  const from = j;
  while (j < s.length && j - from < 7 && (s.charCodeAt(j) | 32) >= 97 && (s.charCodeAt(j) | 32) <= 122) j++;
  return s.charCodeAt(j) === 59 && REF_NAMES.has(s.slice(from, j).toLowerCase()) ? j + 1 - i : 0;
}

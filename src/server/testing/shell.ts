import { spawnSync } from "node:child_process";

/**
 * Runs a generated cURL command in a real POSIX shell (`sh`, dash on Debian) with `curl`
 * replaced by a shell function that reports the words it received and what came on its
 * stdin. What comes back is exactly what the shell would have given curl: the test of
 * the quoting is the shell itself, not a re-implementation of its rules.
 */
const FAKE_CURL = `curl() {
  printf '%s\\0' "$#"
  for a in "$@"; do printf '%s\\0' "$a"; done
  cat
}
`;

export interface CurlRun {
  readonly argv: readonly string[];
  readonly method: string;
  readonly headers: readonly string[];
  readonly body: string;
  readonly url: string;
  readonly requestTarget?: string;
  /** Whether any argument would make curl read a local file (`@file` forms). */
  readonly readsFiles: boolean;
}

export function runCurlInShell(command: string): CurlRun {
  const r = spawnSync("sh", ["-c", FAKE_CURL + command], { input: "", timeout: 10_000, maxBuffer: 64 << 20 });
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0) throw new Error(`sh exited ${r.status}: ${r.stderr.toString()}`);
  const out = r.stdout;
  const words: string[] = [];
  let at = 0;
  const next = () => {
    const end = out.indexOf(0, at);
    if (end === -1) throw new Error("truncated output of the fake curl");
    const w = out.subarray(at, end).toString("utf8");
    at = end + 1;
    return w;
  };
  const argc = Number(next());
  for (let i = 0; i < argc; i++) words.push(next());
  const stdin = out.subarray(at).toString("utf8");

  let method = "GET";
  const headers: string[] = [];
  let body = "";
  let url: string | undefined;
  let requestTarget: string | undefined;
  let readsFiles = false;
  let usedStdin = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const value = () => {
      const v = words[++i];
      if (v === undefined) throw new Error(`${w} without a value`);
      return v;
    };
    switch (w) {
      case "--globoff":
      case "--path-as-is":
        break;
      case "--head":
        method = "HEAD";
        break;
      case "-X":
        method = value();
        break;
      case "-H": {
        const v = value();
        if (v.startsWith("@")) readsFiles = true;
        headers.push(v);
        break;
      }
      case "--request-target":
        requestTarget = value();
        break;
      case "--data-raw":
        body = value();
        break;
      case "--data-binary": {
        const v = value();
        if (v === "@-") {
          body = stdin;
          usedStdin = true;
        } else if (v.startsWith("@")) readsFiles = true;
        else body = v;
        break;
      }
      default:
        if (w.startsWith("-")) throw new Error(`unexpected option ${w}`);
        if (url !== undefined) throw new Error(`two URLs: ${url} and ${w}`);
        url = w;
    }
  }
  if (url === undefined) throw new Error("no URL");
  if (!usedStdin && stdin !== "") throw new Error("data on stdin that curl would not read");
  return {
    argv: words,
    method,
    headers,
    body,
    url,
    readsFiles,
    ...(requestTarget === undefined ? {} : { requestTarget }),
  };
}

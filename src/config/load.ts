/**
 * Loading: defaults, then the YAML file, then the environment, merged and validated once.
 * Errors carry the setting's path and where its value came from (file line or variable).
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import type { AnalysisLimits } from "../model/index.js";
import { CONFIG_FILE_ENV, ENV_VARS, envValue, OTHER_ENV } from "./env.js";
import { ConfigError, type ConfigIssue, type Origin } from "./errors.js";
import { DEFAULTS, MIN_SECRET_LENGTH, type NodeConfig, rawSchema } from "./schema.js";

/** A config file larger than this is refused (it is a few dozen lines). */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_SECRET_FILE_BYTES = 64 * 1024;
const DB_FILE = "mirrorwatch.db";

export interface LoadOptions {
  /** YAML file; when absent, `MIRRORWATCH_CONFIG` names one, else defaults and env only. */
  readonly file?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Set to false to check a file on its own (`config check --no-env`). */
  readonly useEnv?: boolean;
  /** Base for relative paths (default: the working directory). */
  readonly cwd?: string;
}

export interface LoadedConfig {
  readonly config: NodeConfig;
  /** The file read, if any. */
  readonly file?: string;
  /** Variables that set something. */
  readonly envUsed: readonly string[];
  /** Not errors, but worth telling (e.g. an unknown MIRRORWATCH_ variable). */
  readonly warnings: readonly string[];
}

type Tree = Record<string, unknown>;

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.useEnv === false ? {} : (opts.env ?? process.env);
  const cwd = opts.cwd ?? process.cwd();
  const fileName = opts.file ?? nonEmpty(env[CONFIG_FILE_ENV]);
  const warnings: string[] = [];

  const file = fileName !== undefined ? readYaml(fileName) : undefined;
  const { layer: envLayer, origins: envOrigins, used } = readEnv(env, warnings);

  // A secret given in the environment replaces the file's, in whichever form it is given.
  const fileTree = file?.tree ?? {};
  if (envLayer.mirror !== undefined && isTree(fileTree.mirror)) {
    const m = envLayer.mirror as Tree;
    if ("secret" in m || "secretFile" in m) {
      const { secret: _s, secretFile: _f, ...rest } = fileTree.mirror;
      fileTree.mirror = rest;
    }
  }

  const merged = merge(merge(structuredClone(DEFAULTS) as unknown as Tree, fileTree), envLayer);
  const originOf = (path: readonly (string | number)[]): Origin => {
    for (const [p, name] of envOrigins) if (isPrefix(p, path)) return { kind: "env", name };
    if (file !== undefined) {
      const at = locate(file.doc, file.lines, path);
      if (at !== undefined) return { kind: "file", file: fileName!, ...at };
    }
    return { kind: "default" };
  };

  const parsed = rawSchema.safeParse(merged);
  if (!parsed.success) {
    const issues: ConfigIssue[] = [];
    for (const i of parsed.error.issues) {
      if (i.code === "unrecognized_keys") {
        for (const k of i.keys) {
          const path = [...i.path, k] as (string | number)[];
          issues.push({ path: dotted(path), origin: originOf(path), message: "unknown setting" });
        }
      } else {
        const path = i.path as (string | number)[];
        issues.push({ path: dotted(path), origin: originOf(path), message: i.message });
      }
    }
    throw new ConfigError(issues);
  }
  const raw = parsed.data;

  // Cross-field rules and reading the secret file.
  const issues: ConfigIssue[] = [];
  const issue = (path: string, message: string) =>
    issues.push({ path, origin: originOf(path.split(".")), message });
  let secret: string | undefined;
  let secretSource: "inline" | "file" | undefined;
  let secretFile: string | undefined;
  if (raw.mirror.secret !== "" && raw.mirror.secretFile !== "") {
    issue("mirror.secretFile", "set either mirror.secret or mirror.secretFile, not both");
  } else if (raw.mirror.secret !== "") {
    secret = raw.mirror.secret;
    secretSource = "inline";
  } else if (raw.mirror.secretFile !== "") {
    secretFile = resolve(cwd, raw.mirror.secretFile);
    const r = readSecretFile(secretFile);
    if (r.error !== undefined) issue("mirror.secretFile", r.error);
    else {
      secret = r.secret;
      secretSource = "file";
    }
  }
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    issue(
      secretSource === "file" ? "mirror.secretFile" : "mirror.secret",
      `the secret must be at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -hex 24\`)`,
    );
  }
  const pk = raw.packet;
  if (
    pk.vxlan.enabled &&
    pk.geneve.enabled &&
    pk.vxlan.listen.port !== 0 &&
    pk.vxlan.listen.port === pk.geneve.listen.port &&
    pk.vxlan.listen.host === pk.geneve.listen.host
  ) {
    issue("packet.geneve.listen", "the VXLAN and GENEVE listeners cannot share one address and port");
  }
  if (pk.tcp.flowBufferBytes > pk.tcp.totalBufferBytes) {
    issue("packet.tcp.flowBufferBytes", "must not be larger than packet.tcp.totalBufferBytes");
  }
  if (pk.http.maxBodyBytes > pk.http.totalBufferBytes) {
    issue("packet.http.maxBodyBytes", "must not be larger than packet.http.totalBufferBytes");
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const dataDir = resolve(cwd, raw.dataDir);
  const storePath =
    raw.store.path === ""
      ? join(dataDir, DB_FILE)
      : isAbsolute(raw.store.path)
        ? raw.store.path
        : resolve(cwd, raw.store.path);

  const config: NodeConfig = {
    listeners: raw.listeners,
    dataDir,
    store: { type: raw.store.type, path: storePath },
    analysis: {
      workers: raw.analysis.workers,
      queueSize: raw.analysis.queueSize,
      queueBytes: raw.analysis.queueBytes,
      batchSize: raw.analysis.batchSize,
      timeBudgetMs: raw.analysis.timeBudgetMs,
      drainTimeoutMs: raw.analysis.drainTimeout,
      limits: raw.analysis.limits as AnalysisLimits,
    },
    mirror: {
      maxBodyBytes: raw.mirror.maxBodyBytes,
      trustedProxies: raw.mirror.trustedProxies,
      secretHeader: raw.mirror.secretHeader,
      proxyProtocol: raw.mirror.proxyProtocol,
      maxConnections: raw.mirror.maxConnections,
      ...(secret !== undefined ? { secret } : {}),
      ...(secretSource !== undefined ? { secretSource } : {}),
      ...(secretFile !== undefined ? { secretFile } : {}),
    },
    events: {
      groupWindowMs: raw.events.groupWindow,
      sampleLimitPerHour: raw.events.sampleLimitPerHour,
      masking: raw.events.masking,
      storedBodyMax: raw.events.storedBodyMax,
      exclusions: raw.events.exclusions,
    },
    retention: { days: raw.retention.days, intervalMs: raw.retention.interval },
    logging: raw.logging,
    packet: {
      vxlan: pk.vxlan,
      geneve: pk.geneve,
      capture: {
        enabled: pk.capture.enabled,
        interfaces: pk.capture.interface,
        filter: pk.capture.filter,
        snaplen: pk.capture.snaplen,
        bufferSize: pk.capture.bufferSize,
        backend: pk.capture.backend,
      },
      ignore: pk.ignore,
      trustedProxies: pk.trustedProxies,
      tcp: {
        maxFlows: pk.tcp.maxFlows,
        flowBufferBytes: pk.tcp.flowBufferBytes,
        totalBufferBytes: pk.tcp.totalBufferBytes,
        idleTimeoutMs: pk.tcp.idleTimeout,
      },
      http: {
        responseTimeoutMs: pk.http.responseTimeout,
        maxBodyBytes: pk.http.maxBodyBytes,
        maxDecodedBytes: pk.http.maxDecodedBytes,
        totalBufferBytes: pk.http.totalBufferBytes,
      },
    },
  };
  return {
    config,
    ...(fileName !== undefined ? { file: fileName } : {}),
    envUsed: used,
    warnings,
  };
}

// ───────────────────────────── file ─────────────────────────────

interface YamlFile {
  readonly tree: Tree;
  readonly doc: Document;
  readonly lines: LineCounter;
}

function readYaml(file: string): YamlFile {
  const fail = (message: string, line?: number, col?: number): never => {
    const origin: Origin = {
      kind: "file",
      file,
      ...(line !== undefined ? { line } : {}),
      ...(col !== undefined ? { col } : {}),
    };
    throw new ConfigError([{ path: "", origin, message }]);
  };
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) fail("not a regular file");
    if (st.size > MAX_FILE_BYTES) fail(`larger than ${MAX_FILE_BYTES} bytes; is this the config file?`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    return fail(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues: ConfigIssue[] = doc.errors.slice(0, 20).map((e) => {
      const pos = e.linePos?.[0];
      return {
        path: "",
        origin: { kind: "file", file, ...(pos !== undefined ? { line: pos.line, col: pos.col } : {}) },
        message: `YAML: ${firstLine(e.message)}`,
      };
    });
    throw new ConfigError(issues);
  }
  let tree: unknown;
  try {
    // Aliases are bounded by the library (maxAliasCount); a config file needs none anyway.
    tree = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    return fail(`YAML: ${firstLine((e as Error).message)}`);
  }
  if (tree === null || tree === undefined) tree = {};
  if (!isTree(tree)) return fail("the file must be a mapping of settings (key: value)");
  return { tree, doc, lines };
}

/** Line and column of the deepest key of `path` present in the file. */
function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly (string | number)[],
): { line: number; col: number } | undefined {
  let node: Node | null | undefined = doc.contents as Node | null;
  let found: { line: number; col: number } | undefined;
  for (const step of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
    if (pair === undefined) break;
    const key = pair.key as Node;
    if (key.range !== undefined && key.range !== null) found = lines.linePos(key.range[0]);
    node = pair.value as Node | null;
  }
  return found;
}

function readSecretFile(path: string): { secret?: string; error?: string } {
  try {
    const st = statSync(path);
    if (!st.isFile()) return { error: `${path} is not a regular file` };
    if (st.size > MAX_SECRET_FILE_BYTES) return { error: `${path} is too large for a secret` };
    // The trailing newline editors add is not part of the secret.
    const text = readFileSync(path, "utf8");
    let end = text.length;
    while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
    const secret = text.slice(0, end);
    if (secret === "") return { error: `${path} is empty` };
    return { secret };
  } catch (e) {
    return { error: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}

// ───────────────────────────── environment ─────────────────────────────

function readEnv(
  env: Readonly<Record<string, string | undefined>>,
  warnings: string[],
): { layer: Tree; origins: [readonly string[], string][]; used: string[] } {
  const layer: Tree = {};
  const origins: [readonly string[], string][] = [];
  const used: string[] = [];
  const known = new Set(ENV_VARS.map((e) => e.name));
  for (const e of ENV_VARS) {
    const text = env[e.name];
    if (text === undefined) continue;
    used.push(e.name);
    origins.push([e.path, e.name]);
    setIn(layer, e.path, envValue(e.kind, text));
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith("MIRRORWATCH_") && !known.has(name) && !OTHER_ENV.has(name)) {
      warnings.push(`unknown environment variable ${name} ignored (see mirrorwatch config --help)`);
    }
  }
  return { layer, origins, used };
}

// ───────────────────────────── helpers ─────────────────────────────

function isTree(v: unknown): v is Tree {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep merge of mappings; lists and scalars of `over` replace those of `base`. */
function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === "__proto__") continue;
    const b = out[k];
    out[k] = isTree(b) && isTree(v) ? merge(b, v) : v;
  }
  return out;
}

function setIn(tree: Tree, path: readonly string[], value: unknown): void {
  let t = tree;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (!isTree(t[k])) t[k] = {};
    t = t[k] as Tree;
  }
  t[path[path.length - 1]!] = value;
}

function isPrefix(prefix: readonly string[], path: readonly (string | number)[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((p, i) => String(path[i]) === p);
}

function dotted(path: readonly (string | number | symbol)[]): string {
  return path.map(String).join(".");
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === "" ? undefined : s;
}

function firstLine(s: string): string {
  const i = s.indexOf("\n");
  return i === -1 ? s : s.slice(0, i);
}

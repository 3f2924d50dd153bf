import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_LIMITS } from "../model/index.js";
import { ENV_VARS } from "./env.js";
import { loadConfig } from "./load.js";
import { MASK, printConfig } from "./print.js";
import { DEFAULTS } from "./schema.js";
import { configDir, errorsOf } from "./testing.js";

const { dir, file } = configDir("mw-config-");

function leaves(tree: object, prefix: string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) out.push(...leaves(v, [...prefix, k]));
    else out.push([...prefix, k].join("."));
  }
  return out;
}

describe("loadConfig", () => {
  it("runs on defaults alone", () => {
    const { config, warnings } = loadConfig({ env: {}, cwd: dir });
    assert.deepEqual(config.listeners.mirror, { host: "127.0.0.1", port: 8445 });
    assert.deepEqual(config.listeners.api, { host: "127.0.0.1", port: 8446 });
    assert.equal(config.dataDir, join(dir, "mirrorwatch-data"));
    assert.equal(config.store.path, join(dir, "mirrorwatch-data", "mirrorwatch.db"));
    assert.equal(config.retention.days, 90);
    assert.equal(config.analysis.workers, "auto");
    assert.deepEqual(config.analysis.limits, DEFAULT_LIMITS);
    assert.equal(config.mirror.secret, undefined);
    assert.deepEqual(config.mirror.trustedProxies, ["loopback"]);
    assert.equal(config.mirror.proxyProtocol, "off");
    assert.deepEqual(warnings, []);
  });

  it("has an environment variable for every setting, and every variable names a setting", () => {
    const paths = new Set(ENV_VARS.map((e) => e.path.join(".")));
    const settings = leaves(DEFAULTS);
    for (const s of settings) assert.ok(paths.has(s), `no environment variable for ${s}`);
    for (const p of paths) assert.ok(settings.includes(p), `${p} is not a setting`);
    assert.equal(new Set(ENV_VARS.map((e) => e.name)).size, ENV_VARS.length, "duplicate variable names");
  });

  it("applies env over file over defaults", () => {
    const f = file(
      "prec.yaml",
      "listeners:\n  mirror: 0.0.0.0:9000\n  api: 0.0.0.0:9001\nretention:\n  days: 30\nanalysis:\n  workers: 3\n",
    );
    const { config, envUsed } = loadConfig({
      file: f,
      cwd: dir,
      env: {
        MIRRORWATCH_API_LISTEN: "127.0.0.2:7000",
        MIRRORWATCH_WORKERS: "2",
        MIRRORWATCH_DATA_DIR: "/var/lib/mw",
        MIRRORWATCH_TRUSTED_PROXIES: "10.0.0.0/8, 192.168.1.1",
        MIRRORWATCH_MASKING: "off",
        MIRRORWATCH_GROUP_WINDOW: "30m",
        MIRRORWATCH_LIMIT_MAX_POINTS: "100",
        MIRRORWATCH_PROXY_PROTOCOL: "auto",
      },
    });
    assert.deepEqual(config.listeners.mirror, { host: "0.0.0.0", port: 9000 }); // file
    assert.deepEqual(config.listeners.api, { host: "127.0.0.2", port: 7000 }); // env wins
    assert.equal(config.retention.days, 30);
    assert.equal(config.analysis.workers, 2);
    assert.equal(config.dataDir, "/var/lib/mw");
    assert.equal(config.store.path, "/var/lib/mw/mirrorwatch.db");
    assert.deepEqual(config.mirror.trustedProxies, ["10.0.0.0/8", "192.168.1.1"]);
    assert.equal(config.events.masking.enabled, false);
    assert.equal(config.events.groupWindowMs, 1_800_000);
    assert.equal(config.analysis.limits.maxPoints, 100);
    assert.equal(config.mirror.proxyProtocol, "auto");
    assert.equal(config.analysis.limits.maxDepth, DEFAULT_LIMITS.maxDepth);
    assert.ok(envUsed.includes("MIRRORWATCH_WORKERS"));
  });

  it("reads the file named by MIRRORWATCH_CONFIG", () => {
    const f = file("by-env.yaml", "logging:\n  level: debug\n");
    assert.equal(loadConfig({ env: { MIRRORWATCH_CONFIG: f } }).config.logging.level, "debug");
  });

  it("reports every bad setting with its file line or its variable", () => {
    const f = file(
      "bad.yaml",
      [
        "listeners:",
        "  mirror: 8445",
        "analysis:",
        "  workers: many",
        "  queueSize: 0",
        "  limits:",
        "    maxPoints: -1",
        "retension:",
        "  days: 3",
        "mirror:",
        "  trustedProxies: [private, 10.0.0.0/8, nonsense]",
        "  proxyProtocol: yes",
        "",
      ].join("\n"),
    );
    const errs = errorsOf(() =>
      loadConfig({ file: f, env: { MIRRORWATCH_LOG_LEVEL: "loud", MIRRORWATCH_RETENTION_DAYS: "ninety" } }),
    );
    const has = (re: RegExp) =>
      assert.ok(
        errs.some((e) => re.test(e)),
        `no error matching ${re}: ${errs.join(" | ")}`,
      );
    has(/bad\.yaml:2:3: listeners\.mirror: .*host:port/);
    has(/bad\.yaml:4:3: analysis\.workers: expected "auto"/);
    has(/bad\.yaml:5:3: analysis\.queueSize: expected a whole number from 1/);
    has(/bad\.yaml:7:5: analysis\.limits\.maxPoints:/);
    has(/bad\.yaml:8:1: retension: unknown setting/);
    has(/bad\.yaml:11:3: mirror\.trustedProxies: entry 3: "nonsense"/);
    has(/bad\.yaml:12:3: mirror\.proxyProtocol: expected off, auto or required/);
    has(/^MIRRORWATCH_LOG_LEVEL \(logging\.level\): expected one of fatal/);
    has(/^MIRRORWATCH_RETENTION_DAYS \(retention\.days\): expected a whole number/);
  });

  it("reports YAML syntax errors with their line, and refuses a non-mapping or missing file", () => {
    const bad = file("syntax.yaml", "listeners:\n  mirror: [1, 2\n  api: x\n");
    assert.match(errorsOf(() => loadConfig({ file: bad, env: {} }))[0]!, /syntax\.yaml:\d+:\d+: YAML: /);
    const list = file("list.yaml", "- a\n- b\n");
    assert.match(errorsOf(() => loadConfig({ file: list, env: {} }))[0]!, /must be a mapping/);
    assert.match(
      errorsOf(() => loadConfig({ file: join(dir, "nope.yaml"), env: {} }))[0]!,
      /cannot read: ENOENT/,
    );
    const dup = file("dup.yaml", "dataDir: a\ndataDir: b\n");
    assert.match(
      errorsOf(() => loadConfig({ file: dup, env: {} }))[0]!,
      /dup\.yaml:2:\d+: YAML: .*[Uu]nique/,
    );
  });

  it("an empty file means defaults", () => {
    const f = file("empty.yaml", "# nothing set\n");
    assert.equal(loadConfig({ file: f, env: {} }).config.analysis.queueSize, 10_000);
  });

  it("takes the mirror secret inline or from a file, never both, and not too short", () => {
    const secretFile = file("secret.txt", "0123456789abcdef0123\n");
    const fromFile = loadConfig({ env: { MIRRORWATCH_MIRROR_SECRET_FILE: secretFile } }).config;
    assert.equal(fromFile.mirror.secret, "0123456789abcdef0123");
    assert.equal(fromFile.mirror.secretSource, "file");

    const both = file("both.yaml", `mirror:\n  secret: "0123456789abcdef-x"\n  secretFile: ${secretFile}\n`);
    assert.match(errorsOf(() => loadConfig({ file: both, env: {} })).join("\n"), /not both/);
    // The environment's secret replaces the file's, whichever form each uses.
    const env = loadConfig({
      file: both,
      env: { MIRRORWATCH_MIRROR_SECRET: "env-secret-0123456789" },
    }).config;
    assert.equal(env.mirror.secret, "env-secret-0123456789");

    const short = errorsOf(() => loadConfig({ env: { MIRRORWATCH_MIRROR_SECRET: "abc" } }));
    assert.match(
      short.join("\n"),
      /MIRRORWATCH_MIRROR_SECRET \(mirror\.secret\): the secret must be at least 16/,
    );
    const missing = errorsOf(() =>
      loadConfig({ env: { MIRRORWATCH_MIRROR_SECRET_FILE: join(dir, "absent") } }),
    );
    assert.match(missing.join("\n"), /cannot read .*absent: ENOENT/);
  });

  it("warns about unknown MIRRORWATCH_ variables", () => {
    const { warnings } = loadConfig({ env: { MIRRORWATCH_DATADIR: "x", MIRRORWATCH_REQUIRE_NGINX: "1" } });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /MIRRORWATCH_DATADIR/);
  });

  it("prints a config that masks the secret and loads back to the same settings", () => {
    const secret = "do-not-print-this-secret";
    const a = loadConfig({
      env: {
        MIRRORWATCH_MIRROR_SECRET: secret,
        MIRRORWATCH_QUEUE_BYTES: "32MiB",
        MIRRORWATCH_RETENTION_DAYS: "7",
      },
      cwd: dir,
    }).config;
    const text = printConfig(a);
    assert.ok(!text.includes(secret));
    assert.ok(text.includes(MASK));
    // With the masked secret replaced, the printed file describes the same node.
    const f = file("printed.yaml", text.replace(`"${MASK}"`, JSON.stringify(secret)));
    const b = loadConfig({ file: f, env: {}, cwd: dir }).config;
    assert.deepEqual(b, a);
  });

  it("reads exclusion rules from the file and from MIRRORWATCH_EXCLUSIONS (JSON), and names bad ones", () => {
    const good = file(
      "exclusions.yaml",
      [
        "events:",
        "  exclusions:",
        "    - name: video embeds",
        "      types: xss",
        "      signatures: [xss.tag-iframe]",
        '      points: "body > json > content"',
        "      paths: /api/posts/*",
        "      sources: [10.0.0.0/8, loopback]",
      ].join("\n"),
    );
    const c = loadConfig({ file: good, env: {} }).config;
    assert.deepEqual(c.events.exclusions, [
      {
        name: "video embeds",
        types: ["xss"],
        signatures: ["xss.tag-iframe"],
        points: ["body > json > content"],
        paths: ["/api/posts/*"],
        sources: ["10.0.0.0/8", "loopback"],
      },
    ]);
    const env = loadConfig({
      env: { MIRRORWATCH_EXCLUSIONS: '[{"types":["sqli"],"hosts":"admin.example.com"}]' },
    }).config;
    assert.deepEqual(env.events.exclusions, [{ types: ["sqli"], hosts: ["admin.example.com"] }]);
    assert.deepEqual(loadConfig({ env: {} }).config.events.exclusions, []);
    const err = (rules: string) =>
      errorsOf(() => loadConfig({ env: { MIRRORWATCH_EXCLUSIONS: rules } })).join("\n");
    assert.match(
      err('[{"types":"sqlinjection"}]'),
      /MIRRORWATCH_EXCLUSIONS.*entry 1: types: "sqlinjection" is not an attack type/,
    );
    assert.match(err('[{"name":"everything"}]'), /entry 1: sets none of .*would exclude every hit/);
    assert.match(err('[{"paths":"/x","color":"red"}]'), /entry 1: unknown setting "color"/);
    assert.match(err('[{"sources":"10.0.0.0/33"}]'), /entry 1: sources: /);
    assert.match(err("not json"), /MIRRORWATCH_EXCLUSIONS/);
  });
});

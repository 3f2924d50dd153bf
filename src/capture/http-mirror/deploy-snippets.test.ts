/**
 * The proxy snippets in deploy/ must stay loadable: the NGINX ones are checked with a real
 * `nginx -t` when nginx is installed (CI installs it), the YAML ones are parsed and their
 * key settings looked up, so an edit that breaks them fails here.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const deploy = join(root, "deploy");

function yamlDocs(rel: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(join(deploy, rel), "utf8"));
  for (const d of docs) assert.deepEqual(d.errors, [], rel);
  return docs.map((d) => d.toJS());
}

/** Follows a path of keys and indexes through parsed YAML. */
function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

function hasNginx(): boolean {
  const r = spawnSync("nginx", ["-v"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

describe("deploy snippets", () => {
  it("NGINX: the snippets pass nginx -t", { skip: hasNginx() ? false : "nginx is not installed" }, () => {
    const dir = mkdtempSync(join(tmpdir(), "mirrorwatch-nginx-"));
    try {
      mkdirSync(join(dir, "mirrorwatch"));
      cpSync(join(deploy, "nginx"), join(dir, "mirrorwatch"), { recursive: true });
      const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .map((t) => `  ${t}_temp_path ${join(dir, t)};`)
        .join("\n");
      writeFileSync(
        join(dir, "nginx.conf"),
        `pid ${join(dir, "nginx.pid")};\nerror_log ${join(dir, "error.log")};\nevents {}\nhttp {\n${temp}\n` +
          "  include mirrorwatch/mirrorwatch-upstream.conf;\n  include mirrorwatch/site-example.conf;\n}\n",
      );
      const r = spawnSync(
        "nginx",
        ["-t", "-q", "-p", `${dir}/`, "-c", "nginx.conf", "-e", join(dir, "error.log")],
        {
          encoding: "utf8",
          timeout: 20_000,
        },
      );
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("NGINX: the mirror location sends every header Mirrorwatch reads", () => {
    const conf = readFileSync(join(deploy, "nginx", "mirrorwatch-location.conf"), "utf8");
    for (const h of [
      "X-Real-IP",
      "X-Forwarded-For",
      "X-Forwarded-Proto",
      "X-Server-Addr",
      "X-Server-Port",
      "X-Request-ID",
      "Host",
    ]) {
      assert.match(conf, new RegExp(`^\\s*proxy_set_header ${h}\\s`, "m"), h);
    }
    assert.match(conf, /proxy_pass http:\/\/mirrorwatch\$request_uri;/);
    assert.match(readFileSync(join(deploy, "nginx", "site-example.conf"), "utf8"), /mirror_request_body on;/);
  });

  it("Envoy: a route mirrors to the mirrorwatch cluster, which speaks HTTP/1.1", () => {
    const [cfg] = yamlDocs("envoy/envoy.yaml");
    const hcm = at(cfg, "static_resources", "listeners", 0, "filter_chains", 0, "filters", 0, "typed_config");
    const route = at(hcm, "route_config", "virtual_hosts", 0, "routes", 0, "route");
    assert.equal(at(route, "request_mirror_policies", 0, "cluster"), "mirrorwatch");
    const clusters = at(cfg, "static_resources", "clusters") as { name: string }[];
    const mw = clusters.find((c) => c.name === "mirrorwatch");
    assert.ok(mw);
    const opts = at(
      mw,
      "typed_extension_protocol_options",
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
    );
    assert.deepEqual(at(opts, "explicit_http_config", "http_protocol_options"), {});
  });

  it("Istio: a VirtualService mirrors with a percentage", () => {
    const docs = yamlDocs("istio/virtualservice.yaml");
    const vs = docs.find((d) => at(d, "kind") === "VirtualService");
    assert.equal(at(vs, "spec", "http", 0, "mirror", "port", "number"), 8445);
    assert.equal(at(vs, "spec", "http", 0, "mirrorPercentage", "value"), 100);
  });

  it("Traefik: a mirroring service copies bodies to mirrorwatch", () => {
    const [dyn] = yamlDocs("traefik/dynamic.yaml");
    const m = at(dyn, "http", "services", "shop-mirrored", "mirroring");
    assert.equal(at(m, "mirrors", 0, "name"), "mirrorwatch");
    assert.equal(at(m, "mirrorBody"), true);
    assert.equal(at(dyn, "http", "routers", "shop", "service"), "shop-mirrored");
    assert.equal(
      at(dyn, "http", "services", "mirrorwatch", "loadBalancer", "servers", 0, "url"),
      "http://127.0.0.1:8445",
    );
    yamlDocs("traefik/traefik.yaml");
  });
});

/**
 * The packet path against real traffic: `tcpdump` records `curl` and a pipelining client
 * talking to a real NGINX (capture-session.ts); the capture is then read back
 *  - in-process through the packet path, and checked request by request against what was
 *    sent (method, target, body, status, decoded response body);
 *  - with `mirrorwatch analyze`, which must find the attacks and only them;
 *  - with `tshark`, which must see the same requests and status codes (a differential
 *    check against an independent HTTP dissector).
 *
 * CI installs nginx, tcpdump and tshark and sets MIRRORWATCH_REQUIRE_CAPTURE=1 (.ci/run),
 * so that these tests cannot be skipped there; elsewhere they are skipped, with the reason,
 * when a tool or the right to capture is missing.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PacketPath } from "../../src/capture/packet-path.js";
import { readCaptureFile } from "../../src/capture/pcap/index.js";
import { type HttpExchange, headerValue } from "../../src/model/index.js";
import { type CaptureSession, captureUnavailable, recordSession } from "./capture-session.js";
import { BIN, run } from "./harness.js";

const required = process.env.MIRRORWATCH_REQUIRE_CAPTURE === "1";
const missing = captureUnavailable();
const skip = missing !== undefined && !required ? `skipping the capture tests: ${missing}` : false;
const tsharkMissing = !["/usr/bin/tshark", "/usr/local/bin/tshark"].some((p) => existsSync(p));

async function exchangesOf(pcap: string): Promise<HttpExchange[]> {
  const out: HttpExchange[] = [];
  // Bodies up to 4 MiB: the 2 MiB upload must come through whole.
  const path = new PacketPath((ex) => out.push(ex), { source: "test", http: { maxBodyBytes: 4 << 20 } });
  await readCaptureFile(pcap, (f) => path.frame(f.linkType, f.data, f.ts));
  path.flush();
  return out.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
}

function bodyBytes(b: Uint8Array | string): Uint8Array {
  return typeof b === "string" ? Buffer.from(b) : b;
}

describe("packet path on a real capture (tcpdump, NGINX, curl)", { skip }, () => {
  let dir = "";
  let session: CaptureSession | undefined;
  let exchanges: HttpExchange[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-capture-"));
    session = await recordSession(dir);
    exchanges = await exchangesOf(session.pcap);
  });
  after(async () => {
    await session?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("finds every request sent, in order, paired with its response", () => {
    const sent = session?.sent ?? [];
    assert.deepEqual(
      exchanges.map((e) => `${e.request.method} ${e.request.target} → ${e.response?.status}`),
      sent.map((s) => `${s.method} ${s.target} → ${s.status}`),
    );
    for (const [i, s] of sent.entries()) {
      const ex = exchanges[i];
      assert.ok(ex !== undefined);
      assert.equal(bodyBytes(ex.request.body).byteLength, s.bodyBytes, `${s.method} ${s.target} body`);
      assert.equal(ex.client?.ip, "127.0.0.1");
      assert.equal(ex.server?.port, session?.nginxPort);
      assert.ok(ex.response?.ts !== undefined && ex.ts !== undefined && ex.response.ts >= ex.ts);
      if (s.responseSha256 !== undefined) {
        const body = bodyBytes(ex.response?.body ?? "");
        assert.equal(createHash("sha256").update(body).digest("hex"), s.responseSha256, `${s.target} body`);
      }
    }
  });

  it("undoes gzip and chunked framing, and reads HEAD, 304 and 100-continue right", () => {
    const byTarget = (m: string, t: string, status: number) =>
      exchanges.find(
        (e) => e.request.method === m && e.request.target === t && e.response?.status === status,
      );
    const page = byTarget("GET", "/static/page.html", 200);
    assert.equal(headerValue(page?.response?.headers ?? [], "content-encoding"), "gzip");
    // What crossed the wire is the compressed size, much smaller than the page.
    assert.ok((page?.response?.wireBytes ?? 0) < bodyBytes(page?.response?.body ?? "").byteLength / 4);
    const stream = byTarget("GET", "/api/stream", 200);
    assert.equal(headerValue(stream?.response?.headers ?? [], "transfer-encoding"), "chunked");
    assert.match(Buffer.from(bodyBytes(stream?.response?.body ?? "")).toString(), /part 5 x{500}\n$/);
    assert.equal(bodyBytes(byTarget("GET", "/static/page.html", 304)?.response?.body ?? "x").byteLength, 0);
    const head = byTarget("HEAD", "/static/notes.txt", 200);
    assert.ok(Number(headerValue(head?.response?.headers ?? [], "content-length")) > 0);
    assert.equal(bodyBytes(head?.response?.body ?? "x").byteLength, 0);
    const upload = byTarget("POST", "/api/upload", 200);
    assert.equal(headerValue(upload?.request.headers ?? [], "expect"), "100-continue");
    assert.match(Buffer.from(bodyBytes(upload?.response?.body ?? "")).toString(), /"received":2097169/);
    assert.equal(exchanges.filter((e) => e.anomalies !== undefined).length, 0, "no anomalies");
  });

  it("`mirrorwatch analyze` finds the attacks in the capture and nothing else", async () => {
    const out = join(dir, "verdicts.jsonl");
    const r = await run(
      process.execPath,
      [BIN, "analyze", session?.pcap ?? "", "--output", out, "--quiet"],
      process.env,
    );
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            hits: { type: string }[];
            request: { target: string };
            response?: { status: number };
          },
      );
    assert.equal(lines.length, session?.sent.length);
    for (const s of session?.sent ?? []) {
      const line = lines.find((l) => l.request.target === s.target && l.response?.status === s.status);
      assert.ok(line !== undefined, `no verdict for ${s.target}`);
      assert.deepEqual(
        [...new Set(line.hits.map((h) => h.type))],
        s.attack === undefined ? [] : [s.attack],
        `${s.method} ${s.target}`,
      );
    }
  });

  it("sees the same requests and status codes as tshark", {
    skip: tsharkMissing && !required ? "tshark is not installed" : false,
  }, async () => {
    const pcap = session?.pcap ?? "";
    const decode = ["-d", `tcp.port==${session?.nginxPort},http`];
    // `|` between several messages dissected from one frame (the pipelined requests).
    const fields = ["-T", "fields", "-E", "aggregator=|", "-E", "occurrence=a"];
    const req = await run(
      "tshark",
      [
        "-r",
        pcap,
        ...decode,
        "-Y",
        "http.request",
        ...fields,
        "-e",
        "http.request.method",
        "-e",
        "http.request.uri",
      ],
      process.env,
    );
    assert.equal(req.code, 0, req.stderr);
    const res = await run(
      "tshark",
      ["-r", pcap, ...decode, "-Y", "http.response", ...fields, "-e", "http.response.code"],
      process.env,
    );
    assert.equal(res.code, 0, res.stderr);
    const theirs: string[] = [];
    for (const line of req.stdout.split("\n")) {
      if (line.trim() === "") continue;
      const [methods = "", uris = ""] = line.split("\t");
      const m = methods.split("|");
      const u = uris.split("|");
      for (const [i, x] of m.entries()) theirs.push(`${x} ${u[i]}`);
    }
    const ours = exchanges.map((e) => `${e.request.method} ${e.request.target}`);
    assert.deepEqual([...ours].sort(), theirs.sort());
    // tshark also lists the interim `100 Continue`; a final status is what pairing keeps.
    const theirCodes = res.stdout
      .split("\n")
      .flatMap((l) => (l.trim() === "" ? [] : l.trim().split("|")))
      .map(Number)
      .filter((c) => c >= 200);
    const ourCodes = exchanges.map((e) => e.response?.status ?? 0);
    assert.deepEqual([...ourCodes].sort(), theirCodes.sort());
  });
});

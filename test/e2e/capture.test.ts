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
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ethernet, ipv4, ipv6, tcp, vxlan } from "../../src/capture/packet/build.js";
import { PacketDecoder } from "../../src/capture/packet/index.js";
import { PacketPath } from "../../src/capture/packet-path.js";
import { readCaptureFile } from "../../src/capture/pcap/index.js";
import { type HttpExchange, headerValue } from "../../src/model/index.js";
import { type CaptureSession, captureUnavailable, recordSession } from "./capture-session.js";
import { allHits, BIN, createTokenCli, freePort, poll, run, startServe } from "./harness.js";

const required = process.env.MIRRORWATCH_REQUIRE_CAPTURE === "1";
const missing = captureUnavailable();
const skip = missing !== undefined && !required ? `skipping the capture tests: ${missing}` : false;
const tsharkMissing = !["/usr/bin/tshark", "/usr/local/bin/tshark"].some((p) => existsSync(p));

async function exchangesOf(pcap: string): Promise<HttpExchange[]> {
  const out: HttpExchange[] = [];
  // Bodies up to 4 MiB: the 2 MiB upload must come through whole.
  // Response bodies decoded too: the checks below compare them with what NGINX served.
  const path = new PacketPath((ex) => out.push(ex), {
    source: "test",
    http: { maxBodyBytes: 4 << 20, decodeResponses: true },
  });
  await readCaptureFile(pcap, (f) => path.frame(f.linkType, f.data, f.ts));
  path.flush();
  return out.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
}

/**
 * The capture's frames, ready for a VXLAN mirror: loopback frames are up to 64 KiB (no MTU,
 * segmentation offload), more than a UDP datagram holds, so TCP payloads are cut into
 * 1400-byte segments as a real network would carry them (same sequence numbers and flags,
 * FIN/PSH on the last piece).
 */
async function mirrorFrames(pcap: string): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  const decoder = new PacketDecoder({
    tcp(p) {
      const src = Uint8Array.from(p.src);
      const dst = Uint8Array.from(p.dst);
      const wrap = (seq: number, flags: number, payload: Uint8Array) => {
        const seg = tcp({ srcPort: p.srcPort, dstPort: p.dstPort, seq, ack: p.ack, flags, payload });
        const ip =
          p.family === 4
            ? ipv4({ src, dst, proto: 6, payload: seg })
            : ipv6({ src, dst, proto: 6, payload: seg });
        frames.push(ethernet({ etherType: p.family === 4 ? 0x0800 : 0x86dd, payload: ip }));
      };
      const MSS = 1400;
      if (p.payload.length <= MSS) {
        wrap(p.seq, p.flags, Uint8Array.from(p.payload));
        return;
      }
      for (let off = 0; off < p.payload.length; off += MSS) {
        const last = off + MSS >= p.payload.length;
        // FIN and PSH belong to the last piece only.
        wrap(
          (p.seq + off) >>> 0,
          last ? p.flags : p.flags & ~0x09,
          Uint8Array.from(p.payload.subarray(off, off + MSS)),
        );
      }
    },
  });
  await readCaptureFile(pcap, (f) => decoder.frame(f.linkType, f.data, f.ts));
  return frames;
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

  it("finds the same attacks when the capture arrives as a VXLAN mirror", async () => {
    const frames = await mirrorFrames(session?.pcap ?? "");
    const vxlanPort = await freePort();
    const node = await startServe({
      dataDir: join(dir, "node"),
      env: { MIRRORWATCH_VXLAN: "true", MIRRORWATCH_VXLAN_LISTEN: `127.0.0.1:${vxlanPort}` },
    });
    try {
      const token = await createTokenCli(join(dir, "node"));
      const sock = createSocket("udp4");
      for (const f of frames) {
        await new Promise<void>((resolve, reject) =>
          sock.send(vxlan(77, f), vxlanPort, "127.0.0.1", (e) => (e ? reject(e) : resolve())),
        );
      }
      sock.close();
      const attacks = (session?.sent ?? []).filter((s) => s.attack !== undefined);
      const hits = await poll("the mirrored attacks in the API", async () => {
        const h = await allHits(node.api, token, "vni=77");
        return h.length >= attacks.length ? h : undefined;
      });
      assert.deepEqual(
        hits.map((h) => `${h.type} ${h.method} ${h.path} ${h.clientIp}`).sort(),
        attacks.map((a) => `${a.attack} ${a.method} ${a.target.split("?")[0]} 127.0.0.1`).sort(),
      );
      for (const h of hits) assert.equal((h as unknown as { status?: number }).status, 200);
    } finally {
      await node.stop();
    }
  });
});

/**
 * VXLAN and GENEVE mirrors into a real `mirrorwatch serve`: TCP conversations are
 * encapsulated as AWS VPC Traffic Mirroring sends them (VXLAN over UDP; behind a Gateway
 * Load Balancer, GENEVE carrying IPv4 → UDP 4789 → VXLAN) and sent over UDP to the node's
 * listeners. The attacks in them must show up through the REST API with the right VNI,
 * client IP and response status, and the same private addresses and ports in two VNIs
 * (two VPCs) must stay two conversations.
 */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { geneve, ipv4, tcpConversation, udp, vxlan } from "../../src/capture/packet/build.js";
import { allHits, createTokenCli, freePort, http, poll, type ServeNode, startServe } from "./harness.js";

const ETH_IPV4 = 0x0800;

/** The frames of one HTTP exchange on a fresh connection to port 80. */
function conversation(
  client: string,
  server: string,
  clientPort: number,
  request: string,
  response: string,
): Uint8Array[] {
  return tcpConversation({ client, server, clientPort, exchanges: [[request, response]] });
}

const RESPONSE = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
const get = (target: string) =>
  `GET ${target} HTTP/1.1\r\nHost: shop.example.test\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n`;

function send(port: number, datagrams: readonly Uint8Array[]): Promise<void> {
  const sock = createSocket("udp4");
  return new Promise((resolve, reject) => {
    sock.on("error", reject);
    let i = 0;
    // One at a time, in order: loopback does not reorder, and the test is about tunnels.
    const next = () => {
      const d = datagrams[i++];
      if (d === undefined) {
        sock.close();
        resolve();
        return;
      }
      sock.send(d, port, "127.0.0.1", (e) => (e ? reject(e) : next()));
    };
    next();
  });
}

describe("VXLAN and GENEVE mirrors into `mirrorwatch serve`", () => {
  let dir = "";
  let node: ServeNode | undefined;
  let token = "";
  let vxlanPort = 0;
  let genevePort = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-tunnel-"));
    vxlanPort = await freePort();
    genevePort = await freePort();
    node = await startServe({
      dataDir: dir,
      env: {
        MIRRORWATCH_VXLAN: "true",
        MIRRORWATCH_VXLAN_LISTEN: `127.0.0.1:${vxlanPort}`,
        MIRRORWATCH_GENEVE: "true",
        MIRRORWATCH_GENEVE_LISTEN: `127.0.0.1:${genevePort}`,
      },
    });
    token = await createTokenCli(dir);
  });
  after(async () => {
    await node?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("reports attacks with their VNI, client IP and response, keeping VPCs apart", async () => {
    const api = node?.api ?? "";
    // The same client, server and ports in VNI 42 and VNI 43: segments interleaved.
    const a = conversation(
      "10.0.0.5",
      "10.0.1.10",
      40000,
      get("/products?id=1%27%20UNION%20SELECT%20password%20FROM%20users--"),
      RESPONSE,
    );
    const b = conversation(
      "10.0.0.5",
      "10.0.1.10",
      40000,
      get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
      RESPONSE,
    );
    const viaVxlan: Uint8Array[] = [];
    for (let i = 0; i < a.length; i++)
      viaVxlan.push(vxlan(42, a[i] as Uint8Array), vxlan(43, b[i] as Uint8Array));
    await send(vxlanPort, viaVxlan);

    // AWS Gateway Load Balancer: GENEVE (VNI 7) → IPv4 → UDP 4789 → VXLAN (VNI 99) → frame.
    const c = conversation(
      "172.16.3.9",
      "10.0.1.10",
      41000,
      get("/download?file=..%2F..%2F..%2Fetc%2Fpasswd"),
      RESPONSE,
    );
    const viaGeneve = c.map((f) =>
      geneve(
        7,
        ETH_IPV4,
        ipv4({
          src: "192.168.0.1",
          dst: "192.168.0.2",
          proto: 17,
          payload: udp({ srcPort: 50000, dstPort: 4789, payload: vxlan(99, f) }),
        }),
      ),
    );
    await send(genevePort, viaGeneve);

    const hits = await poll("the tunnelled hits in the API", async () => {
      const h = await allHits(api, token);
      return h.length >= 3 ? h : undefined;
    });
    const byVni = async (vni: number) => allHits(api, token, `vni=${vni}`);
    const h42 = await byVni(42);
    assert.deepEqual(
      h42.map((h) => [h.type, h.clientIp, h.path]),
      [["sqli", "10.0.0.5", "/products"]],
    );
    const h43 = await byVni(43);
    assert.deepEqual(
      h43.map((h) => [h.type, h.clientIp, h.path]),
      [["xss", "10.0.0.5", "/search"]],
    );
    const h99 = await byVni(99);
    assert.deepEqual(
      h99.map((h) => [h.type, h.clientIp, h.path]),
      [["ptrav", "172.16.3.9", "/download"]],
    );
    assert.equal(hits.length, 3);
    // The hit carries the response: status, size and time.
    const full = hits.find((h) => h.type === "ptrav") as unknown as Record<string, unknown>;
    assert.equal(full.status, 200);
    assert.equal(full.responseBytes, 5);
    assert.equal(full.vni, 99);
    const req = await http(`${api}/api/v1/requests/${encodeURIComponent(String(full.requestId))}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(req.status, 200, req.body);
    const stored = JSON.parse(req.body) as Record<string, unknown>;
    assert.equal(stored.tunnel, "geneve:7 vxlan:99");
    assert.equal(stored.serverIp, "10.0.1.10");
  });

  it("counts what it read in /metrics", async () => {
    const r = await http(`${node?.api}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
    assert.match(
      r.body,
      /mirrorwatch_packet_events_total\{source="vxlan",stage="input",event="datagrams"\} 16/,
    );
    assert.match(r.body, /mirrorwatch_packet_events_total\{source="geneve",stage="decoder",event="tcp"\} 8/);
  });
});

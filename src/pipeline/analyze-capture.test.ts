import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { tcpConversation } from "../capture/packet/build.js";
import { LINKTYPE_ETHERNET } from "../capture/packet/types.js";
import { PcapWriter } from "../capture/pcap/index.js";
import { analyzeFiles, probeInputs } from "./analyze.js";

/** A pcap of `requests` exchanges on one keep-alive connection, each answered 200. */
function capture(requests: readonly string[]): Buffer {
  const w = new PcapWriter({ linkType: LINKTYPE_ETHERNET });
  const frames = tcpConversation({
    client: "10.0.0.5",
    server: "10.0.1.10",
    clientPort: 40000,
    exchanges: requests.map((target) => [
      `GET ${target} HTTP/1.1\r\nHost: app.example.test\r\n\r\n`,
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    ]),
  });
  for (const [i, f] of frames.entries()) w.write(1_790_000_000_000 + i, f);
  return w.toBuffer();
}

describe("analyze reads captures", () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-analyze-pcap-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pcap = capture(["/a?q=1", "/b?id=1%27%20UNION%20SELECT%20password%20FROM%20users--", "/c"]);

  for (const [name, bytes] of [
    ["x.pcap", pcap],
    ["x.pcap.gz", gzipSync(pcap)],
  ] as const) {
    it(`${name}: one verdict per request, with the request line and the response`, async () => {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const infos = await probeInputs([file]);
      assert.equal(infos[0]?.format, "pcap");
      let text = "";
      const stats = await analyzeFiles(infos, {
        workers: 0,
        write: (t) => {
          text += t;
        },
      });
      assert.equal(stats.requests, 3);
      const lines = text
        .trim()
        .split("\n")
        .map(
          (l) =>
            JSON.parse(l) as {
              id: string;
              hits: { type: string }[];
              request: { method: string; target: string; host: string };
              response: { status: number; bytes: number };
              client: string;
              server: string;
            },
        );
      assert.deepEqual(
        lines.map((l) => [l.request.target, l.response.status, l.response.bytes, l.hits.map((h) => h.type)]),
        [
          ["/a?q=1", 200, 2, []],
          ["/b?id=1%27%20UNION%20SELECT%20password%20FROM%20users--", 200, 2, ["sqli"]],
          ["/c", 200, 2, []],
        ],
      );
      assert.equal(lines[0]?.client, "10.0.0.5:40000");
      assert.equal(lines[0]?.server, "10.0.1.10:80");
      assert.equal(lines[0]?.request.host, "app.example.test");
      assert.equal(lines[0]?.id, `${file}#1`);
    });
  }
});

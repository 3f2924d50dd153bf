/**
 * HTTP/1.x parsing on one core: `npx tsc -p tsconfig.json && node dist/bench/http1-parse.bench.js
 * [--seconds N] [--flows N]`.
 *
 * Generates keep-alive flows (default 200) of mixed traffic — small GETs with 200 responses
 * of 0.2-16 KiB, form POSTs, chunked responses, gzip-encoded JSON — cuts every direction
 * into 1448-byte segments like TCP on Ethernet, then feeds the segments to an
 * HttpStreamTracker directly (no TCP reassembly) for --seconds (default 5), round after
 * round on fresh flows. Prints MB/s and Gbit/s of wire bytes (both directions), and
 * exchanges/s and messages/s, for the whole layer (head parsing, body copying up to
 * maxBodyBytes, gzip decoding, pairing, building exchanges).
 */
import { gzipSync } from "node:zlib";
import { HttpStreamTracker } from "../src/capture/http1/index.js";
import type { FlowInfo } from "../src/capture/tcp/types.js";

const args = process.argv.slice(2);
function opt(name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}
const seconds = opt("--seconds", 5);
const flowCount = opt("--flows", 200);
const MSS = 1448;

let seed = 42;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed >>> 8) % n;
}

const json = gzipSync(
  Buffer.from(
    JSON.stringify({ items: Array.from({ length: 60 }, (_, i) => ({ id: i, name: `item ${i}` })) }),
  ),
);

function exchange(i: number): [string | Buffer, string | Buffer] {
  const kind = rand(10);
  const headers =
    "Host: shop.example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) bench\r\nAccept: */*\r\n" +
    "Accept-Encoding: gzip, br\r\nCookie: session=0123456789abcdef; theme=dark\r\n";
  if (kind < 5) {
    const size = 200 + rand(16 * 1024);
    return [
      `GET /product/${i}?ref=home&page=${rand(50)} HTTP/1.1\r\n${headers}\r\n`,
      `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${size}\r\nCache-Control: max-age=60\r\n\r\n${"x".repeat(size)}`,
    ];
  }
  if (kind < 7) {
    const form = `user=alice&comment=${"y".repeat(rand(600))}`;
    return [
      `POST /comment HTTP/1.1\r\n${headers}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n${form}`,
      "HTTP/1.1 302 Found\r\nLocation: /thanks\r\nContent-Length: 0\r\n\r\n",
    ];
  }
  if (kind < 9) {
    const chunks: string[] = [];
    for (let c = 0, n = 1 + rand(6); c < n; c++) {
      const len = 100 + rand(3000);
      chunks.push(`${len.toString(16)}\r\n${"z".repeat(len)}\r\n`);
    }
    return [
      `GET /feed HTTP/1.1\r\n${headers}\r\n`,
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n${chunks.join("")}0\r\n\r\n`,
    ];
  }
  return [
    `GET /api/items HTTP/1.1\r\n${headers}\r\n`,
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${json.length}\r\n\r\n`,
      ),
      json,
    ]),
  ];
}

interface Step {
  dir: 0 | 1;
  bytes: Buffer;
}

/** One flow: 20-60 exchanges, each request then its response, cut into segments. */
function makeFlow(f: number): { steps: Step[]; messages: number } {
  const steps: Step[] = [];
  const n = 20 + rand(40);
  for (let i = 0; i < n; i++) {
    const [q, r] = exchange(f * 100 + i);
    for (const [dir, m] of [
      [0, q],
      [1, r],
    ] as const) {
      const b = typeof m === "string" ? Buffer.from(m, "latin1") : m;
      for (let o = 0; o < b.length; o += MSS) steps.push({ dir, bytes: b.subarray(o, o + MSS) });
    }
  }
  return { steps, messages: 2 * n };
}

const flows = Array.from({ length: flowCount }, (_, f) => makeFlow(f));
let roundBytes = 0;
let roundMessages = 0;
for (const f of flows) {
  roundMessages += f.messages;
  for (const s of f.steps) roundBytes += s.bytes.length;
}

let exchanges = 0;
const tracker = new HttpStreamTracker(() => {
  exchanges++;
});

function round(r: number): void {
  const sinks = flows.map((_, f) => {
    const info: FlowInfo = {
      clientIp: `10.0.${f >> 8}.${f & 255}`,
      clientPort: 30000 + r,
      serverIp: "10.1.0.1",
      serverPort: 80,
      tunnel: "",
      vni: -1,
      vlan: -1,
      handshake: true,
      ts: 0,
    };
    return tracker.factory(info)!;
  });
  // Interleave the flows, one segment each in turn, as a capture would.
  const pos = new Array<number>(flows.length).fill(0);
  let live = flows.length;
  let ts = 0;
  while (live > 0) {
    live = 0;
    for (let f = 0; f < flows.length; f++) {
      const steps = flows[f]!.steps;
      const i = pos[f]!;
      if (i >= steps.length) continue;
      live++;
      const s = steps[i]!;
      sinks[f]!.data(s.dir, s.bytes, ++ts);
      pos[f] = i + 1;
    }
  }
  for (const s of sinks) s.close("fin", ++ts);
}

round(0); // warm-up
const startExchanges = exchanges;
const t0 = process.hrtime.bigint();
let rounds = 0;
let elapsed = 0;
while (elapsed < seconds) {
  round(++rounds);
  elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
}
const bytes = roundBytes * rounds;
const mb = bytes / 1e6 / elapsed;
const c = tracker.counters;
process.stdout.write(
  `http1 parse: ${rounds} rounds of ${flowCount} flows, ${(bytes / 1e6).toFixed(0)} MB in ${elapsed.toFixed(2)} s\n` +
    `  ${mb.toFixed(0)} MB/s = ${((mb * 8) / 1000).toFixed(2)} Gbit/s, ` +
    `${Math.round((roundMessages * rounds) / elapsed).toLocaleString("en")} messages/s, ` +
    `${Math.round((exchanges - startExchanges) / elapsed).toLocaleString("en")} exchanges/s, ` +
    `mean message ${Math.round(roundBytes / roundMessages)} B\n` +
    `  paired ${c.paired}, unpaired ${c.unpaired}, parse errors ${c.parseErrors}, decoded ${c.decoded}\n`,
);

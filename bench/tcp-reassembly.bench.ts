/**
 * TCP reassembly speed and memory on one core:
 *   npx tsc -p tsconfig.json && node --expose-gc dist/bench/tcp-reassembly.bench.js [--flows N] [--segments N]
 *
 * 1. Throughput: `--flows` (default 10,000) connections interleaved round-robin, each a
 *    handshake then both directions sending segments of mixed sizes (1448-byte full
 *    segments and small ones); segments/s and Gbit/s of payload. One TcpPacket object is
 *    refilled per segment, as the decoder does. Run in order, then with 2% of segments
 *    swapped with their successor (out of order, buffered and copied).
 * 2. The flow-key cost alone (building the string and the Map lookup) per segment.
 * 3. Memory: heap growth per idle flow with 100,000 concurrent flows (handshake and a
 *    request each), consumers excluded (one shared no-op consumer).
 */

import type { TcpPacket } from "../src/capture/packet/types.js";
import { flowKey } from "../src/capture/tcp/flow-key.js";
import { TcpReassembler } from "../src/capture/tcp/index.js";
import type { FlowSink } from "../src/capture/tcp/types.js";

const TCP_SYN = 0x02;
const TCP_ACK = 0x10;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

const FLOWS = arg("--flows", 10_000);
const SEGMENTS = arg("--segments", 3_000_000);

let delivered = 0;
const sink: FlowSink = {
  data(_d, b) {
    delivered += b.length;
  },
  gap() {},
  close() {},
};

const pool = new Uint8Array(1448 * 4);
for (let i = 0; i < pool.length; i++) pool[i] = 32 + (i % 90);
const SIZES = [1448, 1448, 1448, 1448, 512, 1448, 200, 1448, 64, 1448];

const pkt: TcpPacket = {
  ts: 0,
  tunnel: "",
  vni: -1,
  vlan: -1,
  family: 4,
  src: new Uint8Array(4),
  dst: new Uint8Array(4),
  srcPort: 0,
  dstPort: 80,
  seq: 0,
  ack: 0,
  flags: TCP_ACK,
  payload: pool.subarray(0, 0),
};
const client = new Uint8Array(4);
const server = Uint8Array.of(10, 1, 0, 1);

/** Fills `pkt` for flow `f` (client 10.(f>>16).(f>>8).(f) port 1024+f%60000), direction `dir`. */
function fill(f: number, dir: 0 | 1, seq: number, flags: number, payload: Uint8Array, ts: number): TcpPacket {
  client[0] = 10;
  client[1] = 2 + ((f >> 16) & 0xff);
  client[2] = (f >> 8) & 0xff;
  client[3] = f & 0xff;
  const port = 1024 + (f % 60_000);
  pkt.src = dir === 0 ? client : server;
  pkt.dst = dir === 0 ? server : client;
  pkt.srcPort = dir === 0 ? port : 80;
  pkt.dstPort = dir === 0 ? 80 : port;
  pkt.seq = seq >>> 0;
  pkt.flags = flags;
  pkt.payload = payload;
  pkt.ts = ts;
  return pkt;
}

const clientIsn = (f: number) => (f * 2654435761) >>> 0;
const serverIsn = (f: number) => (f * 40503 + 12345) >>> 0;

function handshakes(r: TcpReassembler, flows: number): void {
  const empty = pool.subarray(0, 0);
  for (let f = 0; f < flows; f++) {
    r.tcp(fill(f, 0, clientIsn(f), TCP_SYN, empty, 0));
    r.tcp(fill(f, 1, serverIsn(f), TCP_SYN | TCP_ACK, empty, 0));
  }
}

interface Run {
  segments: number;
  bytes: number;
  seconds: number;
}

/** Round-robin over flows; every 4th segment of a flow is from the server. `swapEvery` > 0 swaps pairs. */
function throughput(swapEvery: number): Run {
  const r = new TcpReassembler(() => sink, { maxFlows: FLOWS * 2 });
  handshakes(r, FLOWS);
  const next0 = new Float64Array(FLOWS);
  const next1 = new Float64Array(FLOWS);
  for (let f = 0; f < FLOWS; f++) {
    next0[f] = clientIsn(f) + 1;
    next1[f] = serverIsn(f) + 1;
  }
  const views = SIZES.map((n, i) => pool.subarray(i % 3, (i % 3) + n));
  delivered = 0;
  let bytes = 0;
  let k = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < SEGMENTS; i += 2) {
    const f = (i >> 1) % FLOWS;
    const round = Math.floor(i / 2 / FLOWS);
    const dir: 0 | 1 = (round & 3) === 3 ? 1 : 0;
    const a = views[k++ % views.length]!;
    const b = views[k++ % views.length]!;
    const base = dir === 0 ? next0[f]! : next1[f]!;
    const swap = swapEvery > 0 && i % swapEvery === 0;
    const ts = i / 1000;
    if (swap) {
      r.tcp(fill(f, dir, base + a.length, TCP_ACK, b, ts));
      r.tcp(fill(f, dir, base, TCP_ACK, a, ts));
    } else {
      r.tcp(fill(f, dir, base, TCP_ACK, a, ts));
      r.tcp(fill(f, dir, base + a.length, TCP_ACK, b, ts));
    }
    if (dir === 0) next0[f] = (base + a.length + b.length) % 2 ** 32;
    else next1[f] = (base + a.length + b.length) % 2 ** 32;
    bytes += a.length + b.length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (delivered !== bytes) throw new Error(`delivered ${delivered} of ${bytes} bytes`);
  return { segments: SEGMENTS, bytes, seconds };
}

function keyCost(): number {
  const m = new Map<string, number>();
  const empty = pool.subarray(0, 0);
  for (let f = 0; f < FLOWS; f++) m.set(flowKey(fill(f, 0, 0, TCP_ACK, empty, 0)), f);
  let hits = 0;
  const n = SEGMENTS;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const f = i % FLOWS;
    if (m.get(flowKey(fill(f, (i & 3) === 3 ? 1 : 0, 0, TCP_ACK, empty, 0))) === f) hits++;
  }
  const ns = Number(process.hrtime.bigint() - t0) / n;
  if (hits !== n) throw new Error("key mismatch");
  return ns;
}

function memory(flows: number): { perFlow: number; heapMiB: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) process.stderr.write("run with --expose-gc for a steadier memory figure\n");
  gc?.();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const r = new TcpReassembler(() => sink, { maxFlows: flows * 2 });
  handshakes(r, flows);
  const req = pool.subarray(0, 300);
  for (let f = 0; f < flows; f++) r.tcp(fill(f, 0, clientIsn(f) + 1, TCP_ACK, req, 0));
  gc?.();
  gc?.();
  const after = process.memoryUsage().heapUsed;
  if (r.flows !== flows) throw new Error(`expected ${flows} flows, have ${r.flows}`);
  return { perFlow: (after - before) / flows, heapMiB: after / 2 ** 20 };
}

function report(name: string, x: Run): void {
  const sps = x.segments / x.seconds;
  const gbps = (x.bytes * 8) / x.seconds / 1e9;
  process.stdout.write(
    `${name.padEnd(28)} ${(sps / 1e6).toFixed(2)} M segments/s  ${gbps.toFixed(2)} Gbit/s  (${x.segments} segments, ${(x.bytes / 2 ** 20).toFixed(0)} MiB, ${x.seconds.toFixed(2)} s)\n`,
  );
}

process.stdout.write(`TCP reassembly, one core, ${FLOWS} interleaved flows, node ${process.version}\n`);
throughput(0); // warm-up
report("in order", throughput(0));
report("2% out of order", throughput(50));
process.stdout.write(`flow key + Map lookup        ${keyCost().toFixed(0)} ns per segment\n`);
const m = memory(100_000);
process.stdout.write(
  `100,000 idle flows           ${m.perFlow.toFixed(0)} bytes per flow (heap ${m.heapMiB.toFixed(0)} MiB)\n`,
);

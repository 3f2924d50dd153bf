/**
 * Speed of the packet decoders alone (no TCP reassembly, no HTTP):
 *   node dist/bench/packet-decode.bench.js [--seconds S]
 * Decodes in-memory frames in a loop on one core and prints packets/s and Gbit/s (frame
 * bytes, CPU time of this process) for: 1500-byte Ethernet/IPv4/TCP frames, the same frames
 * VXLAN-wrapped in a captured frame, the GWLB shape (GENEVE → VXLAN) from a UDP socket, and
 * 66-byte pure ACKs. Also the minor GCs per million packets, a proxy for per-packet garbage.
 * Not a test: `node --test` only picks up `*.test.js`.
 */
import { PerformanceObserver } from "node:perf_hooks";
import * as B from "../src/capture/packet/build.js";
import { PacketDecoder } from "../src/capture/packet/decoder.js";
import { LINKTYPE_ETHERNET, type TcpPacket } from "../src/capture/packet/types.js";

const FLOWS = 1024;

function innerFrames(payloadLen: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const payload = new Uint8Array(payloadLen).fill(0x61);
  for (let i = 0; i < FLOWS; i++) {
    const seg = B.tcp({ srcPort: 10000 + i, dstPort: 80, seq: i * 1448, ack: 1, flags: 0x10, payload });
    const ip = B.ipv4({ src: `10.0.${i >> 8}.${i & 255}`, dst: "10.1.0.1", proto: 6, id: i, payload: seg });
    out.push(B.ethernet({ etherType: 0x0800, payload: ip }));
  }
  return out;
}

const outerUdp = (port: number, payload: Uint8Array) =>
  B.ethernet({
    etherType: 0x0800,
    payload: B.ipv4({
      src: "172.31.0.1",
      dst: "172.31.0.2",
      proto: 17,
      payload: B.udp({ srcPort: 40000, dstPort: port, payload }),
    }),
  });

interface Case {
  name: string;
  frames: Uint8Array[];
  feed: (d: PacketDecoder, f: Uint8Array) => void;
}

let gcs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e as { detail?: { kind?: number } }).detail?.kind === 1) gcs++;
}).observe({ entryTypes: ["gc"] });

async function run(c: Case, seconds: number): Promise<void> {
  let bytes = 0;
  const sink = {
    tcp(p: TcpPacket): void {
      bytes += p.payload.length;
    },
  };
  const d = new PacketDecoder(sink);
  const frames = c.frames;
  // Warm-up, so that the optimised code is what gets measured.
  for (let i = 0; i < 200_000; i++) c.feed(d, frames[i % FLOWS]!);
  const frameBytes = frames.reduce((n, f) => n + f.length, 0) / frames.length;
  let packets = 0;
  await new Promise((r) => setTimeout(r, 100));
  const gc0 = gcs;
  const t0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < seconds * 1e6) {
    for (let i = 0; i < 100_000; i++) c.feed(d, frames[i & (FLOWS - 1)]!);
    packets += 100_000;
    const dt = process.cpuUsage(t0);
    elapsed = dt.user + dt.system;
  }
  // GC entries are delivered asynchronously: let them arrive before counting.
  await new Promise((r) => setTimeout(r, 100));
  const pps = packets / (elapsed / 1e6);
  const gbps = (pps * frameBytes * 8) / 1e9;
  const decoded = d.counters.tcp;
  console.log(
    `${c.name.padEnd(44)} ${(pps / 1e6).toFixed(2)} Mpackets/s  ${gbps.toFixed(1)} Gbit/s  ` +
      `(${frameBytes.toFixed(0)}-byte frames, ${((gcs - gc0) / (packets / 1e6)).toFixed(1)} minor GCs/Mpkt, ` +
      `${decoded === packets + 200_000 ? "all decoded" : `decoded ${decoded}`}, ${bytes > 0 ? "payload seen" : "no payload"})`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let seconds = 2;
  for (let i = 0; i < args.length; i++) if (args[i] === "--seconds") seconds = Number(args[++i] ?? 2);
  const plain = innerFrames(1500 - 54);
  const frame = (d: PacketDecoder, f: Uint8Array) => d.frame(LINKTYPE_ETHERNET, f, 0);
  const cases: Case[] = [
    { name: "Ethernet/IPv4/TCP 1500 B", frames: plain, feed: frame },
    {
      name: "Ethernet/IPv4/UDP/VXLAN + 1500 B inner",
      frames: plain.map((f, i) =>
        outerUdp(
          4789,
          B.vxlan(
            100 + (i & 7),
            B.ethernet({ etherType: 0x8100, payload: B.vlan(10, 0x0800, f.subarray(14)) }),
          ),
        ),
      ),
      feed: frame,
    },
    {
      name: "GENEVE/IPv4/UDP/VXLAN + 1500 B (UDP socket)",
      frames: plain.map((f) =>
        B.geneve(
          7,
          0x0800,
          B.ipv4({
            src: "10.9.0.1",
            dst: "10.9.0.2",
            proto: 17,
            payload: B.udp({ srcPort: 1, dstPort: 4789, payload: B.vxlan(42, f) }),
          }),
        ),
      ),
      feed: (d, f) => d.geneve(f, 0),
    },
    { name: "Ethernet/IPv4/TCP pure ACK (54 B)", frames: innerFrames(0), feed: frame },
  ];
  for (const c of cases) await run(c, seconds);
}

await main();

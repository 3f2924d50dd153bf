/**
 * Memory of the packet path with many concurrent flows, frames fed in memory (no file):
 *  - clean: each flow a handshake and the start of a request head (no final CRLF), so that
 *    TCP and HTTP/1.x both hold per-flow state;
 *  - out of order: each flow a handshake then segments after a hole that never fills, which
 *    reassembly must buffer; the global cap (`maxBufferedBytes`) has to hold memory down;
 *  - long heads: each flow a handshake then a request head that keeps going (several KiB,
 *    no end), which HTTP/1.x buffers up to its per-message `maxHeadBytes` and, all flows
 *    together, up to its global `maxHeldBytes` (the biggest holders are cut past it).
 * Figures are heap + external (Buffers live outside the V8 heap) after two GCs, before and
 * after, divided by the flow count, and the RSS growth.
 */
import { PacketPath, type PacketPathCounters } from "../../src/capture/packet-path.js";
import { ACK, type Endpoints, FrameWriter, MSS, SYN } from "./frames.js";

export type MemoryVariant = "clean" | "out-of-order" | "long-heads";

export interface MemoryFigures {
  readonly variant: MemoryVariant;
  readonly flows: number;
  /** Flows tracked by reassembly at the end. */
  readonly tracked: number;
  /** heapUsed + external growth, bytes per flow. */
  readonly perFlow: number;
  readonly heapMiB: number;
  readonly externalMiB: number;
  readonly rssGrowthMiB: number;
  /** Reassembly's own account of out-of-order bytes held (with per-segment overhead). */
  readonly bufferedBytes: number;
  readonly capsHitGlobal: number;
  readonly capsHitFlow: number;
  /** HTTP/1.x's own account of what it holds (unfinished lines and heads, bodies). */
  readonly httpHeldBytes: number;
  readonly seconds: number;
  /** Stage counters, to tell where held bytes went. */
  readonly counters: PacketPathCounters;
}

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
};

export const hasGc = (): boolean => typeof (globalThis as { gc?: unknown }).gc === "function";

const enc = new TextEncoder();
const HEAD_START = enc.encode(
  "GET /account/orders/12345?page=2&sort=date HTTP/1.1\r\nHost: shop.example.com\r\n" +
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
    "Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.5\r\n" +
    "Cookie: session=0123456789abcdef0123456789abcdef\r\n",
);
const JUNK = new Uint8Array(MSS).fill(0x78);
/** A header line that never ends: "X-Long: aaaa…" */
const LONG = (() => {
  const b = new Uint8Array(MSS).fill(0x61);
  b.set(enc.encode("X-Long: "), 0);
  return b;
})();

/** Out-of-order segments per flow in the hostile variant, and the head bytes in long-heads. */
const OOO_SEGMENTS = 4;
export const LONG_HEAD_BYTES = 4 * MSS;

export function measureMemory(variant: MemoryVariant, flows: number): MemoryFigures {
  const fw = new FrameWriter();
  gc();
  const m0 = process.memoryUsage();
  const t0 = performance.now();
  const path = new PacketPath(() => {}, { source: "bench", tcp: { maxFlows: Math.max(flows * 2, 200_000) } });
  let ts = Date.UTC(2024, 4, 14, 10, 0, 0);
  const tsval = 1000;
  const e = { client: 0, server: 0x0a010001, clientPort: 0, serverPort: 80 };
  for (let n = 0; n < flows; n++) {
    const c: Endpoints = {
      ...e,
      client: ((10 << 24) | ((16 + ((n >>> 16) & 0x0f)) << 16) | (n & 0xffff)) >>> 0,
      clientPort: 1024 + (n % 60000),
    };
    const cisn = (n * 2654435761) >>> 0;
    const sisn = (n * 40503 + 12345) >>> 0;
    const cseq = (cisn + 1) >>> 0;
    const sseq = (sisn + 1) >>> 0;
    const f = (
      fromClient: boolean,
      flags: number,
      seq: number,
      ack: number,
      p: Uint8Array | null,
      len: number,
    ) => {
      path.frame(1, fw.frame(c, fromClient, flags, seq, ack, tsval, p, 0, len), ts);
      ts += 0.001;
    };
    f(true, SYN, cisn, 0, null, 0);
    f(false, SYN | ACK, sisn, cseq, null, 0);
    f(true, ACK, cseq, sseq, null, 0);
    if (variant === "clean") f(true, ACK, cseq, sseq, HEAD_START, HEAD_START.length);
    else if (variant === "out-of-order") {
      // One MSS hole at the start, then segments that must wait behind it.
      for (let k = 1; k <= OOO_SEGMENTS; k++) f(true, ACK, (cseq + k * MSS) >>> 0, sseq, JUNK, MSS);
    } else {
      f(true, ACK, cseq, sseq, HEAD_START, HEAD_START.length);
      let seq = (cseq + HEAD_START.length) >>> 0;
      for (let k = 0; k < LONG_HEAD_BYTES / MSS; k++) {
        f(true, ACK, seq, sseq, LONG, MSS);
        seq = (seq + MSS) >>> 0;
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  gc();
  const m1 = process.memoryUsage();
  const cs = path.counters();
  const grown = m1.heapUsed + m1.external - (m0.heapUsed + m0.external);
  const figures: MemoryFigures = {
    variant,
    flows,
    tracked: cs.flows,
    perFlow: grown / flows,
    heapMiB: m1.heapUsed / 2 ** 20,
    externalMiB: m1.external / 2 ** 20,
    rssGrowthMiB: (m1.rss - m0.rss) / 2 ** 20,
    bufferedBytes: cs.bufferedBytes,
    capsHitGlobal: cs.tcp.capsHitGlobal,
    capsHitFlow: cs.tcp.capsHitFlow,
    httpHeldBytes: cs.httpHeldBytes,
    seconds,
    counters: cs,
  };
  return figures;
}

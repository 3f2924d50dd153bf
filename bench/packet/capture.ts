/**
 * The benchmark's synthetic capture: `concurrency` TCP connections open at once, their
 * packets interleaved at random, each connection a handshake, several keep-alive exchanges
 * (sometimes pipelined GETs), and a FIN close; a finished connection is replaced by a new one
 * until the capture reaches its size. Data goes in 1448-byte segments, the receiver ACKs every
 * second segment and the end of each message (delayed ACKs, RFC 9293 §3.8.6.3). Written with
 * PcapWriter in blocks of a few MiB; deterministic for a given seed.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { PcapWriter } from "../../src/capture/pcap/index.js";
import { rng } from "../rng.js";
import { ACK, type Endpoints, FIN, FrameWriter, MSS, PSH, SYN } from "./frames.js";
import { Traffic, type TrafficStats } from "./traffic.js";

export interface CaptureSpec {
  /** Target size of the file in bytes (the last connections are closed past it). */
  readonly bytes: number;
  readonly concurrency: number;
  readonly seed: number;
  /** Share of requests carrying an attack payload. */
  readonly attackShare: number;
}

export interface CaptureFile {
  readonly path: string;
  /** File size, and captured frame bytes (what Gbit/s figures count). */
  readonly fileBytes: number;
  readonly frameBytes: number;
  readonly frames: number;
  readonly connections: number;
  readonly pipelined: number;
  readonly traffic: TrafficStats;
  readonly seconds: number;
}

/** One message still to send on a connection. */
interface Message {
  readonly fromClient: boolean;
  readonly bytes: Uint8Array;
  off: number;
}

interface Conn extends Endpoints {
  cseq: number;
  sseq: number;
  /** 0 handshake due, 1 open, 2 closing done. */
  state: number;
  exchangesLeft: number;
  readonly queue: Message[];
  /** Data segments received by each side not yet acknowledged. */
  unackedByServer: number;
  unackedByClient: number;
}

const LINKTYPE_ETHERNET = 1;
const BLOCK_BYTES = 8 * 1024 * 1024;
/** Packet clock: a 10 Gbit/s link, frame bytes (+ 20 of preamble and gap) at 0.8 ns a bit. */
const NS_PER_BYTE = 0.8;

export function generateCapture(path: string, spec: CaptureSpec): CaptureFile {
  const t0 = performance.now();
  const r = rng(spec.seed);
  const traffic = new Traffic(r, spec.attackShare);
  const fw = new FrameWriter();
  const fd = openSync(path, "w");
  let w = new PcapWriter({ linkType: LINKTYPE_ETHERNET });
  let fileBytes = 0;
  let frameBytes = 0;
  let frames = 0;
  let connections = 0;
  let pipelined = 0;
  /** Message bytes queued on open connections and not yet sent: where the file is heading. */
  let pending = 0;
  let ts = Date.UTC(2024, 4, 14, 10, 0, 0);
  let first = true;
  const flushBlock = (): void => {
    const b = w.toBuffer();
    // Every block is a fresh writer: drop its file header except for the first.
    const out = first ? b : b.subarray(24);
    writeSync(fd, out);
    fileBytes += out.length;
    first = false;
    w = new PcapWriter({ linkType: LINKTYPE_ETHERNET });
  };
  const emit = (
    c: Conn,
    fromClient: boolean,
    flags: number,
    payload: Uint8Array | null,
    start: number,
    end: number,
  ): void => {
    const seq = fromClient ? c.cseq : c.sseq;
    const ack = fromClient ? c.sseq : c.cseq;
    const f = fw.frame(c, fromClient, flags, seq, ack, Math.floor(ts / 10), payload, start, end);
    w.write(ts, f);
    ts += ((f.length + 20) * NS_PER_BYTE) / 1e6;
    frames++;
    frameBytes += f.length;
    const adv = end - start + ((flags & (SYN | FIN)) !== 0 ? 1 : 0);
    if (fromClient) c.cseq = (c.cseq + adv) >>> 0;
    else c.sseq = (c.sseq + adv) >>> 0;
    if (w.bytes >= BLOCK_BYTES) flushBlock();
  };

  let nextClient = 0;
  const open = (): Conn => {
    const n = nextClient++;
    connections++;
    return {
      // Clients 10.16.0.0/12, servers 10.1.0.1-8 on port 80 or 8080.
      client: ((10 << 24) | ((16 + ((n >>> 16) & 0x0f)) << 16) | (n & 0xffff)) >>> 0,
      server: ((10 << 24) | (1 << 16) | (1 + (n % 8))) >>> 0,
      clientPort: 1024 + ((n * 7919) % 64000),
      serverPort: n % 5 === 0 ? 8080 : 80,
      cseq: Math.floor(r() * 2 ** 32),
      sseq: Math.floor(r() * 2 ** 32),
      state: 0,
      exchangesLeft: 1 + Math.floor(r() * 8),
      queue: [],
      unackedByServer: 0,
      unackedByClient: 0,
    };
  };

  /** Emits the next packet of `c`; false once the connection is closed. */
  const step = (c: Conn): boolean => {
    if (c.state === 0) {
      emit(c, true, SYN, null, 0, 0);
      emit(c, false, SYN | ACK, null, 0, 0);
      emit(c, true, ACK, null, 0, 0);
      c.state = 1;
      return true;
    }
    let m = c.queue[0];
    if (m === undefined) {
      if (c.exchangesLeft > 0) {
        // Pipelining: 5% of the time, 2-3 GETs back to back, then their responses.
        const burst =
          c.exchangesLeft >= 2 && r() < 0.05 ? Math.min(c.exchangesLeft, 2 + Math.floor(r() * 2)) : 1;
        if (burst > 1) pipelined += burst;
        c.exchangesLeft -= burst;
        for (let i = 0; i < burst; i++) {
          const bytes = traffic.request(burst > 1).bytes;
          pending += bytes.length;
          c.queue.push({ fromClient: true, bytes, off: 0 });
        }
        for (let i = 0; i < burst; i++) {
          const bytes = traffic.response();
          pending += bytes.length;
          c.queue.push({ fromClient: false, bytes, off: 0 });
        }
        m = c.queue[0]!;
      } else {
        emit(c, true, FIN | ACK, null, 0, 0);
        emit(c, false, FIN | ACK, null, 0, 0);
        emit(c, true, ACK, null, 0, 0);
        c.state = 2;
        return false;
      }
    }
    const end = Math.min(m.bytes.length, m.off + MSS);
    const last = end === m.bytes.length;
    emit(c, m.fromClient, last ? ACK | PSH : ACK, m.bytes, m.off, end);
    pending -= end - m.off;
    m.off = end;
    // The receiver acknowledges every second segment and the end of each message.
    if (m.fromClient) {
      if (++c.unackedByServer >= 2 || last) {
        emit(c, false, ACK, null, 0, 0);
        c.unackedByServer = 0;
      }
    } else if (++c.unackedByClient >= 2 || last) {
      emit(c, true, ACK, null, 0, 0);
      c.unackedByClient = 0;
    }
    if (last) c.queue.shift();
    return true;
  };

  const live: Conn[] = [];
  for (let i = 0; i < spec.concurrency; i++) live.push(open());
  while (live.length > 0) {
    const i = Math.floor(r() * live.length);
    const c = live[i]!;
    // A short burst from one connection, then another one's turn.
    const burst = 1 + Math.floor(r() * 4);
    let alive = true;
    for (let k = 0; k < burst && alive; k++) alive = step(c);
    if (!alive) {
      // Queued messages still to come count too, so that the file ends near its size.
      if (fileBytes + w.bytes + pending < spec.bytes) live[i] = open();
      else {
        // Past the size: the others finish the exchange under way and close.
        for (const o of live) o.exchangesLeft = 0;
        live[i] = live[live.length - 1]!;
        live.pop();
      }
    }
  }
  flushBlock();
  closeSync(fd);
  return {
    path,
    fileBytes,
    frameBytes,
    frames,
    connections,
    pipelined,
    traffic: traffic.stats,
    seconds: (performance.now() - t0) / 1000,
  };
}

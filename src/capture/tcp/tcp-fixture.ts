/** Test helpers: TcpPacket objects and a consumer that records what reassembly hands it. */
import { TCP_ACK, type TcpPacket } from "../packet/types.js";
import type { CloseReason, Direction, FlowInfo, FlowSink, FlowSinkFactory } from "./types.js";

const enc = new TextEncoder();

export interface PacketFields extends Partial<Omit<TcpPacket, "payload">> {
  payload?: Uint8Array | string;
}

/** A TcpPacket from 10.0.0.1:40000 to 10.0.0.2:80 with ACK set unless told otherwise. */
export function tcpPacket(f: PacketFields = {}): TcpPacket {
  const payload =
    f.payload === undefined
      ? new Uint8Array(0)
      : typeof f.payload === "string"
        ? enc.encode(f.payload)
        : f.payload;
  return {
    ts: 0,
    tunnel: "",
    vni: -1,
    vlan: -1,
    family: 4,
    src: Uint8Array.of(10, 0, 0, 1),
    dst: Uint8Array.of(10, 0, 0, 2),
    srcPort: 40000,
    dstPort: 80,
    seq: 0,
    ack: 0,
    flags: TCP_ACK,
    ...f,
    payload,
  };
}

/** The same packet seen from the other end (addresses and ports swapped). */
export function reverse(f: PacketFields = {}): TcpPacket {
  return tcpPacket({
    src: Uint8Array.of(10, 0, 0, 2),
    dst: Uint8Array.of(10, 0, 0, 1),
    srcPort: 80,
    dstPort: 40000,
    ...f,
  });
}

export type FlowEvent =
  | { kind: "data"; dir: Direction; text: string }
  | { kind: "gap"; dir: Direction; lost: number }
  | { kind: "close"; reason: CloseReason };

/** One flow as its consumer saw it. `bytes[d][i]` is byte i of direction d, -1 inside a gap. */
export class RecordedFlow implements FlowSink {
  readonly events: FlowEvent[] = [];
  readonly bytes: [number[], number[]] = [[], []];
  closed: CloseReason | null = null;
  callsAfterClose = 0;
  constructor(readonly info: FlowInfo) {}
  data(dir: Direction, bytes: Uint8Array): void {
    if (this.closed !== null) this.callsAfterClose++;
    const out = this.bytes[dir];
    for (const b of bytes) out.push(b);
    this.events.push({ kind: "data", dir, text: Buffer.from(bytes).toString("latin1") });
  }
  gap(dir: Direction, lost: number): void {
    if (this.closed !== null) this.callsAfterClose++;
    const out = this.bytes[dir];
    for (let i = 0; i < lost; i++) out.push(-1);
    this.events.push({ kind: "gap", dir, lost });
  }
  close(reason: CloseReason): void {
    if (this.closed !== null) this.callsAfterClose++;
    this.closed = reason;
    this.events.push({ kind: "close", reason });
  }
  /** Delivered text of one direction, gaps shown as `[gap N]`. */
  text(dir: Direction): string {
    let s = "";
    for (const e of this.events) {
      if (e.kind === "data" && e.dir === dir) s += e.text;
      else if (e.kind === "gap" && e.dir === dir) s += `[gap ${e.lost}]`;
    }
    return s;
  }
}

/** A factory recording every flow it creates (or declines, when `accept` says no). */
export function recorder(accept: (info: FlowInfo) => boolean = () => true): {
  factory: FlowSinkFactory;
  flows: RecordedFlow[];
  asked: number;
} {
  const r = {
    flows: [] as RecordedFlow[],
    asked: 0,
    factory: (info: FlowInfo): FlowSink | null => {
      r.asked++;
      if (!accept(info)) return null;
      const f = new RecordedFlow(info);
      r.flows.push(f);
      return f;
    },
  };
  return r;
}

/** Feeds a packet, then scribbles over its bytes: reassembly must have copied what it kept. */
export function feed(sink: { tcp(p: TcpPacket): void }, p: TcpPacket): void {
  sink.tcp(p);
  p.payload.fill(0xee);
}

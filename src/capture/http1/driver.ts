import type { HttpExchange } from "../../model/http.js";
import type { Direction, FlowInfo, FlowSink } from "../tcp/types.js";
import { HttpStreamTracker, type HttpStreamTrackerOptions } from "./tracker.js";

/**
 * For tests and benchmarks: a tracker with one flow fed by hand (data, gap, close), the way
 * TCP reassembly would, and the exchanges it emitted.
 */
export class FlowDriver {
  readonly out: HttpExchange[] = [];
  readonly tracker: HttpStreamTracker;
  readonly sink: FlowSink;
  ts: number;

  constructor(opts: HttpStreamTrackerOptions = {}, info: Partial<FlowInfo> = {}) {
    let n = 0;
    this.tracker = new HttpStreamTracker((ex) => this.out.push(ex), {
      nextId: () => `x${++n}`,
      source: "test",
      ...opts,
    });
    const flow: FlowInfo = {
      clientIp: "10.0.0.1",
      clientPort: 40000,
      serverIp: "10.0.0.2",
      serverPort: 80,
      tunnel: "",
      vni: -1,
      vlan: -1,
      handshake: true,
      ts: 1000,
      ...info,
    };
    this.ts = flow.ts;
    const sink = this.tracker.factory(flow);
    if (sink === null) throw new Error("no sink");
    this.sink = sink;
  }

  /** Sends bytes in one direction (0 = client → server), one tick of time later. */
  send(dir: Direction, data: string | Uint8Array): this {
    const b = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    this.sink.data(dir, b, ++this.ts);
    return this;
  }

  /** Sends each piece as a separate call. */
  sendPieces(dir: Direction, pieces: readonly Uint8Array[]): this {
    for (const p of pieces) this.send(dir, p);
    return this;
  }

  gap(dir: Direction, lost: number): this {
    this.sink.gap(dir, lost, ++this.ts);
    return this;
  }

  close(): HttpExchange[] {
    this.sink.close("fin", ++this.ts);
    return this.out;
  }
}

export function text(b: Uint8Array | string | undefined): string {
  if (b === undefined) return "<none>";
  return typeof b === "string" ? b : Buffer.from(b).toString("latin1");
}

/** A sink for tests: keeps a copy of every TcpPacket (the decoder reuses its object). */
import type { PacketSink, TcpPacket } from "./types.js";

export interface Seen extends Omit<TcpPacket, "src" | "dst" | "payload"> {
  src: string;
  dst: string;
  payload: string;
}

function addrText(b: Uint8Array): string {
  if (b.length === 4) return b.join(".");
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return g.join(":");
}

export class CollectSink implements PacketSink {
  readonly seen: Seen[] = [];
  tcp(p: TcpPacket): void {
    this.seen.push({
      ...p,
      src: addrText(p.src),
      dst: addrText(p.dst),
      payload: new TextDecoder("latin1").decode(p.payload),
    });
  }
}

/**
 * What TCP reassembly (src/capture/tcp) hands to the stream consumer (src/capture/http1).
 * Direction 0 is client → server, 1 is server → client, as reassembly first guessed them
 * (the SYN's sender is the client; mid-stream, the lower well-known port is the server);
 * the consumer may learn the guess was wrong from the bytes and swap its own reading.
 */
export type Direction = 0 | 1;

export interface FlowInfo {
  /** Canonical text addresses (IPv6 compressed per RFC 5952) and ports, as guessed. */
  readonly clientIp: string;
  readonly clientPort: number;
  readonly serverIp: string;
  readonly serverPort: number;
  /** Encapsulation (see TcpPacket.tunnel), "" when none; `vni`/`vlan` -1 when none. */
  readonly tunnel: string;
  readonly vni: number;
  readonly vlan: number;
  /** Whether the handshake was seen (false when the flow was picked up mid-stream). */
  readonly handshake: boolean;
  /** Time of the first packet, ms since the epoch. */
  readonly ts: number;
}

export type CloseReason = "fin" | "rst" | "timeout" | "evicted" | "end";

/** One flow's consumer. Calls for a flow arrive in stream order per direction. */
export interface FlowSink {
  /** Next in-order bytes of one direction. `bytes` is valid only during the call. */
  data(dir: Direction, bytes: Uint8Array, ts: number): void;
  /**
   * `lost` bytes of one direction will never arrive (a mirror dropped packets, or a cap
   * forced reassembly to skip ahead); the next `data` call starts after the hole.
   */
  gap(dir: Direction, lost: number, ts: number): void;
  /** The flow ended; no more calls follow. */
  close(reason: CloseReason, ts: number): void;
}

/** Creates a consumer for each new flow, or null to ignore the flow (not HTTP, filtered). */
export type FlowSinkFactory = (flow: FlowInfo) => FlowSink | null;

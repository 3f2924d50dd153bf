import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { performance } from "node:perf_hooks";
import { udpKernelDrops } from "./kernel-drops.js";

/**
 * UDP listeners for mirrored traffic tunnelled in VXLAN (RFC 7348, IANA port 4789: AWS VPC
 * Traffic Mirroring, Azure vTAP) or GENEVE (RFC 8926, port 6081: AWS Gateway Load Balancer).
 * This layer only receives: decapsulation and the VNI allow-list are the decoder's
 * (src/capture/packet), which gets `kind` and the UDP payload as is.
 */

export type TunnelKind = "vxlan" | "geneve";

export const DEFAULT_TUNNEL_PORTS: Readonly<Record<TunnelKind, number>> = { vxlan: 4789, geneve: 6081 };

/** Asked of the kernel: mirrors send in bursts, and a full buffer is a silent loss. */
export const DEFAULT_RECV_BUFFER_BYTES = 32 * 1024 * 1024;

export interface TunnelDatagram {
  kind: TunnelKind;
  /** The UDP payload: the VXLAN or GENEVE header and what it carries. */
  payload: Uint8Array;
  /** Receive time, milliseconds since the epoch (fractional). */
  ts: number;
  /** Sender (the mirror source: the VTEP, the load balancer). */
  from: string;
  fromPort: number;
}

export interface TunnelListenerOptions {
  kind: TunnelKind;
  /** Default 0.0.0.0. An IPv6 address gives an IPv6 socket. */
  host?: string;
  /** Default 4789 (VXLAN) or 6081 (GENEVE); 0 for an ephemeral port. */
  port?: number;
  /** Receive buffer to ask for (best effort: the kernel caps it at net.core.rmem_max). */
  recvBufferBytes?: number;
  /**
   * Every datagram. The object is reused: it and `payload` are valid during the call only
   * (the payload is the Buffer node allocated for the datagram, so keeping it is safe but
   * keeps its memory).
   */
  onDatagram: (d: TunnelDatagram) => void;
  /** Socket errors after the listener started (it keeps running when it can). */
  onError?: (e: Error) => void;
}

export interface TunnelCounters {
  datagrams: number;
  bytes: number;
}

export interface TunnelListener {
  readonly kind: TunnelKind;
  /** Where it listens (the real port when 0 was asked for). */
  readonly address: { address: string; port: number };
  /**
   * The receive buffer the kernel granted, as it reports it (Linux doubles the figure asked
   * for, for its bookkeeping, and caps it at twice net.core.rmem_max).
   */
  readonly recvBufferBytes: number;
  /** Why the buffer asked for could not be set, when it could not. */
  readonly recvBufferWarning: string | undefined;
  readonly counters: TunnelCounters;
  /** Datagrams the kernel dropped for this port (see `udpKernelDrops`); undefined off Linux. */
  kernelDrops(): Promise<number | undefined>;
  close(): Promise<void>;
}

/**
 * Binds a listener. Rejects with an error that names the tunnel and the address when the bind
 * fails (address in use, no permission for a port under 1024, no such address).
 */
export async function startTunnelListener(opts: TunnelListenerOptions): Promise<TunnelListener> {
  const host = opts.host ?? "0.0.0.0";
  const port = opts.port ?? DEFAULT_TUNNEL_PORTS[opts.kind];
  const label = `${opts.kind.toUpperCase()} listener on ${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const socket = createSocket({ type: isIPv6(host) ? "udp6" : "udp4" });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => {
      socket.close();
      reject(new Error(`${label}: ${e.message}`, { cause: e }));
    };
    socket.once("error", onError);
    socket.bind(port, host, () => {
      socket.off("error", onError);
      resolve();
    });
  });

  let recvBufferWarning: string | undefined;
  try {
    socket.setRecvBufferSize(opts.recvBufferBytes ?? DEFAULT_RECV_BUFFER_BYTES);
  } catch (e) {
    recvBufferWarning = (e as Error).message;
  }
  let recvBufferBytes = 0;
  try {
    recvBufferBytes = socket.getRecvBufferSize();
  } catch {
    // left at 0: unknown
  }

  const counters: TunnelCounters = { datagrams: 0, bytes: 0 };
  const d: TunnelDatagram = { kind: opts.kind, payload: new Uint8Array(0), ts: 0, from: "", fromPort: 0 };
  const origin = performance.timeOrigin;
  socket.on("message", (msg, rinfo) => {
    counters.datagrams++;
    counters.bytes += msg.length;
    d.payload = msg;
    d.ts = origin + performance.now();
    d.from = rinfo.address;
    d.fromPort = rinfo.port;
    opts.onDatagram(d);
  });
  socket.on("error", (e) => opts.onError?.(new Error(`${label}: ${e.message}`, { cause: e })));

  const a = socket.address();
  let closed: Promise<void> | undefined;
  return {
    kind: opts.kind,
    address: { address: a.address, port: a.port },
    recvBufferBytes,
    recvBufferWarning,
    counters,
    kernelDrops: () => udpKernelDrops(a.port),
    close: () => {
      closed ??= new Promise<void>((resolve) => closeSocket(socket, resolve));
      return closed;
    },
  };
}

function closeSocket(socket: Socket, done: () => void): void {
  try {
    socket.close(done);
  } catch {
    done(); // already closed
  }
}

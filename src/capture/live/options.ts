import type { FrameHandler } from "../pcap/frame.js";

export type LiveBackend = "libpcap" | "tcpdump";

export interface LiveCaptureOptions {
  /** Interface name, or `any` (Linux: every interface, cooked link type). */
  interface: string;
  /** BPF filter (pcap-filter(7)); default `tcp`: only TCP reaches the HTTP path. */
  filter?: string;
  /** Bytes kept per packet; default 262144 (libpcap's, whole packets). The libpcap binding keeps at most 65535. */
  snaplen?: number;
  /** Kernel capture buffer; default 32 MiB (bursts of mirrored traffic). */
  bufferBytes?: number;
  /** Promiscuous mode (default true: a SPAN port's traffic is not addressed to us). */
  promiscuous?: boolean;
  /** `auto` (default): the libpcap binding when it loads, else tcpdump. */
  backend?: "auto" | LiveBackend;
  /** tcpdump's path for the tcpdump backend (default `tcpdump` from PATH). */
  tcpdumpPath?: string;
  /** The binding's module name (default `cap`); tests point it elsewhere to see it missing. */
  bindingModule?: string;
  /** Every frame; the object and its `data` are valid during the call only. */
  onFrame: FrameHandler;
  /** Failures after the capture started (the capture process died, it reported an error). */
  onError?: (e: Error) => void;
}

export const LIVE_DEFAULTS = {
  filter: "tcp",
  snaplen: 262144,
  bufferBytes: 32 * 1024 * 1024,
  promiscuous: true,
} as const;

export interface LiveStats {
  /** Frames delivered. */
  frames: number;
  /** Captured bytes delivered. */
  bytes: number;
  /** Frames cut by the snapshot length (`data` shorter than `origLen`). */
  truncated: number;
  /** Packets that passed the filter in the kernel (libpcap ps_recv); undefined when unknown. */
  received: number | undefined;
  /** Packets dropped for lack of buffer space (ps_drop); undefined when unknown. */
  dropped: number | undefined;
  /** Packets dropped by the interface or its driver (ps_ifdrop); undefined when unknown. */
  ifDropped: number | undefined;
}

export interface LiveCapture {
  readonly backend: LiveBackend;
  readonly interface: string;
  /** Options the backend could not honour (e.g. the binding is always promiscuous). */
  readonly warnings: readonly string[];
  /** Current counters; the kernel's figures where the backend can ask for them. */
  stats(): Promise<LiveStats>;
  /** Stops capturing; frames already captured are delivered first (tcpdump backend). */
  close(): Promise<void>;
}

/**
 * Live capture could not start. `code`: `live_capture_unavailable` when no backend is
 * installed, `live_capture_failed` when the backend refused (no such interface, no
 * permission, bad filter). The message names the interface and what to do.
 */
export class LiveCaptureError extends Error {
  constructor(
    readonly code: "live_capture_unavailable" | "live_capture_failed",
    readonly iface: string,
    message: string,
  ) {
    super(`live capture on "${iface}": ${message}`);
    this.name = "LiveCaptureError";
  }
}

export const INSTALL_ADVICE =
  'install libpcap-dev (apt-get install libpcap-dev), then run "npm ci" again in mirrorwatch\'s directory so that the optional binding builds, or install tcpdump for the tcpdump backend';

export function newStats(): LiveStats {
  return { frames: 0, bytes: 0, truncated: 0, received: undefined, dropped: undefined, ifDropped: undefined };
}

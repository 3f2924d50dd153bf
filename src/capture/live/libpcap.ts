import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import type { CaptureFrame } from "../pcap/frame.js";
import { linkTypeFromCap } from "./link-type.js";
import {
  INSTALL_ADVICE,
  LIVE_DEFAULTS,
  type LiveCapture,
  LiveCaptureError,
  type LiveCaptureOptions,
  newStats,
} from "./options.js";

/** The part of the `cap` npm package (a libpcap binding) used here. */
interface CapInstance {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  on(event: "packet", listener: (nbytes: number, truncated: boolean) => void): void;
  removeAllListeners(): void;
}
interface CapModule {
  Cap: (new () => CapInstance) & { deviceList?: () => { name: string }[] };
}

/**
 * Every instance ever opened stays reachable for the life of the process. cap 0.2 never
 * uv_close()s the libuv poll handle it embeds: once an instance is garbage-collected, libuv's
 * handle list points into freed memory and the process crashes (seen: SIGSEGV at exit after a
 * capture was closed); and after a failed open() its destructor stops a poll handle that was
 * never initialised. Keeping them costs a few hundred bytes per open, which a node does a
 * handful of times.
 */
const keptInstances: CapInstance[] = [];

/** The binding copies each packet into one buffer of ours; it captures at most 65535 bytes. */
const CAP_MAX_SNAPLEN = 65535;

/**
 * Loads the optional native binding. Returns the reason as a string when it is not installed
 * or does not load (built against another Node, libpcap missing).
 */
export function loadCap(moduleName = "cap"): CapModule | string {
  try {
    const mod = createRequire(import.meta.url)(moduleName) as Partial<CapModule>;
    if (typeof mod.Cap !== "function") return `${moduleName} has no Cap class`;
    return mod as CapModule;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return `the libpcap binding (npm package "${moduleName}") is not available: ${msg}`;
  }
}

/**
 * Live capture through libpcap in this process. What the binding (cap 0.2) cannot do, and
 * which `warnings` says when asked for: it is always promiscuous, keeps at most 65535 bytes of
 * a packet, gives no capture timestamp (frames carry the time they reached JavaScript, close
 * to it in libpcap's immediate mode) and no kernel statistics (`received`/`dropped` stay
 * undefined: use the tcpdump backend where drops must be measured).
 */
export function openLibpcapCapture(opts: LiveCaptureOptions, binding: CapModule | string): LiveCapture {
  const iface = opts.interface;
  if (typeof binding === "string") {
    throw new LiveCaptureError("live_capture_unavailable", iface, `${binding}; ${INSTALL_ADVICE}`);
  }
  const warnings: string[] = [];
  const snaplen = opts.snaplen ?? LIVE_DEFAULTS.snaplen;
  if (snaplen > CAP_MAX_SNAPLEN)
    warnings.push(`libpcap backend keeps at most ${CAP_MAX_SNAPLEN} bytes per packet (asked ${snaplen})`);
  if (opts.promiscuous === false) warnings.push("libpcap backend always captures in promiscuous mode");
  // An unknown interface is the likeliest mistake: caught before open(), see keptInstances.
  const devices = listDevices(binding);
  if (devices !== undefined && !devices.includes(iface)) {
    throw new LiveCaptureError(
      "live_capture_failed",
      iface,
      `no such interface (libpcap knows: ${devices.slice(0, 20).join(", ")})`,
    );
  }
  const buffer = Buffer.alloc(Math.min(Math.max(snaplen, 64), CAP_MAX_SNAPLEN));
  const cap = new binding.Cap();
  keptInstances.push(cap);
  let linkName: string;
  try {
    linkName = cap.open(
      iface,
      opts.filter ?? LIVE_DEFAULTS.filter,
      opts.bufferBytes ?? LIVE_DEFAULTS.bufferBytes,
      buffer,
    );
  } catch (e) {
    throw new LiveCaptureError("live_capture_failed", iface, e instanceof Error ? e.message : String(e));
  }
  const linkType = linkTypeFromCap(linkName);
  if (linkType < 0) {
    cap.close();
    throw new LiveCaptureError("live_capture_failed", iface, `unsupported link type (${linkName})`);
  }
  const stats = newStats();
  const frame: CaptureFrame = { linkType, ts: 0, data: buffer.subarray(0, 0), origLen: 0 };
  const origin = performance.timeOrigin;
  cap.on("packet", (nbytes, truncated) => {
    frame.ts = origin + performance.now();
    frame.data = buffer.subarray(0, nbytes);
    // A packet longer than our buffer: its real length is unknown, only that it was longer.
    frame.origLen = truncated ? nbytes + 1 : nbytes;
    stats.frames++;
    stats.bytes += nbytes;
    if (truncated) stats.truncated++;
    try {
      opts.onFrame(frame);
    } catch (e) {
      // Thrown into the binding's event it would be an uncaught exception.
      opts.onError?.(e instanceof Error ? e : new Error(String(e)));
    }
  });
  let closed = false;
  return {
    backend: "libpcap",
    interface: iface,
    warnings,
    stats: () => Promise.resolve({ ...stats }),
    close: () => {
      if (!closed) {
        closed = true;
        cap.removeAllListeners();
        cap.close();
      }
      return Promise.resolve();
    },
  };
}

function listDevices(binding: CapModule): string[] | undefined {
  try {
    return binding.Cap.deviceList?.().map((d) => d.name);
  } catch {
    return undefined;
  }
}

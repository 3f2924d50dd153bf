import { loadCap, openLibpcapCapture } from "./libpcap.js";
import { INSTALL_ADVICE, type LiveCapture, LiveCaptureError, type LiveCaptureOptions } from "./options.js";
import { openTcpdumpCapture } from "./tcpdump.js";

/**
 * Starts capturing on an interface. Backend `auto` uses the libpcap binding (npm package
 * `cap`, an optional dependency) when it loads, else a tcpdump child process. Never throws
 * synchronously; rejects with a `LiveCaptureError` naming the interface and saying what to
 * install when no backend is available, so that the node reports it and keeps its other
 * sources.
 */
export async function openLiveCapture(opts: LiveCaptureOptions): Promise<LiveCapture> {
  const backend = opts.backend ?? "auto";
  if (backend === "tcpdump") return openTcpdumpCapture(opts);
  const binding = loadCap(opts.bindingModule);
  if (backend === "libpcap" || typeof binding !== "string") return openLibpcapCapture(opts, binding);
  try {
    return await openTcpdumpCapture(opts);
  } catch (e) {
    if (e instanceof LiveCaptureError && e.code === "live_capture_unavailable")
      throw new LiveCaptureError(
        "live_capture_unavailable",
        opts.interface,
        `${binding}; tcpdump is not installed either; ${INSTALL_ADVICE}`,
      );
    throw e;
  }
}

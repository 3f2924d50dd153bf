import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import type { FrameHandler } from "./frame.js";
import { type CaptureCounters, type CaptureFormat, CaptureReader } from "./reader.js";

/** Large reads: fewer chunk boundaries (copies) and fewer trips through the event loop. */
export const CAPTURE_READ_CHUNK_BYTES = 4 * 1024 * 1024;

export interface CaptureReadResult {
  format: CaptureFormat | undefined;
  counters: CaptureCounters;
}

export interface CaptureReadOptions {
  /** Read size for files (default 4 MiB). */
  highWaterMark?: number;
  /** Called with the bytes of each chunk read, for progress. */
  onBytes?: (n: number) => void;
  /** Stops reading; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Reads a capture from any byte stream (a file, `tcpdump -w -` stdout). Resolves with the
 * counters when the stream ends; rejects with the `CaptureFormatError` that stopped the
 * reader (the stream is destroyed), or with the stream's own error.
 */
export function readCaptureStream(
  input: Readable,
  onFrame: FrameHandler,
  opts: Omit<CaptureReadOptions, "highWaterMark"> = {},
): Promise<CaptureReadResult> {
  const reader = new CaptureReader();
  return new Promise<CaptureReadResult>((resolve, reject) => {
    let done = false;
    const finish = (e: unknown) => {
      if (done) return;
      done = true;
      opts.signal?.removeEventListener("abort", onAbort);
      if (e !== undefined) {
        input.destroy();
        reject(e);
      } else resolve({ format: reader.format, counters: reader.counters });
    };
    const onAbort = () => finish(opts.signal?.reason ?? new Error("aborted"));
    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    input.on("data", (chunk: Buffer) => {
      if (done) return;
      opts.onBytes?.(chunk.length);
      try {
        if (!reader.push(chunk, onFrame)) finish(reader.error);
      } catch (e) {
        // The frame handler threw: the caller's failure, passed on as is.
        finish(e);
      }
    });
    input.once("error", (e) => finish(e));
    input.once("end", () => {
      reader.end();
      finish(reader.error);
    });
  });
}

/** Reads a capture file of any size, streamed. See `readCaptureStream`. */
export function readCaptureFile(
  path: string,
  onFrame: FrameHandler,
  opts: CaptureReadOptions = {},
): Promise<CaptureReadResult> {
  const input = createReadStream(path, { highWaterMark: opts.highWaterMark ?? CAPTURE_READ_CHUNK_BYTES });
  const { highWaterMark: _, ...rest } = opts;
  return readCaptureStream(input, onFrame, rest);
}

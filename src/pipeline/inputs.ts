import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import { createGunzip, gunzipSync, constants as zlibConstants } from "node:zlib";
import { MAX_LINE_CHARS, readHar } from "../capture/files/index.js";
import { PacketPath, type PacketPathCounters } from "../capture/packet-path.js";
import { CAPTURE_READ_CHUNK_BYTES, type CaptureFrame, CaptureReader } from "../capture/pcap/index.js";
import type { HttpExchange } from "../model/index.js";
import type { Batch } from "./batch.js";
import { LineBatcher } from "./line-batcher.js";

/**
 * Input formats `analyze` knows. Each maps to a reader that yields batches; a new format
 * (pcap/pcapng: packet → tcp → http1 from `capture/`) plugs in as one more case in
 * `readBatches`, yielding `exchanges` batches.
 */
export type InputFormat = "jsonl" | "har" | "pcap" | "pcapng";

/** A file that cannot be used at all: the command fails (unlike a bad line: a warning). */
export class InputError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "InputError";
  }
}

export interface InputInfo {
  readonly file: string;
  readonly format: InputFormat;
  readonly gzip: boolean;
  /** Size on disk. */
  readonly bytes: number;
}

export interface BatchOptions {
  /** Target size of a JSONL batch in bytes of text. */
  readonly batchBytes: number;
  /** Most exchanges per batch for parsed formats. */
  readonly batchExchanges: number;
  /** Called with bytes read from disk, for progress. */
  readonly onBytes?: (n: number) => void;
  /** A line dropped before parsing (over-long). */
  readonly onLineWarning?: (file: string, line: number, message: string) => void;
}

const SNIFF_BYTES = 4096;
const READ_CHUNK_BYTES = 256 * 1024;

/** Checks that the file is readable and works out its format (content first, then name). */
export async function probeInput(file: string): Promise<InputInfo> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(file);
  } catch (e) {
    throw new InputError(file, describeFsError(e));
  }
  if (st.isDirectory()) throw new InputError(file, "is a directory");
  let head: Buffer;
  try {
    const fh = await open(file, "r");
    try {
      const b = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await fh.read(b, 0, SNIFF_BYTES, 0);
      head = b.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new InputError(file, describeFsError(e));
  }
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const packet = packetFormat(gzip ? gunzipHead(head) : head);
  if (packet !== null) return { file, format: packet, gzip, bytes: st.size };
  const lower = file.toLowerCase();
  let format: InputFormat = "jsonl";
  if (lower.endsWith(".har") || lower.endsWith(".har.gz")) format = "har";
  else if (!gzip && looksLikeHar(head)) format = "har";
  return { file, format, gzip, bytes: st.size };
}

/**
 * The first bytes of a gzip file's content (captures are often kept gzipped: `.pcap.gz`).
 * A partial stream: what inflates from the head read, bounded by its size.
 */
function gunzipHead(head: Buffer): Buffer {
  try {
    // 512 compressed bytes inflate to at most ~0.5 MiB (deflate's ratio is bounded by
    // ~1032:1), within the output bound; the magic number is in the first bytes.
    return gunzipSync(head.subarray(0, 512), {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
      maxOutputLength: 1 << 20,
    });
  } catch {
    return Buffer.alloc(0);
  }
}

/** pcap (both byte orders, micro- and nanosecond variants) and pcapng magic numbers. */
function packetFormat(head: Buffer): InputFormat | null {
  if (head.length < 4) return null;
  const m = head.readUInt32BE(0);
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return "pcap";
  if (m === 0x0a0d0d0a) return "pcapng";
  return null;
}

/**
 * A HAR document is one JSON object whose first member is `log` (HAR 1.2: the root has
 * exactly one member, `log`), usually pretty-printed; a JSONL record is not.
 */
function looksLikeHar(head: Buffer): boolean {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  const skip = () => {
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d))
      i++;
  };
  skip();
  if (head[i] !== 0x7b) return false;
  i++;
  skip();
  return head.subarray(i, i + 5).toString("latin1") === '"log"';
}

/** Reads one input as batches. Throws `InputError` when the file cannot be read at all. */
export async function* readBatches(
  info: InputInfo,
  input: number,
  opts: BatchOptions,
): AsyncGenerator<Batch> {
  switch (info.format) {
    case "jsonl":
      yield* jsonlBatches(info, input, opts);
      return;
    case "har":
      yield* exchangeBatches(info, input, opts, harExchanges(info));
      return;
    case "pcap":
    case "pcapng":
      yield* packetBatches(info, input, opts);
      return;
  }
}

/**
 * A capture file, streamed: frames → the packet path (decoders, TCP reassembly, HTTP/1.x)
 * → exchanges with their responses. Memory is bounded by the reader (one record) and by
 * the packet path's caps, whatever the file's size.
 */
async function* packetBatches(info: InputInfo, input: number, opts: BatchOptions): AsyncGenerator<Batch> {
  const { file } = info;
  let out: HttpExchange[] = [];
  let n = 0;
  const path = new PacketPath((ex) => out.push(ex), {
    source: `pcap:${basename(file)}`,
    nextId: () => `${file}#${++n}`,
  });
  const reader = new CaptureReader();
  const onFrame = (f: CaptureFrame) => path.frame(f.linkType, f.data, f.ts);
  const raw = createReadStream(file, { highWaterMark: CAPTURE_READ_CHUNK_BYTES });
  const stream = info.gzip ? raw.pipe(createGunzip({ chunkSize: CAPTURE_READ_CHUNK_BYTES })) : raw;
  if (info.gzip) raw.on("error", (e) => stream.destroy(e));
  let seen = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (opts.onBytes !== undefined && raw.bytesRead !== seen) {
        opts.onBytes(raw.bytesRead - seen);
        seen = raw.bytesRead;
      }
      if (!reader.push(chunk, onFrame))
        throw new InputError(file, reader.error?.message ?? "not a capture file");
      if (out.length >= opts.batchExchanges) {
        yield { kind: "exchanges", input, file, exchanges: out };
        out = [];
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, describeFsError(e));
  } finally {
    raw.destroy();
  }
  reader.end();
  path.flush();
  const losses = captureLosses(reader.counters.truncatedRecords, path.counters());
  if (losses !== "") opts.onLineWarning?.(file, 0, `capture: ${losses}`);
  if (out.length > 0) yield { kind: "exchanges", input, file, exchanges: out };
}

/**
 * What the capture did not let us read, said once per file (nothing is lost silently): an
 * analyst reading the verdicts needs to know that holes or cut records may hide requests.
 */
function captureLosses(truncatedRecords: number, c: PacketPathCounters): string {
  const parts: string[] = [];
  const say = (n: number, what: string) => {
    if (n > 0) parts.push(`${n.toLocaleString("en-US")} ${what}`);
  };
  say(truncatedRecords, "truncated record(s) at the end of the file");
  say(c.decoder.truncated + c.decoder.malformed, "frame(s) cut short or malformed");
  say(c.decoder.unsupportedLink, "frame(s) of an unsupported link type");
  if (c.tcp.gaps > 0)
    parts.push(
      `${c.tcp.gaps.toLocaleString("en-US")} TCP gap(s) (${c.tcp.gapBytes.toLocaleString("en-US")} bytes never captured)`,
    );
  say(
    c.tcp.evicted + c.tcp.capsHitFlow + c.tcp.capsHitGlobal,
    "TCP flow(s) or holes dropped at the memory caps",
  );
  say(c.http.parseErrors, "HTTP message(s) that could not be read");
  say(c.http.unpaired, "request(s) without a response");
  say(c.http.orphanResponses, "response(s) without a request");
  say(c.http.nonHttpFlows, "connection(s) that did not carry HTTP/1.x");
  return parts.join(", ");
}

async function* jsonlBatches(info: InputInfo, input: number, opts: BatchOptions): AsyncGenerator<Batch> {
  const { file } = info;
  // Large chunks: each chunk costs a round trip through the stream machinery (and the
  // zlib thread pool), which dominates reading time with the 16 KiB defaults.
  const raw = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  const stream = info.gzip ? raw.pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES })) : raw;
  if (info.gzip) raw.on("error", (e) => stream.destroy(e));
  const batcher = new LineBatcher(opts.batchBytes, MAX_LINE_CHARS, (line) =>
    opts.onLineWarning?.(file, line, "line too long, skipped"),
  );
  let seen = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (opts.onBytes !== undefined && raw.bytesRead !== seen) {
        opts.onBytes(raw.bytesRead - seen);
        seen = raw.bytesRead;
      }
      for (const b of batcher.push(chunk))
        yield { kind: "lines", input, file, firstLine: b.firstLine, text: b.text };
    }
  } catch (e) {
    throw new InputError(file, describeFsError(e));
  } finally {
    raw.destroy();
  }
  for (const b of batcher.end()) yield { kind: "lines", input, file, firstLine: b.firstLine, text: b.text };
}

async function* harExchanges(info: InputInfo): AsyncGenerator<HttpExchange> {
  const it = readHar(info.file);
  for (;;) {
    let r: IteratorResult<HttpExchange>;
    try {
      r = await it.next();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // readHar prefixes its own messages with the file name; JSON.parse errors it does not.
      if (e instanceof SyntaxError) throw new InputError(info.file, `not a HAR file (invalid JSON: ${msg})`);
      throw new InputError(info.file, msg.startsWith(info.file) ? msg.slice(info.file.length + 2) : msg);
    }
    if (r.done === true) return;
    yield r.value;
  }
}

async function* exchangeBatches(
  info: InputInfo,
  input: number,
  opts: BatchOptions,
  source: AsyncIterable<HttpExchange>,
): AsyncGenerator<Batch> {
  let cur: HttpExchange[] = [];
  let first = true;
  for await (const ex of source) {
    if (first) {
      // HAR is read whole before the first entry comes out.
      opts.onBytes?.(info.bytes);
      first = false;
    }
    cur.push(ex);
    if (cur.length >= opts.batchExchanges) {
      yield { kind: "exchanges", input, file: info.file, exchanges: cur };
      cur = [];
    }
  }
  if (first) opts.onBytes?.(info.bytes);
  if (cur.length > 0) yield { kind: "exchanges", input, file: info.file, exchanges: cur };
}

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "Z_DATA_ERROR":
    case "Z_BUF_ERROR":
      return `corrupt gzip data (${err.message})`;
    default:
      return err instanceof Error ? err.message : String(e);
  }
}

import { closeSync, createWriteStream, openSync } from "node:fs";
import type { Writable } from "node:stream";
import { describeFsError } from "../pipeline/index.js";
import { CliError } from "./errors.js";

/** The streams a command talks to; injected so that commands can be run in-process. */
export interface Io {
  readonly stdout: Writable & { readonly isTTY?: boolean };
  readonly stderr: Writable & { readonly isTTY?: boolean; readonly columns?: number };
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr };

/**
 * Where verdict lines go: stdout or a file. Applies backpressure (the returned promise
 * waits for `drain`) and treats a closed pipe (EPIPE, e.g. `| head`) as the reader
 * having had enough: `closed` turns true and `onClosed` runs, no error.
 */
export class OutputSink {
  private failure: Error | undefined;
  private closedByReader = false;
  private waiting: (() => void) | undefined;

  private constructor(
    private readonly stream: Writable,
    private readonly ownsStream: boolean,
    onClosed: () => void,
  ) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") {
        if (!this.closedByReader) {
          this.closedByReader = true;
          onClosed();
        }
      } else {
        this.failure ??= e;
      }
      this.wake();
    });
    stream.on("drain", () => this.wake());
  }

  static toStream(stream: Writable, onClosed: () => void): OutputSink {
    return new OutputSink(stream, false, onClosed);
  }

  /** Opens (creates or truncates) the file now, so that a bad path fails before any work. */
  static toFile(path: string, onClosed: () => void): OutputSink {
    let fd: number;
    try {
      fd = openSync(path, "w");
    } catch (e) {
      throw new CliError(`cannot write ${path}: ${describeFsError(e)}`);
    }
    try {
      return new OutputSink(createWriteStream(path, { fd }), true, onClosed);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  get closed(): boolean {
    return this.closedByReader;
  }

  write(text: string): void | Promise<void> {
    this.check();
    if (this.closedByReader) return;
    if (this.stream.write(text)) return;
    return new Promise<void>((resolve) => {
      this.waiting = resolve;
    }).then(() => this.check());
  }

  /** Flushes; closes the stream when the sink opened it (a file). */
  async end(): Promise<void> {
    this.check();
    if (this.closedByReader) return;
    await new Promise<void>((resolve) => {
      if (this.ownsStream) this.stream.end(() => resolve());
      else this.stream.write("", () => resolve());
      // An error (e.g. EPIPE while flushing) must not leave us waiting for ever.
      this.waiting = resolve;
    });
    this.check();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  private check(): void {
    if (this.failure !== undefined) throw new CliError(`cannot write output: ${this.failure.message}`);
  }
}

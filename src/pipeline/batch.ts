import type { Engine } from "../analysis/index.js";
import { MAX_LINE_CHARS, parseJsonlRecord } from "../capture/files/index.js";
import type { HttpExchange } from "../model/index.js";
import { failedVerdictLine, verdictLine } from "./verdict.js";

/**
 * The unit of work handed to the analysis (inline or in a worker thread). Batching
 * amortises the cost of messaging between threads over many requests.
 *  - `lines`: raw JSONL text (whole lines). Parsing happens where the analysis runs,
 *    so that the main thread does only I/O and the JSON parsing spreads over the cores.
 *  - `exchanges`: already parsed exchanges (HAR today, pcap later).
 */
export type Batch = LineBatch | ExchangeBatch;

export interface LineBatch {
  readonly kind: "lines";
  /** Index of the input this batch came from (into the list of inputs). */
  readonly input: number;
  /** Display name of the input, for warnings and fallback ids (`file:line`). */
  readonly file: string;
  /** 1-based line number of the first line in `text`. */
  readonly firstLine: number;
  readonly text: string;
}

export interface ExchangeBatch {
  readonly kind: "exchanges";
  readonly input: number;
  readonly file: string;
  readonly exchanges: readonly HttpExchange[];
}

/** A problem with one record: reported, never fatal. */
export interface BatchWarning {
  readonly file: string;
  /** 1-based line for JSONL, entry number or 0 otherwise. */
  readonly line: number;
  readonly message: string;
}

/** What came out of one batch; plain data so that it crosses thread boundaries cheaply. */
export interface BatchResult {
  readonly input: number;
  /** Verdict lines, each ending with `\n`, in the batch's order. */
  readonly out: string;
  readonly requests: number;
  readonly withHits: number;
  /** `[type, count]` pairs. */
  readonly hitsByType: ReadonlyArray<readonly [string, number]>;
  readonly warnings: readonly BatchWarning[];
  /** Requests whose analysis threw (they still get a line, with `error`). */
  readonly failures: number;
}

/** Runs one batch to completion. Never throws: bad records become warnings. */
export function runBatch(engine: Engine, batch: Batch): BatchResult {
  const acc = new Accumulator(batch.input);
  if (batch.kind === "lines") {
    const { text, file } = batch;
    let lineNo = batch.firstLine;
    let from = 0;
    while (from < text.length) {
      let to = text.indexOf("\n", from);
      if (to === -1) to = text.length;
      const n = lineNo++;
      let start = from;
      from = to + 1;
      if (n === 1 && text.charCodeAt(start) === 0xfeff) start++; // a UTF-8 byte order mark
      let end = to;
      if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF line ends
      if (isBlank(text, start, end)) continue;
      if (end - start > MAX_LINE_CHARS) {
        acc.warn(file, n, "line too long, skipped");
        continue;
      }
      const ex = parseJsonlRecord(text.slice(start, end), `${file}:${n}`);
      if (typeof ex === "string") acc.warn(file, n, ex);
      else acc.analyze(engine, ex, file);
    }
  } else {
    for (const ex of batch.exchanges) acc.analyze(engine, ex, batch.file);
  }
  return acc.result();
}

function isBlank(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

class Accumulator {
  private readonly lines: string[] = [];
  private readonly byType = new Map<string, number>();
  private readonly warnings: BatchWarning[] = [];
  private withHits = 0;
  private failures = 0;

  constructor(private readonly input: number) {}

  warn(file: string, line: number, message: string): void {
    this.warnings.push({ file, line, message });
  }

  analyze(engine: Engine, ex: HttpExchange, file: string): void {
    try {
      const r = engine.analyze(ex.request);
      if (r.hits.length > 0) {
        this.withHits++;
        for (const h of r.hits) this.byType.set(h.type, (this.byType.get(h.type) ?? 0) + 1);
      }
      this.lines.push(verdictLine(ex.id, r, ex));
    } catch (e) {
      // The engine is meant never to throw; if it does, the request still gets its line
      // (order and completeness of the output are part of the contract).
      const message = e instanceof Error ? e.message : String(e);
      this.failures++;
      this.warnings.push({ file, line: 0, message: `${ex.id}: analysis failed: ${message}` });
      this.lines.push(failedVerdictLine(ex.id, message));
    }
  }

  result(): BatchResult {
    return {
      input: this.input,
      out: this.lines.length > 0 ? `${this.lines.join("\n")}\n` : "",
      requests: this.lines.length,
      withHits: this.withHits,
      hitsByType: [...this.byType],
      warnings: this.warnings,
      failures: this.failures,
    };
  }
}

import type { HttpExchange } from "../../model/index.js";
import { readHar } from "./har.js";
import { type InputWarning, readJsonl } from "./jsonl.js";

export { readHar } from "./har.js";
export { type InputWarning, isGzip, MAX_LINE_CHARS, parseJsonlRecord, readJsonl } from "./jsonl.js";

/** Picks a reader by file name: `.har` (optionally `.gz`) is HAR, anything else JSONL. */
export function readInput(file: string, onWarning: (w: InputWarning) => void): AsyncGenerator<HttpExchange> {
  const lower = file.toLowerCase();
  if (lower.endsWith(".har") || lower.endsWith(".har.gz")) return readHar(file);
  return readJsonl(file, onWarning);
}

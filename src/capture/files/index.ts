export { readHar } from "./har.js";
export { isGzip, MAX_LINE_CHARS, parseJsonlRecord } from "./jsonl.js";

import type { Header } from "../../model/index.js";
import { emitValue } from "./decode.js";
import { percentDecode } from "./percent.js";
import type { PointSink } from "./sink.js";

/** RFC 9110 §5.1 field-name: a token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Headers: names normalised to lower case, repeats kept (each its own point), cookies
 * split into `header › cookie › NAME` (RFC 6265 §4.2.1, leniently).
 */
export function emitHeaders(sink: PointSink, headers: readonly Header[]): void {
  for (const [rawName, value] of headers) {
    if (!sink.open) return;
    const name = rawName.toLowerCase();
    if (!TOKEN.test(rawName)) {
      sink.anomaly("bad_header", `header › ${name.slice(0, 64)}`);
      // A name outside the token grammar is attacker prose: look at it.
      sink.add(["header", name, "#key"], "header", "key", rawName, 0, { header: name, name });
    }
    if (name === "cookie") {
      emitCookies(sink, value);
      continue;
    }
    emitValue(sink, ["header", name], "header", "value", value, 0, { header: name, name });
  }
}

export function emitCookies(sink: PointSink, value: string): void {
  let count = 0;
  for (const part of value.split(";")) {
    if (!sink.open) return;
    const pair = part.trim();
    if (pair.length === 0) continue;
    if (++count > sink.limits.maxParts) {
      sink.anomaly("parts_limit", "header › cookie");
      return;
    }
    const eq = pair.indexOf("=");
    if (eq === -1) {
      // A cookie without a name: its whole text is the value.
      emitValue(sink, ["header", "cookie"], "cookie", "value", pair, 0, { header: "cookie" });
      continue;
    }
    const name = pair.slice(0, eq).trim();
    let v = pair.slice(eq + 1).trim();
    if (v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34) v = v.slice(1, -1);
    sink.add(["header", "cookie", name, "#key"], "cookie", "key", name, 0, { header: "cookie", name });
    // Cookie values are commonly percent-encoded by applications (not by RFC 6265).
    emitValue(sink, ["header", "cookie", name], "cookie", "value", percentDecode(v, false), 0, {
      header: "cookie",
      name,
    });
  }
}

import type { PointSink } from "./sink.js";
import { type DecodeFlags, percentDecode } from "./percent.js";
import { emitValue } from "./decode.js";

/**
 * Splits a request-target (RFC 9112 §3.2: origin-form, absolute-form, asterisk-form)
 * into path and query and emits their points. Nothing is rejected: bytes RFC 3986
 * forbids are kept, as real attack traffic carries them.
 */
export function splitTarget(target: string): { path: string; query: string | null } {
  let t = target;
  // absolute-form: drop scheme://authority, keep what a server would route on.
  if (t.length > 7 && t.charCodeAt(0) !== 47 /* / */) {
    const m = /^[a-zA-Z][a-zA-Z0-9+.-]{0,15}:\/\/[^/?#]{0,2048}/.exec(t);
    if (m) t = t.slice(m[0].length);
  }
  const q = t.indexOf("?");
  if (q === -1) return { path: t, query: null };
  return { path: t.slice(0, q), query: t.slice(q + 1) };
}

export function emitPath(sink: PointSink, rawPath: string): void {
  const flags: DecodeFlags = { badEscape: false, badUtf8: false, overlong: false };
  const path = percentDecode(rawPath, false, flags);
  noteFlags(sink, flags, "path");
  emitValue(sink, ["path"], "path", "path", path, 0);
  // Segments: both slashes count, as IIS and many frameworks treat `\` as `/`.
  const segs = path.split(/[/\\]/);
  let idx = 0;
  let nonEmpty = 0;
  for (const s of segs) if (s.length > 0) nonEmpty++;
  if (nonEmpty > 1) {
    for (const s of segs) {
      if (s.length === 0) continue;
      idx++;
      if (idx > 64 || !sink.open) break;
      emitValue(sink, ["path", String(idx)], "path", "segment", s, 0);
    }
  }
  const last = segs[segs.length - 1] ?? "";
  const semi = last.indexOf(";");
  const file = semi === -1 ? last : last.slice(0, semi);
  const dot = file.lastIndexOf(".");
  if (dot > 0 && dot < file.length - 1 && file.length - dot <= 16) {
    sink.add(["path", "ext"], "path", "ext", file.slice(dot + 1).toLowerCase(), 0);
  }
}

/**
 * Emits `application/x-www-form-urlencoded` style pairs (a query string or a form
 * body). Repeated names are kept, each as its own point.
 */
export function emitPairs(sink: PointSink, zone: "query" | "body", prefix: readonly string[], raw: string, depth: number): void {
  const flags: DecodeFlags = { badEscape: false, badUtf8: false, overlong: false };
  let start = 0;
  let count = 0;
  const n = raw.length;
  while (start <= n && sink.open) {
    let end = raw.indexOf("&", start);
    if (end === -1) end = n;
    if (end > start) {
      if (++count > sink.limits.maxParts) {
        sink.anomaly("parts_limit", prefix.join(" › "));
        break;
      }
      const pair = raw.slice(start, end);
      const eq = pair.indexOf("=");
      const name = percentDecode(eq === -1 ? pair : pair.slice(0, eq), true, flags);
      const steps = [...prefix, name];
      sink.add([...steps, "#key"], zone, "key", name, depth, { name });
      if (eq !== -1) {
        const value = percentDecode(pair.slice(eq + 1), true, flags);
        emitValue(sink, steps, zone, "value", value, depth, { name });
      }
    }
    start = end + 1;
  }
  noteFlags(sink, flags, prefix.join(" › "));
  // The whole decoded string too, so that a payload split by an unencoded `&` is still
  // seen whole.
  if (count > 1) {
    sink.add([...prefix, "#raw"], zone, "raw", percentDecode(raw, true), depth);
  }
}

export function noteFlags(sink: PointSink, flags: DecodeFlags, where: string): void {
  if (flags.badEscape) sink.anomaly("bad_percent_encoding", where);
  if (flags.badUtf8) sink.anomaly("bad_utf8", where);
  if (flags.overlong) sink.anomaly("overlong_utf8", where);
}

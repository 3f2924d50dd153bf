import { emitJson } from "../body/json.js";
import { emitV } from "../decode.js";
import { stepsPlus, stepsPlus2 } from "../sink.js";
import { looksLikeText } from "./bytes.js";
import { type NestedDecoder, T_TOKEN } from "./types.js";

/** Where the token starts: 0, or 7 after an `Authorization` `Bearer ` scheme (RFC 6750 §2.1). */
function tokenStart(v: string): number {
  if (v.charCodeAt(0) === 101 /* e */) return 0;
  if (v.length > 10 && (v.charCodeAt(0) | 0x20) === 98 && v.charCodeAt(6) === 32) {
    if (v.slice(1, 6).toLowerCase() === "earer") return 7;
  }
  return -1;
}

/**
 * JSON Web Tokens (RFC 7519, JWS compact form RFC 7515 §7.1): `header.payload.signature`,
 * each base64url. Header and payload are JSON objects, so both start with `eyJ` (`{"`).
 * Points: `… › jwt › header › alg`, `… › jwt › payload › sub`. The signature is binary
 * and not emitted. Also recognised after `Bearer ` in `Authorization`.
 */
export const jwt: NestedDecoder = {
  step: "jwt",
  triggers: T_TOKEN,
  applies(value, kind) {
    if (kind === "key" || value.length < 16) return false;
    const at = tokenStart(value);
    return at >= 0 && value.startsWith("eyJ", at) && value.indexOf(".", at + 3) !== -1;
  },
  run(x) {
    const at = tokenStart(x.value);
    const dot1 = x.value.indexOf(".", at);
    if (dot1 === -1) return false;
    let dot2 = x.value.indexOf(".", dot1 + 1);
    if (dot2 === -1) dot2 = x.value.length;
    const jwtSteps = stepsPlus(x.steps, "jwt");
    emitSegment(x, jwtSteps, "header", x.value.slice(at, dot1));
    if (dot2 > dot1 + 1) emitSegment(x, jwtSteps, "payload", x.value.slice(dot1 + 1, dot2));
    return at === 0;
  },
};

function emitSegment(
  x: Parameters<NestedDecoder["run"]>[0],
  jwtSteps: readonly string[],
  part: "header" | "payload",
  seg: string,
): void {
  const bytes = Buffer.from(seg, "base64url");
  if (!looksLikeText(bytes)) return;
  const text = bytes.toString("utf8");
  const steps = stepsPlus(jwtSteps, part);
  if (text.charCodeAt(0) === 123) emitJson(x.sink, steps, x.zone, text, x.depth, false, x.header);
  else emitV(x.sink, stepsPlus2(jwtSteps, part, "text"), x.zone, "value", text, x.depth, x.header, x.name);
}

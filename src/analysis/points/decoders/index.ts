import { base64, base64Spaced } from "./base64.js";
import { doublePercent } from "./double-percent.js";
import { embeddedJson } from "./embedded-json.js";
import { graphql } from "./graphql.js";
import { htmlEntities } from "./html.js";
import { jsEscape } from "./js-escape.js";
import { jwt } from "./jwt.js";
import type { NestedDecoder } from "./types.js";
import { utf16 } from "./utf16.js";

export type { DecodeInput, NestedDecoder } from "./types.js";

let list: readonly NestedDecoder[] | null = null;

/**
 * Every nested decoder, tried in this order on every value (each `applies` is an
 * `indexOf` or a look at the first characters). UTF-16 first (it changes every
 * character), then containers — a value that is clean JSON or a JWT stops there, since
 * its strings get the textual decoders one by one — then the textual layers.
 *
 * Built on first use rather than at module evaluation: decoders emit through
 * `decode.ts`, which offers values to this registry, so the modules import each other
 * and an eager array could be read before a decoder module has run (ESM TDZ).
 */
export function nestedDecoders(): readonly NestedDecoder[] {
  if (list === null)
    list = [utf16, jwt, embeddedJson, graphql, doublePercent, htmlEntities, jsEscape, base64, base64Spaced];
  return list;
}

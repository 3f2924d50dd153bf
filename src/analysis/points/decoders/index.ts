import { base64 } from "./base64.js";
import { doublePercent } from "./double-percent.js";
import { embeddedJson } from "./embedded-json.js";
import { graphql } from "./graphql.js";
import { htmlEntities } from "./html.js";
import { jsEscape } from "./js-escape.js";
import { jwt } from "./jwt.js";
import type { NestedDecoder } from "./types.js";
import { utf16 } from "./utf16.js";

export type { DecodeInput, NestedDecoder } from "./types.js";

/**
 * Every nested decoder, tried in this order on every value (each `applies` is O(1) on
 * the value's class bits in the common case). Byte-level layers first (UTF-16,
 * percent), then character references and escapes, then containers.
 */
export const DECODERS: readonly NestedDecoder[] = [
  utf16,
  doublePercent,
  htmlEntities,
  jsEscape,
  jwt,
  base64,
  embeddedJson,
  graphql,
];

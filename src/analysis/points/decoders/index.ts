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
 * Every nested decoder, tried in this order on every value (each `applies` is an
 * `indexOf` or a look at the first characters). UTF-16 first (it changes every
 * character), then containers — a value that is clean JSON or a JWT stops there, since
 * its strings get the textual decoders one by one — then the textual layers.
 */
export const DECODERS: readonly NestedDecoder[] = [
  utf16,
  jwt,
  embeddedJson,
  graphql,
  doublePercent,
  htmlEntities,
  jsEscape,
  base64,
];

import { doublePercent } from "./double-percent.js";
import { embeddedJson } from "./embedded-json.js";
import type { NestedDecoder } from "./types.js";

export type { NestedDecoder } from "./types.js";

/** Every nested decoder, tried in this order on every value. */
export const DECODERS: readonly NestedDecoder[] = [doublePercent, embeddedJson];

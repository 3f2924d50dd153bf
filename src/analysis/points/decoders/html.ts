import { emitV } from "../decode.js";
import { stepsPlus } from "../sink.js";
import { decodeEntities, hasEntity } from "./entities.js";
import { type NestedDecoder, T_AMP } from "./types.js";

/** HTML/XML character references (`&lt;`, `&#x3c;`, `&#60`, `&colon;`). */
export const htmlEntities: NestedDecoder = {
  step: "html",
  triggers: T_AMP,
  applies(value) {
    return hasEntity(value);
  },
  run(x) {
    const d = decodeEntities(x.value);
    if (d !== x.value)
      emitV(x.sink, stepsPlus(x.steps, "html"), x.zone, x.kind, d, x.depth, x.header, x.name);
    return false;
  },
};

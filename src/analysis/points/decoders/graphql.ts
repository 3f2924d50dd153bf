import { emitGraphql, looksLikeGraphql } from "../body/graphql.js";
import { stepsPlus } from "../sink.js";
import { type NestedDecoder, T_QUERY } from "./types.js";

/**
 * A GraphQL document in a parameter: `?query=` on GET (GraphQL over HTTP, §GET) and the
 * `query` member of a JSON POST body (`{query, variables, operationName}`). Variables
 * are JSON and are already handled by the JSON scanner / embedded-JSON decoder.
 */
export const graphql: NestedDecoder = {
  step: "graphql",
  triggers: T_QUERY,
  applies(value, kind, name) {
    return kind === "value" && name === "query" && value.length >= 3 && looksLikeGraphql(value);
  },
  run(x) {
    emitGraphql(x.sink, stepsPlus(x.steps, "graphql"), x.zone, x.value, x.depth, false, x.header);
    return false;
  },
};

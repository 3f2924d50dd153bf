export * from "./anomalies.js";
export * from "./attack-types.js";
export * from "./hit.js";
export * from "./http.js";
export * from "./http-syntax.js";
export * from "./limits.js";
export * from "./point.js";
export * from "./records.js";

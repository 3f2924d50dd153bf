/**
 * MongoDB query operators (MongoDB Manual, "Query and Projection Operators") and the
 * aggregation stages/operators that run code or read other collections. Operators are
 * case-sensitive in MongoDB, so the match is exact.
 *
 * Update operators (`$set`, `$inc`, `$push`, `$unset`…) are left out on purpose: analytics
 * SDKs (Mixpanel, Amplitude, PostHog) send them as ordinary JSON keys. `$type` is left out
 * of exact JSON keys because Json.NET uses it for type names (a deserialization matter,
 * not a query one); it still counts in bracket syntax (`a[$type]=`).
 */
export const QUERY_OPERATORS: ReadonlySet<string> = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$and",
  "$or",
  "$not",
  "$nor",
  "$exists",
  "$expr",
  "$jsonSchema",
  "$mod",
  "$regex",
  "$options",
  "$text",
  "$search",
  "$where",
  "$all",
  "$elemMatch",
  "$size",
  "$geoWithin",
  "$geoIntersects",
  "$near",
  "$nearSphere",
  "$bitsAllSet",
  "$bitsAnySet",
  "$bitsAllClear",
  "$bitsAnyClear",
  "$comment",
  "$function",
  "$accumulator",
  "$lookup",
  "$graphLookup",
  "$unionWith",
  "$out",
  "$merge",
]);

/** Operators that also count inside brackets only (see above). */
export const BRACKET_ONLY_OPERATORS: ReadonlySet<string> = new Set(["$type"]);

/** Operators whose argument is JavaScript run by the server. */
export const CODE_OPERATORS: ReadonlySet<string> = new Set(["$where", "$function", "$accumulator"]);

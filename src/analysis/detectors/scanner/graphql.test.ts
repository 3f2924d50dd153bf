import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { findIntrospection, mayBeIntrospection } from "./graphql.js";

describe("scanner: GraphQL introspection", () => {
  it("finds the meta-fields and fragments on introspection types", () => {
    for (const q of [
      "{__schema{types{name}}}",
      "query Q { __schema , { queryType { name } } }",
      '{ __type ( name: "User" ) { name } }',
      "fragment F on __Type { name }",
      "fragment V on __InputValue @skip(if: false) { name }",
      "{ ... on __Schema { types { name } } }",
      "fragment+F+on+__Type+{+name+}",
    ]) {
      assert.ok(findIntrospection(q), q);
      assert.ok(mayBeIntrospection(q), q);
    }
    const v = "x { __schema { a } }";
    const m = findIntrospection(v);
    assert.ok(m);
    assert.equal(v.slice(m.start, m.end), "__schema");
  });

  it("does not count __typename, prose or look-alike names", () => {
    for (const q of [
      "{ me { id __typename } }",
      "the __schema field",
      "__type is a meta-field",
      "read up on __Type and __Field",
      "my__schema{x}",
      "__schemas{x}",
      "__typeof(x)",
      "__Secure-id=1",
    ]) {
      assert.equal(findIntrospection(q), null, q);
    }
  });

  it("prefilter holds for every match; never throws", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom("__schema", "__type", "__Type", "on", " ", "{", "(", "+", ",", "_", "__typename"),
            fc.string({ maxLength: 4 }),
          ),
          { maxLength: 16 },
        ),
        (a) => {
          const v = a.join("");
          if (findIntrospection(v) !== null) assert.ok(mayBeIntrospection(v), v);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

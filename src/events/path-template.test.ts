import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { pathTemplate, TEMPLATE_MAX_SEGMENT, TEMPLATE_MAX_SEGMENTS } from "./path-template.js";

describe("pathTemplate", () => {
  const cases: [string, string][] = [
    ["/", "/"],
    ["", ""],
    ["*", "*"],
    ["/users/42/orders/7", "/users/{id}/orders/{id}"],
    ["/users/42?x=1", "/users/{id}"],
    ["/a#frag/1", "/a"],
    ["/item/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "/item/{uuid}"],
    ["/item/3F2504E0-4F89-11D3-9A0C-0305E82C3301/edit", "/item/{uuid}/edit"],
    ["/commit/9fceb02d0ae598e95dc970b74767f19372d61af8", "/commit/{hex}"],
    ["/reports/2024-01-15", "/reports/{date}"],
    ["/reports/2024-01-15T10:00:00Z", "/reports/{date}"],
    ["/reports/2024-13-15", "/reports/2024-13-15"],
    ["/reset/dGhpcyBpcyBhIHRva2VuIDEyMw", "/reset/{token}"],
    ["/t/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz", "/t/{token}"],
    ["/img/42.png", "/img/{id}.png"],
    ["/blog/how-to-write-a-parser-in-2024", "/blog/how-to-write-a-parser-in-2024"],
    ["/api/v2/users", "/api/v2/users"],
    ["/static/app.min.js", "/static/app.min.js"],
    ["/a//b/", "/a//b/"],
    ["/../../etc/passwd", "/../../etc/passwd"],
    ["/v1.2.3/x", "/v1.2.3/x"],
    ["/deadbeef", "/deadbeef"],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${want}`, () => assert.equal(pathTemplate(input), want));
  }

  it("bounds segments and segment length", () => {
    const many = `/${Array.from({ length: 100 }, (_, i) => `s${i}`).join("/")}`;
    const t = pathTemplate(many);
    assert.equal(t.split("/").length, TEMPLATE_MAX_SEGMENTS + 1);
    assert.ok(t.endsWith("/{…}"));
    const long = `/${"ab-".repeat(200)}`;
    assert.equal(pathTemplate(long), `/${"ab-".repeat(200).slice(0, TEMPLATE_MAX_SEGMENT)}…`);
  });

  it("never throws, is idempotent and bounded (property)", () => {
    const seg = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.nat().map(String),
      fc.uuid(),
      fc.stringMatching(/^[0-9a-f]{16,64}$/),
      fc.stringMatching(/^[A-Za-z0-9_-]{18,80}$/),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string({ minLength: 120, maxLength: 300 }),
    );
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 50 }), fc.boolean(), (segs, lead) => {
        const p = (lead ? "/" : "") + segs.join("/");
        const t = pathTemplate(p);
        assert.equal(pathTemplate(t), t);
        assert.ok(t.length <= (TEMPLATE_MAX_SEGMENTS + 1) * (TEMPLATE_MAX_SEGMENT + 2));
        assert.ok(!t.includes("?"));
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on any string (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 3000 }), (s) => {
        const t = pathTemplate(s);
        assert.equal(pathTemplate(t), t);
      }),
      { numRuns: 300 },
    );
  });
});

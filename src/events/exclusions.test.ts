import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hit } from "../model/index.js";
import { type ExclusionContext, Exclusions, normalizePointGlob } from "./exclusions.js";

const iframe: Hit = {
  type: "xss",
  point: "body › json › content",
  payload: '<iframe src="https://www.youtube.com/embed/x">',
  signature: "xss.tag-iframe",
};
const sqli: Hit = { type: "sqli", point: "query › id", payload: "1 OR 1=1", signature: "sqli.tautology" };
const post: ExclusionContext = {
  host: "blog.example.com",
  path: "/api/posts/42",
  method: "POST",
  clientIp: "10.1.2.3",
};

describe("exclusion rules", () => {
  it("match a hit when every field the rule sets matches (any entry of each)", () => {
    const ex = new Exclusions([
      {
        name: "video embeds",
        types: ["xss"],
        signatures: ["xss.tag-ifr*"],
        points: ["body > json > content"],
        paths: ["/api/posts/*"],
        methods: ["post", "PUT"],
        hosts: ["*.EXAMPLE.com"],
      },
    ]);
    assert.equal(ex.ruleFor(iframe, post) !== -1, true);
    // Each field can rule the hit back in.
    assert.equal(ex.ruleFor(sqli, post) !== -1, false);
    assert.equal(ex.ruleFor({ ...iframe, signature: "xss.event-handler" }, post) !== -1, false);
    assert.equal(ex.ruleFor({ ...iframe, point: "body › json › title" }, post) !== -1, false);
    assert.equal(ex.ruleFor(iframe, { ...post, path: "/api/comments/1" }) !== -1, false);
    assert.equal(ex.ruleFor(iframe, { ...post, method: "GET" }) !== -1, false);
    assert.equal(ex.ruleFor(iframe, { ...post, host: "shop.example.org" }) !== -1, false);
  });

  it("match client networks, and no client address at all never matches a source rule", () => {
    const ex = new Exclusions([{ sources: ["10.0.0.0/8", "loopback"], types: ["sqli"] }]);
    assert.equal(ex.ruleFor(sqli, post) !== -1, true);
    assert.equal(ex.ruleFor(sqli, { ...post, clientIp: "::1" }) !== -1, true);
    assert.equal(ex.ruleFor(sqli, { ...post, clientIp: "203.0.113.9" }) !== -1, false);
    assert.equal(ex.ruleFor(sqli, { ...post, clientIp: "" }) !== -1, false);
  });

  it("refuse a rule that sets nothing (it would hide every attack)", () => {
    assert.throws(() => new Exclusions([{ name: "oops" }]), /sets no field/);
    assert.throws(() => new Exclusions([{ types: [] }]), /sets no field/);
  });

  it("read `>` as the point separator", () => {
    assert.equal(normalizePointGlob("body > json > *"), "body › json › *");
    assert.equal(normalizePointGlob("query›q"), "query › q");
  });
});

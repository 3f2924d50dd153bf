import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Header } from "../../model/index.js";
import { createMasker, luhnValid, type RequestParts } from "./index.js";
import { multipartBody } from "./testing.js";

const masker = createMasker();
const req = (over: Partial<RequestParts>): RequestParts => ({ target: "/", headers: [], body: "", ...over });
const h = (parts: RequestParts, name: string) => parts.headers.find(([n]) => n.toLowerCase() === name)?.[1];

describe("createMasker: headers", () => {
  const headers: Header[] = [
    ["Host", "shop.example"],
    ["Authorization", "Bearer eyJhbGciOi.secret.sig"],
    ["Proxy-Authorization", "Basic dXNlcjpwYXNz"],
    ["Cookie", "sid=abc123; theme=dark; __Host-x=y"],
    ["X-Api-Key", "k-123"],
    ["X-Auth-Token", "t"],
    ["User-Agent", "curl/8.0"],
    ["X-Card", "4111 1111 1111 1111"],
  ];
  it("masks credentials, keeps schemes, cookie names and harmless headers", () => {
    const out = masker.request(req({ headers }), []);
    assert.deepEqual(out.headers, [
      ["Host", "shop.example"],
      ["Authorization", "Bearer ***"],
      ["Proxy-Authorization", "Basic ***"],
      ["Cookie", "sid=***; theme=***; __Host-x=***"],
      ["X-Api-Key", "***"],
      ["X-Auth-Token", "***"],
      ["User-Agent", "curl/8.0"],
      ["X-Card", "***"],
    ]);
  });
  it("masks only session-like cookies under the `sensitive` policy", () => {
    const out = createMasker({ cookies: "sensitive" }).request(req({ headers }), []);
    assert.equal(h(out, "cookie"), "sid=***; theme=dark; __Host-x=y");
  });
  it("masks secrets in the query of a Referer", () => {
    const out = masker.request(
      req({ headers: [["Referer", "https://shop.example/reset?token=abc&x=1"]] }),
      [],
    );
    assert.equal(h(out, "referer"), "https://shop.example/reset?token=***&x=1");
  });
  it("masks the value of Set-Cookie, keeping attributes", () => {
    const out = masker.request(req({ headers: [["Set-Cookie", "sid=abc; Path=/; HttpOnly"]] }), []);
    assert.equal(h(out, "set-cookie"), "sid=***; Path=/; HttpOnly");
  });
  it("keeps a header or cookie that carries a hit, masks the others", () => {
    const out = masker.request(req({ headers }), [
      "header › cookie › theme",
      "header › authorization › jwt › payload",
    ]);
    assert.equal(h(out, "cookie"), "sid=***; theme=dark; __Host-x=***");
    assert.equal(h(out, "authorization"), "Bearer eyJhbGciOi.secret.sig");
    assert.equal(h(out, "x-api-key"), "***");
  });
});

describe("createMasker: target and bodies", () => {
  it("masks sensitive query parameters unless they carry the hit", () => {
    const r = req({ target: "/login?user=ann&password=hunter2&token=t#x" });
    assert.equal(masker.request(r, []).target, "/login?user=ann&password=***&token=***#x");
    // SQL injection in the password field: the analyst must see it.
    const attack = req({ target: "/login?user=ann&password=%27%20OR%201%3D1--&token=t" });
    assert.equal(
      masker.request(attack, ["query › password"]).target,
      "/login?user=ann&password=%27%20OR%201%3D1--&token=***",
    );
  });
  it("masks JSON bodies by key, keeping the key that carries the hit", () => {
    const headers: Header[] = [["Content-Type", "application/json"]];
    const body = '{"user":{"name":"ann","password":"\' OR 1=1--"},"apiKey":"k"}';
    assert.equal(
      masker.request(req({ headers, body }), []).body,
      '{"user":{"name":"ann","password":"***"},"apiKey":"***"}',
    );
    assert.equal(
      masker.request(req({ headers, body }), ["body › json › user › password"]).body,
      '{"user":{"name":"ann","password":"\' OR 1=1--"},"apiKey":"***"}',
    );
  });
  it("treats a body that looks like JSON as JSON when no type says otherwise", () => {
    assert.equal(masker.request(req({ body: ' {"secret":"s"}' }), []).body, ' {"secret":"***"}');
  });
  it("masks form and multipart bodies", () => {
    const form = masker.request(
      req({ headers: [["content-type", "application/x-www-form-urlencoded"]], body: "u=a&pwd=b" }),
      [],
    );
    assert.equal(form.body, "u=a&pwd=***");
    const mp = masker.request(
      req({
        headers: [["Content-Type", "multipart/form-data; boundary=zz"]],
        body: multipartBody("zz", [
          ["passwd", "p"],
          ["q", "1"],
        ]),
      }),
      [],
    );
    assert.ok(mp.body.includes('name="passwd"\r\n\r\n***\r\n'));
  });
  it("masks card numbers in the target, any body and payloads", () => {
    const out = masker.request(
      req({ target: "/pay?c=4111111111111111", body: "card 4111-1111-1111-1111 exp 12/30" }),
      [],
    );
    assert.equal(out.target, "/pay?c=***");
    assert.equal(out.body, "card *** exp 12/30");
    assert.equal(masker.payload("' UNION SELECT 4111111111111111--"), "' UNION SELECT ***--");
  });
  it("does nothing when disabled", () => {
    const off = createMasker({ enabled: false });
    const r = req({
      target: "/?password=x",
      headers: [["Authorization", "Basic x"]],
      body: "4111111111111111",
    });
    assert.deepEqual(off.request(r, []), r);
    assert.equal(off.payload("4111111111111111"), "4111111111111111");
  });
  it("refuses a marker that would break idempotence", () => {
    for (const bad of ["", "x1", "a=b", "a b", "x".repeat(17)])
      assert.throws(() => createMasker({ marker: bad }));
    assert.equal(
      createMasker({ marker: "[hidden]" }).request(req({ target: "/?token=1" }), []).target,
      "/?token=[hidden]",
    );
  });
});

describe("createMasker: properties", () => {
  const name = fc.constantFrom(
    "password",
    "token",
    "q",
    "user",
    "Authorization",
    "Cookie",
    "X-Api-Key",
    "session",
    "Content-Type",
    "note",
  );
  const value = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom("4111 1111 1111 1111", "a=1; b=2", "Bearer x", "***"),
  );
  const ct = fc.constantFrom(
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=b",
    "text/plain",
  );
  const parts = fc.record({
    target: fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.tuple(name, value).map(([n, v]) => `/p?${n}=${v}&x=1`),
    ),
    headers: fc.array(
      fc.oneof(
        fc.tuple(name, value),
        ct.map((c): [string, string] => ["Content-Type", c]),
      ),
      { maxLength: 8 },
    ),
    body: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json().map(String),
      fc.tuple(name, value).map(([n, v]) => `${n}=${v}`),
    ),
  });
  const points = fc.array(
    fc.constantFrom(
      "query › password",
      "body › json › token",
      "header › cookie › a",
      "header › authorization",
      "request",
    ),
    { maxLength: 3 },
  );

  it("never throws and is idempotent", () => {
    fc.assert(
      fc.property(parts, points, (p, pts) => {
        const once = masker.request(p, pts);
        assert.deepEqual(masker.request(once, pts), once);
      }),
      { numRuns: 1000 },
    );
  });

  it("masks every Luhn-valid card in any part of the request", () => {
    const card = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 }).map((ds) => {
      const body = ds.join("");
      for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
      return body;
    });
    fc.assert(
      fc.property(
        card,
        fc.constantFrom("target", "header", "body"),
        fc.constantFrom("", " "),
        (c, where, sep) => {
          const text = sep === "" ? c : (c.match(/.{1,4}/g) ?? []).join(sep);
          const p = req({
            target: where === "target" ? `/x?v=${text}&y=1` : "/",
            headers: where === "header" ? [["X-Note", `n:${text}.`]] : [],
            body: where === "body" ? `{"note": "${text}", "n": ${c}}` : "",
          });
          const out = masker.request(p, []);
          const all = `${out.target}\n${out.headers.map(([n, v]) => `${n}:${v}`).join("\n")}\n${out.body}`;
          assert.ok(!all.includes(text) && !all.includes(c), all);
        },
      ),
      { numRuns: 500 },
    );
  });
});

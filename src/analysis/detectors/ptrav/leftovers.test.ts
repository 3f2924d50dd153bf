import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { findLeftover } from "./leftovers.js";
import { findDotSegment, findExtensionConfusion, findPathInfoScript } from "./path-tricks.js";

describe("ptrav leftovers: backups, dumps, web shells", () => {
  const sign = (p: string) => findLeftover(p)?.sign ?? null;

  it("flags backup and editor copies", () => {
    assert.equal(sign("/index.php~"), "backup-file");
    assert.equal(sign("/#x.php#"), "backup-file");
    assert.equal(sign("/cfg/app.ini.BAK"), "backup-file");
    assert.equal(sign("/a/settings.php.swp"), "backup-file");
    assert.equal(sign("/dump/users.sql"), "backup-file");
    assert.equal(sign("/x.sql.bz2"), "backup-file");
    assert.equal(sign("/db_backup_2023.tar.gz"), "backup-file");
    assert.equal(sign("/htdocs.rar"), "backup-file");
    assert.equal(sign("/backups/nightly.gz"), "backup-file");
    assert.equal(sign("/inc/db.php.bak2"), "backup-file");
    assert.equal(sign("/inc/db.php_old"), "backup-file");
    assert.equal(sign("/inc/.#db.php"), "backup-file");
  });

  it("flags leftovers and web shells", () => {
    assert.equal(sign("/error_log"), "leftover-file");
    assert.equal(sign("/keys/prod.pfx"), "leftover-file");
    assert.equal(sign("/c99_v2.php"), "webshell");
    assert.equal(sign("/up/WSO.PHP"), "webshell");
    assert.equal(sign("/shell.aspx"), "webshell");
    assert.equal(sign("/lib/CVS/Entries"), "leftover-file");
    assert.equal(sign("/docker-compose.yml"), "leftover-file");
    assert.equal(sign("/config/app.php.dist"), "backup-file");
  });

  it("leaves ordinary files and routes alone", () => {
    for (const p of [
      "/static/app.min.js",
      "/download/report.zip",
      "/api/v1/backup",
      "/backup",
      "/~bob/",
      "/releases/tool-2.0.tar.gz",
      "/alfa-romeo.php",
      "/c99-features.php",
      "/shellfish.php",
      "/wso2/carbon",
      "/images/c99.png",
      "/cmd/run",
      "/cvs/receipts",
      "/api/items.json",
      "/v1.2/x",
      "/lib/jquery-3.7.1.min.js",
      "/css/site.bold.css",
    ]) {
      assert.equal(findLeftover(p), null, p);
    }
  });
});

describe("ptrav path tricks", () => {
  it("finds a script extension hidden behind a separator", () => {
    const hit = (v: string, up = false) => findExtensionConfusion(v, up) !== null;
    assert.ok(hit("/a.php;.png"));
    assert.ok(hit("/a.asp;1.jpg"));
    assert.ok(hit("/a.php\u0000.jpg"));
    assert.ok(hit("/a.php%00.jpg"));
    assert.ok(hit("/a.PHP#.png"));
    assert.ok(hit("/a.aspx::$DATA"));
    assert.ok(hit("a.php.jpg", true));
    assert.ok(hit("a.php\u560a.png"));
    assert.ok(hit("a.php.", true));
    assert.ok(hit("a.asp . ", true));
    assert.ok(!hit("a.php."));
    assert.ok(!hit("Mr. Smith.", true));
    assert.ok(!hit("a.php.jpg"));
    assert.ok(!hit("/cart.jsp;jsessionid=ABC.node1"));
    assert.ok(!hit("/a.php?x=1.png"));
    assert.ok(!hit("/a.png;.php"));
    assert.ok(!hit("report.final.pdf", true));
  });

  it("finds images run as PHP through PATH_INFO", () => {
    assert.ok(findPathInfoScript("/uploads/me.jpg/x.php"));
    assert.ok(findPathInfoScript("/a/b.GIF/.php"));
    assert.equal(findPathInfoScript("/uploads/me.jpg"), null);
    assert.equal(findPathInfoScript("/img.jpg/view"), null);
    assert.equal(findPathInfoScript("/app.js/x.jsp"), null);
    assert.equal(findPathInfoScript("/v1.2/index.php"), null);
  });

  it("finds lone dot components", () => {
    assert.ok(findDotSegment("/./x"));
    assert.ok(findDotSegment("/x/."));
    assert.ok(findDotSegment("\\.\\x"));
    assert.ok(findDotSegment("/.;/admin"));
    assert.ok(findDotSegment("/.;jsessionid=1/x"));
    assert.equal(findDotSegment("/a;b=.c/d"), null);
    assert.equal(findDotSegment("/.well-known/x"), null);
    assert.equal(findDotSegment("/a.b/c"), null);
    assert.equal(findDotSegment("/x/.."), null);
  });

  it("never throws and stays bounded on random input", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom("/", ".", "php", ";", "%00", "bak", "~", "#", "::$DATA", "png"),
            fc.string({ maxLength: 5 }),
          ),
          {
            maxLength: 40,
          },
        ),
        fc.boolean(),
        (parts, up) => {
          const v = parts.join("");
          const t = Date.now();
          findLeftover(v);
          findExtensionConfusion(v, up);
          findDotSegment(v);
          findPathInfoScript(v);
          assert.ok(Date.now() - t < 1000);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

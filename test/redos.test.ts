/**
 * Every regular expression in src/ runs on attacker-written input, so none may backtrack
 * catastrophically. This test finds each regex literal and each `new RegExp("…")` with
 * the TypeScript parser and has `recheck` (automaton + fuzz checker) judge it. A RegExp
 * built from a non-literal must carry a `safe-regex:` comment saying why it is safe
 * (e.g. built from an escaped word list with no quantifier over alternatives).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkSync } from "recheck";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const srcDir = join(root, "src");

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "testdata" && e.name !== "node_modules") yield* tsFiles(p);
    } else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts")) yield p;
  }
}

interface Found {
  where: string;
  source: string;
  flags: string;
}

function collect(): { regexes: Found[]; dynamic: string[] } {
  const regexes: Found[] = [];
  const dynamic: string[] = [];
  for (const file of tsFiles(srcDir)) {
    const text = readFileSync(file, "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const where = (n: ts.Node) =>
      `${relative(root, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(n)) {
        const lit = n.text;
        const end = lit.lastIndexOf("/");
        regexes.push({ where: where(n), source: lit.slice(1, end), flags: lit.slice(end + 1) });
      } else if (
        (ts.isNewExpression(n) || ts.isCallExpression(n)) &&
        ts.isIdentifier(n.expression) &&
        n.expression.text === "RegExp"
      ) {
        const [a, f] = n.arguments ?? [];
        if (a !== undefined && ts.isStringLiteralLike(a) && (f === undefined || ts.isStringLiteralLike(f))) {
          regexes.push({ where: where(n), source: a.text, flags: f?.text ?? "" });
        } else {
          const before = text.slice(Math.max(0, n.getFullStart() - 400), n.getStart());
          if (!/safe-regex:/.test(before)) dynamic.push(where(n));
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { regexes, dynamic };
}

describe("regular expressions cannot backtrack catastrophically", () => {
  const { regexes, dynamic } = collect();
  it("finds the project's regexes", () => {
    assert.ok(regexes.length > 0);
  });
  it("every RegExp built at run time is justified with a safe-regex: comment", () => {
    assert.deepEqual(dynamic, []);
  });
  it(`all ${regexes.length} literal regexes are safe (recheck)`, () => {
    const bad: string[] = [];
    for (const r of regexes) {
      const res = checkSync(r.source, r.flags.replace(/[gy]/g, ""), { timeout: 30_000 });
      if (res.status !== "safe") {
        const why = res.status === "vulnerable" ? res.complexity.summary : res.status;
        bad.push(`${r.where} /${r.source}/${r.flags}: ${why}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

/**
 * Helpers for the configuration tests: a temp directory for config files (removed after
 * the test file), and the messages of a refused configuration.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { ConfigError } from "./errors.js";

/** A temp directory for this test file, and a writer of config files in it. */
export function configDir(prefix: string): { dir: string; file(name: string, text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** The lines of the ConfigError `fn` throws; fails the test when it does not throw one. */
export function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e.message.split("\n");
  }
  assert.fail("expected the configuration to be refused");
}

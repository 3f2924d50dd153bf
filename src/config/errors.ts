/** Where a setting's value came from, to point the operator at the right line or variable. */
export type Origin =
  | { readonly kind: "default" }
  | { readonly kind: "file"; readonly file: string; readonly line?: number; readonly col?: number }
  | { readonly kind: "env"; readonly name: string };

/** One problem with one setting. */
export interface ConfigIssue {
  /** Dotted path of the setting, e.g. `analysis.workers` (empty for the file as a whole). */
  readonly path: string;
  readonly origin: Origin;
  readonly message: string;
}

export function formatIssue(i: ConfigIssue): string {
  const setting = i.path === "" ? "" : `${i.path}: `;
  switch (i.origin.kind) {
    case "env":
      return `${i.origin.name} (${i.path}): ${i.message}`;
    case "file": {
      const at = i.origin.line !== undefined ? `:${i.origin.line}:${i.origin.col ?? 1}` : "";
      return `${i.origin.file}${at}: ${setting}${i.message}`;
    }
    default:
      return `${setting}${i.message}`;
  }
}

/** The configuration cannot be used; `issues` lists every problem found, not just the first. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ConfigError";
  }
}

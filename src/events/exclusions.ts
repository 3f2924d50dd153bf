/**
 * Exclusion rules: hits an operator has judged to be false positives for their
 * application (a rich-text field that legitimately carries `<iframe>` embeds, an admin
 * form that edits SQL), dropped before they are grouped and stored. Each rule names any
 * of: attack types, signature ids, point names, hosts, paths, methods, client networks;
 * a hit matches a rule when it matches every field the rule sets (each field: any of its
 * entries). Globs (`*`, `?`) for signatures, points, hosts and paths. Excluded hits are
 * counted (`hitsExcluded`), never silently lost.
 */
import { normalizeIp } from "../capture/http-mirror/ip.js";
import { TrustedNetworks } from "../capture/http-mirror/trusted.js";
import type { AttackType, Hit } from "../model/index.js";
import { POINT_SEPARATOR } from "../model/index.js";
import { globMatch } from "./glob.js";

/** One rule as configured (config `events.exclusions`); at least one field besides `name`. */
export interface ExclusionRule {
  /** Shown in logs and `config print`; no effect on matching. */
  readonly name?: string;
  readonly types?: readonly AttackType[];
  /** Signature ids or globs (`xss.tag-iframe`, `xss.tag-*`). */
  readonly signatures?: readonly string[];
  /** Point names or globs; `>` may stand for the ` › ` separator (`body > json > content`). */
  readonly points?: readonly string[];
  /** Host globs, compared in lower case (`*.example.com`). */
  readonly hosts?: readonly string[];
  /** Path globs (`/api/posts/*`), without the query string. */
  readonly paths?: readonly string[];
  /** Methods, compared in upper case. */
  readonly methods?: readonly string[];
  /** Client addresses or CIDRs, or loopback/private/linklocal. */
  readonly sources?: readonly string[];
}

/** What a hit is judged against besides itself: its exchange's facts. */
export interface ExclusionContext {
  readonly host: string;
  readonly path: string;
  readonly method: string;
  readonly clientIp: string;
}

interface Compiled {
  readonly types: ReadonlySet<string> | undefined;
  readonly signatures: readonly string[] | undefined;
  readonly points: readonly string[] | undefined;
  readonly hosts: readonly string[] | undefined;
  readonly paths: readonly string[] | undefined;
  readonly methods: ReadonlySet<string> | undefined;
  readonly sources: TrustedNetworks | undefined;
}

/** `body > json > content` → `body › json › content` (the separator is hard to type). */
export function normalizePointGlob(g: string): string {
  return g
    .replaceAll("›", ">")
    .split(">")
    .map((s) => s.trim())
    .join(POINT_SEPARATOR);
}

const some = <T>(l: readonly T[] | undefined): readonly T[] | undefined =>
  l === undefined || l.length === 0 ? undefined : l;

/** True when a rule sets no field that matching reads (it would exclude every hit). */
export function isEmptyRule(r: ExclusionRule): boolean {
  return (
    some(r.types) === undefined &&
    some(r.signatures) === undefined &&
    some(r.points) === undefined &&
    some(r.hosts) === undefined &&
    some(r.paths) === undefined &&
    some(r.methods) === undefined &&
    some(r.sources) === undefined
  );
}

export class Exclusions {
  readonly #rules: readonly Compiled[];
  /** Each rule's name (`rule N` when it has none), for metrics and logs. */
  readonly names: readonly string[];

  /** Throws on a rule without any field, or on a source it cannot read (config errors). */
  constructor(rules: readonly ExclusionRule[]) {
    this.#rules = rules.map((r, i) => {
      if (isEmptyRule(r))
        throw new Error(`exclusion rule ${i + 1} sets no field: it would exclude every hit`);
      const types = some(r.types);
      const methods = some(r.methods);
      const sources = some(r.sources);
      return {
        types: types === undefined ? undefined : new Set(types),
        signatures: some(r.signatures),
        points: some(r.points)?.map(normalizePointGlob),
        hosts: some(r.hosts)?.map((h) => h.toLowerCase()),
        paths: some(r.paths),
        methods: methods === undefined ? undefined : new Set(methods.map((m) => m.toUpperCase())),
        sources: sources === undefined ? undefined : new TrustedNetworks(sources),
      };
    });
    this.names = rules.map((r, i) => r.name ?? `rule ${i + 1}`);
  }

  get size(): number {
    return this.#rules.length;
  }

  /** The index of the first rule that excludes `hit` seen in an exchange with these facts, or -1. */
  ruleFor(hit: Hit, ctx: ExclusionContext): number {
    const rules = this.#rules;
    for (let i = 0; i < rules.length; i++) if (matches(rules[i]!, hit, ctx)) return i;
    return -1;
  }
}

function anyGlob(globs: readonly string[] | undefined, s: string): boolean {
  if (globs === undefined) return true;
  for (const g of globs) if (globMatch(g, s)) return true;
  return false;
}

function matches(r: Compiled, hit: Hit, ctx: ExclusionContext): boolean {
  if (r.types !== undefined && !r.types.has(hit.type)) return false;
  if (r.methods !== undefined && !r.methods.has(ctx.method.toUpperCase())) return false;
  if (!anyGlob(r.signatures, hit.signature)) return false;
  if (!anyGlob(r.points, hit.point)) return false;
  if (!anyGlob(r.hosts, ctx.host)) return false;
  if (!anyGlob(r.paths, ctx.path)) return false;
  if (r.sources !== undefined) {
    const ip = normalizeIp(ctx.clientIp);
    if (ip === null || !r.sources.has(ip.text, ip.family)) return false;
  }
  return true;
}

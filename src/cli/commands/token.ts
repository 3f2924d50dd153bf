import { parseArgs } from "node:util";
import type { Role, TokenRecord } from "../../model/index.js";
import { NODE_PARTS, type NodeParts, openNodeStore } from "../../pipeline/index.js";
import type { Store } from "../../store/types.js";
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from "../errors.js";
import type { Io } from "../io.js";
import { loadCliConfig, parseOrUsage } from "../node-config.js";
import type { Command } from "./types.js";

const ROLES: readonly Role[] = ["admin", "analyst", "viewer"];

const HELP = `Usage: mirrorwatch token create --name NAME [--role admin|analyst|viewer]
       mirrorwatch token list [--json]
       mirrorwatch token revoke ID

API tokens for the REST API (send as "Authorization: Bearer TOKEN"). They are stored
hashed in the node's data directory: a new token is printed once, on stdout alone (so
that \`TOKEN=$(mirrorwatch token create --name ci)\` works); details go to stderr.
The node need not be stopped.

  create   new token; --role defaults to viewer (reads hits, attacks, stats); admin
           may also manage tokens over the API; analyst sits between the two
  list     every token: id, name, role, created, last used, revoked
  revoke   revoke a token by id (it stops working at once)

Options:
  -n, --name NAME      a name for the token (who or what uses it), 1–64 characters
  -r, --role ROLE      admin, analyst or viewer (default viewer)
  -c, --config FILE    config file, for the data directory (default: $MIRRORWATCH_CONFIG)
      --json           list as JSON
  -h, --help           show this help

The data directory comes from the config and MIRRORWATCH_DATA_DIR, as for \`serve\`.`;

/** The parts this command uses; replaced in tests. */
export interface TokenDeps {
  readonly parts: Pick<NodeParts, "openStore" | "createToken">;
  readonly now: () => number;
  /** The environment settings come from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const DEFAULT_DEPS: TokenDeps = { parts: NODE_PARTS, now: Date.now };

export function tokenCommandWith(deps: TokenDeps): Command {
  return {
    name: "token",
    summary: "create, list and revoke API tokens",
    help: HELP,
    run: (a, io) => runToken(a, io, deps),
  };
}

export const tokenCommand: Command = tokenCommandWith(DEFAULT_DEPS);

async function runToken(args: readonly string[], io: Io, deps: TokenDeps): Promise<number> {
  const { values, positionals } = parseOrUsage("token", () =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: "string", short: "n" },
        role: { type: "string", short: "r" },
        config: { type: "string", short: "c" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return EXIT_OK;
  }
  const [sub, ...rest] = positionals;
  if (sub === undefined) throw new UsageError("token needs a subcommand: create, list or revoke", "token");
  if (!["create", "list", "revoke"].includes(sub)) {
    throw new UsageError(`unknown token subcommand "${sub}" (create, list, revoke)`, "token");
  }
  let role: Role = "viewer";
  if (sub === "create") {
    if (values.name === undefined) throw new UsageError("token create needs --name NAME", "token");
    if (values.role !== undefined) {
      if (!(ROLES as readonly string[]).includes(values.role)) {
        throw new UsageError(`--role must be admin, analyst or viewer, not "${values.role}"`, "token");
      }
      role = values.role as Role;
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, "token");
  }
  if (sub === "revoke" && rest.length !== 1) throw new UsageError("token revoke needs one token ID", "token");
  if (sub === "list" && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, "token");

  const { config, warnings } = loadCliConfig({
    ...(values.config !== undefined ? { file: values.config } : {}),
    ...(deps.env !== undefined ? { env: deps.env } : {}),
  });
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  const warn = {
    warn: (o: unknown, msg?: string) => io.stderr.write(`warning: ${msg ?? String(o)}\n`),
  } as Parameters<typeof openNodeStore>[1];
  let store: Store;
  try {
    store = await openNodeStore(config, warn, deps.parts);
  } catch (e) {
    throw new CliError(`cannot open the store at ${config.store.path}: ${(e as Error).message}`);
  }
  try {
    if (sub === "create") return await create(store, values.name!, role, io, deps);
    if (sub === "list") return await list(store, values.json === true, io);
    return await revoke(store, rest[0]!, io, deps);
  } finally {
    await store.close().catch(() => {});
  }
}

async function create(store: Store, name: string, role: Role, io: Io, deps: TokenDeps): Promise<number> {
  let created: { token: string; record: TokenRecord };
  try {
    created = await deps.parts.createToken(store, { name, role, now: deps.now() });
  } catch (e) {
    const msg = (e as Error).message;
    if (/invalid token name/i.test(msg)) throw new UsageError(msg, "token");
    throw new CliError(`cannot create the token: ${msg}`);
  }
  io.stdout.write(`${created.token}\n`);
  io.stderr.write(
    `created token ${created.record.id} "${printable(name)}" (${role}); it is shown only this once, keep it now\n`,
  );
  return EXIT_OK;
}

async function list(store: Store, json: boolean, io: Io): Promise<number> {
  const tokens = await store.tokens();
  if (json) {
    // Never the hash: it is not a secret in itself, but nobody needs it.
    const out = tokens.map(({ hash: _h, ...t }) => t);
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT_OK;
  }
  if (tokens.length === 0) {
    io.stderr.write("no tokens yet (mirrorwatch token create --name NAME)\n");
    return EXIT_OK;
  }
  const rows = [
    ["ID", "NAME", "ROLE", "CREATED", "LAST USED", "STATUS"],
    ...tokens.map((t) => [
      t.id,
      printable(t.name),
      t.role,
      iso(t.createdAt),
      t.lastUsedAt !== undefined ? iso(t.lastUsedAt) : "never",
      t.revokedAt !== undefined ? `revoked ${iso(t.revokedAt)}` : "active",
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    io.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd()}\n`,
    );
  return EXIT_OK;
}

async function revoke(store: Store, id: string, io: Io, deps: TokenDeps): Promise<number> {
  const ok = await store.revokeToken(id, deps.now());
  if (!ok) {
    io.stderr.write(`mirrorwatch: error: no active token with id ${printable(id)}\n`);
    return EXIT_FAILURE;
  }
  io.stderr.write(`revoked token ${printable(id)}\n`);
  return EXIT_OK;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Names are operator-written, but a terminal still gets no control characters. */
function printable(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}

import { ANOMALY_CODES, ATTACK_TYPES } from "../model/index.js";
import { ERROR_STATUS } from "./errors.js";
import { ROLES, TOKEN_NAME_MAX } from "./tokens.js";

/**
 * JSON Schemas of the API: inputs (validated by Ajv before a handler runs) and outputs
 * (used by the serializer, which drops anything not listed, and by the OpenAPI
 * document). Shared shapes are registered once with an `$id` and referenced as `Name#`.
 */

/** A printable-ASCII, non-space token: ids and cursors are opaque but never need more. */
const OPAQUE = "^[\\x21-\\x7e]+$";

const time = {
  type: "string",
  maxLength: 40,
  format: "mw-time",
} as const;

/** Filters shared by hits, attacks and stats (all optional, ANDed). */
export const filterProperties = {
  from: {
    ...time,
    description: "Only at or after this time: epoch ms, ISO 8601 date or date-time with a zone.",
  },
  to: { ...time, description: "Only before this time: epoch ms, ISO 8601 date or date-time with a zone." },
  type: {
    type: "array",
    maxItems: ATTACK_TYPES.length,
    items: { type: "string", maxLength: 400, format: "mw-attack-types" },
    description: `Attack types, repeated (type=sqli&type=xss) or comma-separated: ${ATTACK_TYPES.join(", ")}.`,
  },
  source: {
    type: "string",
    maxLength: 64,
    format: "mw-ip-or-cidr",
    description: "Client IP address or CIDR block (v4 or v6).",
  },
  host: { type: "string", minLength: 1, maxLength: 255, description: "Host, exactly." },
  path: {
    type: "string",
    minLength: 1,
    maxLength: 2048,
    description: "Glob over the path without the query: `*` any run of characters, `?` one character.",
  },
  method: {
    type: "string",
    pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$",
    description: "HTTP method, exactly (methods are case-sensitive, RFC 9110 §9.1).",
  },
  point: {
    type: "string",
    minLength: 1,
    maxLength: 512,
    description: "Point name, exactly (`query › id`), or a prefix ending in ` › *` (`body › json › *`).",
  },
  status: { type: "integer", minimum: 100, maximum: 599, description: "Response status, when it was seen." },
  vni: {
    type: "integer",
    minimum: 0,
    maximum: 16_777_215,
    description:
      "Packet path: the VXLAN or GENEVE network identifier (VNI) the request arrived in, e.g. one mirrored VPC.",
  },
} as const;

export const pageProperties = {
  limit: { type: "integer", minimum: 1, maximum: 500, default: 50, description: "Page size (1–500)." },
  cursor: {
    type: "string",
    minLength: 1,
    maxLength: 256,
    pattern: OPAQUE,
    description: "The `next` value of the previous page.",
  },
} as const;

const idString = { type: "string", minLength: 1, maxLength: 128, pattern: OPAQUE } as const;

export const hitsQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    ...filterProperties,
    attack: { ...idString, description: "Only the hits of this attack." },
    ...pageProperties,
  },
} as const;

export const attacksQuery = {
  type: "object",
  additionalProperties: false,
  properties: { ...filterProperties, ...pageProperties },
} as const;

export const attackDetailQuery = {
  type: "object",
  additionalProperties: false,
  properties: { limit: pageProperties.limit },
} as const;

export const statsQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    ...filterProperties,
    from: {
      ...filterProperties.from,
      description: `${filterProperties.from.description} Default: 24 h before 'to'.`,
    },
    to: { ...filterProperties.to, description: `${filterProperties.to.description} Default: now.` },
    bucket: {
      type: "string",
      maxLength: 16,
      format: "mw-duration",
      default: "1h",
      description:
        "Width of the time buckets of the series: 90s, 5m, 1h, 1d or milliseconds (at least 1 minute).",
    },
    top: {
      type: "integer",
      minimum: 1,
      maximum: 100,
      default: 10,
      description: "How many top sources and targets.",
    },
  },
} as const;

export const idParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: idString },
} as const;

export const emptyQuery = { type: "object", additionalProperties: false, properties: {} } as const;

export const createTokenBody = {
  type: "object",
  required: ["name"],
  additionalProperties: false,
  properties: {
    name: {
      type: "string",
      minLength: 1,
      maxLength: TOKEN_NAME_MAX,
      description: "A label for people: who or what uses the token.",
    },
    role: { type: "string", enum: ROLES, default: "viewer" },
  },
} as const;

/* ---------- Output shapes, registered with app.addSchema ---------- */

const isoTime = { type: "string", format: "date-time" } as const;
const attackType = { type: "string", enum: ATTACK_TYPES } as const;

export const SHARED_SCHEMAS = [
  {
    $id: "Error",
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: { type: "string", enum: Object.keys(ERROR_STATUS) },
          message: { type: "string" },
          details: {
            type: "array",
            items: {
              type: "object",
              required: ["in", "message"],
              properties: { in: { type: "string" }, field: { type: "string" }, message: { type: "string" } },
            },
          },
        },
      },
    },
  },
  {
    $id: "Hit",
    type: "object",
    description: "A detector firing on one point of one request.",
    required: [
      "id",
      "attackId",
      "requestId",
      "ts",
      "time",
      "type",
      "point",
      "payload",
      "signature",
      "clientIp",
      "host",
      "method",
      "path",
      "pathTemplate",
    ],
    properties: {
      id: { type: "string" },
      attackId: { type: "string" },
      requestId: { type: "string" },
      ts: { type: "integer", description: "Epoch milliseconds." },
      time: isoTime,
      type: attackType,
      point: { type: "string", description: "Where the value came from, e.g. `body › json › user › name`." },
      payload: { type: "string" },
      signature: { type: "string" },
      clientIp: { type: "string" },
      host: { type: "string" },
      method: { type: "string" },
      path: { type: "string", description: "The path without the query string." },
      pathTemplate: { type: "string" },
      status: { type: "integer", description: "Response status, when the source saw the response." },
      responseBytes: {
        type: "integer",
        description: "Response body bytes as on the wire (before Content-Encoding was undone), when seen.",
      },
      responseMs: {
        type: "number",
        description: "Milliseconds from the request to the complete response (packet path), when seen.",
      },
      vni: { type: "integer", description: "Packet path: the innermost VXLAN/GENEVE network identifier." },
      vlan: { type: "integer", description: "Packet path: the innermost 802.1Q VLAN id." },
    },
  },
  {
    $id: "Attack",
    type: "object",
    description: "Hits grouped by type, point, host and path template.",
    required: [
      "id",
      "type",
      "point",
      "host",
      "pathTemplate",
      "firstSeen",
      "lastSeen",
      "firstSeenTime",
      "lastSeenTime",
      "hitCount",
      "storedHits",
      "sourceCount",
      "lastSignature",
      "lastClientIp",
    ],
    properties: {
      id: { type: "string" },
      type: attackType,
      point: { type: "string" },
      host: { type: "string" },
      pathTemplate: { type: "string" },
      firstSeen: { type: "integer", description: "Epoch milliseconds." },
      lastSeen: { type: "integer", description: "Epoch milliseconds." },
      firstSeenTime: isoTime,
      lastSeenTime: isoTime,
      hitCount: { type: "integer", description: "Every hit seen, including those counted but not stored." },
      storedHits: { type: "integer" },
      sourceCount: { type: "integer" },
      lastSignature: { type: "string" },
      lastClientIp: { type: "string" },
    },
  },
  {
    $id: "StoredRequest",
    type: "object",
    description: "The request behind stored hits, with sensitive values masked.",
    required: [
      "id",
      "ts",
      "time",
      "method",
      "target",
      "httpVersion",
      "headers",
      "body",
      "bodyTruncated",
      "clientIp",
      "scheme",
      "host",
      "source",
      "anomalies",
    ],
    properties: {
      id: { type: "string" },
      ts: { type: "integer" },
      time: isoTime,
      method: { type: "string" },
      target: { type: "string" },
      httpVersion: { type: "string" },
      headers: {
        type: "array",
        description: "Headers in wire order, each as [name, value].",
        items: { type: "array", items: { type: "string" }, minItems: 2, maxItems: 2 },
      },
      body: { type: "string" },
      bodyTruncated: { type: "boolean" },
      clientIp: { type: "string" },
      clientPort: { type: "integer" },
      serverIp: { type: "string" },
      serverPort: { type: "integer" },
      scheme: { type: "string" },
      host: { type: "string" },
      sourceRequestId: { type: "string" },
      source: { type: "string" },
      anomalies: {
        type: "array",
        items: {
          type: "object",
          required: ["code"],
          properties: {
            code: { type: "string", enum: ANOMALY_CODES },
            point: { type: "string" },
            detail: { type: "string" },
          },
        },
      },
      status: { type: "integer", description: "Response status, when the source saw the response." },
      responseBytes: {
        type: "integer",
        description: "Response body bytes as on the wire (before Content-Encoding was undone), when seen.",
      },
      responseMs: {
        type: "number",
        description: "Milliseconds from the request to the complete response (packet path), when seen.",
      },
      vni: { type: "integer", description: "Packet path: the innermost VXLAN/GENEVE network identifier." },
      vlan: { type: "integer", description: "Packet path: the innermost 802.1Q VLAN id." },
      tunnel: {
        type: "string",
        description:
          "Packet path: every encapsulation crossed, outermost first, e.g. `geneve:0 vxlan:42 vlan:10`.",
      },
    },
  },
  {
    $id: "Token",
    type: "object",
    description: "An API token, without its secret or hash.",
    required: ["id", "name", "role", "createdAt"],
    properties: {
      id: { type: "string" },
      name: { type: "string" },
      role: { type: "string", enum: ROLES },
      createdAt: isoTime,
      lastUsedAt: isoTime,
      revokedAt: isoTime,
    },
  },
] as const;

const byType = {
  type: "object",
  additionalProperties: { type: "integer" },
  description: "Counts by attack type.",
} as const;

export const hitPage = {
  type: "object",
  description: "A page of hits, newest first.",
  required: ["items"],
  properties: {
    items: { type: "array", items: { $ref: "Hit#" } },
    next: { type: "string", description: "Cursor of the next page; absent on the last one." },
  },
} as const;

export const attackPage = {
  type: "object",
  description: "A page of attacks, most recent first.",
  required: ["items"],
  properties: {
    items: { type: "array", items: { $ref: "Attack#" } },
    next: { type: "string", description: "Cursor of the next page; absent on the last one." },
  },
} as const;

export const attackDetail = {
  type: "object",
  description: "The attack, its newest hits and the stored request of the latest one.",
  required: ["attack", "hits"],
  properties: {
    attack: { $ref: "Attack#" },
    hits: {
      ...hitPage,
      description: "The newest hits; page on with /api/v1/hits?attack=ID&cursor=NEXT.",
    },
    request: { $ref: "StoredRequest#" },
  },
} as const;

export const statsReply = {
  type: "object",
  description: "Counts over the time range: every hit, stored in full or only counted by sampling.",
  required: ["from", "to", "bucketMs", "total", "byType", "series", "topSources", "topTargets"],
  properties: {
    from: isoTime,
    to: isoTime,
    bucketMs: { type: "integer" },
    total: { type: "integer" },
    byType,
    series: {
      type: "array",
      items: {
        type: "object",
        required: ["ts", "time", "byType"],
        properties: { ts: { type: "integer" }, time: isoTime, byType },
      },
    },
    topSources: {
      type: "array",
      items: {
        type: "object",
        required: ["ip", "hits"],
        properties: { ip: { type: "string" }, hits: { type: "integer" } },
      },
    },
    topTargets: {
      type: "array",
      items: {
        type: "object",
        required: ["host", "path", "hits"],
        properties: { host: { type: "string" }, path: { type: "string" }, hits: { type: "integer" } },
      },
    },
  },
} as const;

export const tokenList = {
  type: "object",
  description: "Every token, revoked ones included.",
  required: ["items"],
  properties: { items: { type: "array", items: { $ref: "Token#" } } },
} as const;

export const tokenCreated = {
  type: "object",
  description: "The new token: the secret is shown once.",
  required: ["token", "id", "name", "role", "createdAt"],
  properties: {
    token: { type: "string", description: "The secret: shown this once, never again." },
    id: { type: "string" },
    name: { type: "string" },
    role: { type: "string", enum: ROLES },
    createdAt: isoTime,
  },
} as const;

export const healthReply = {
  type: "object",
  description: "Probe status.",
  required: ["status"],
  properties: { status: { type: "string" } },
} as const;

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = {
  400: { description: "Invalid request.", $ref: "Error#" },
  401: { description: "Missing, unknown or revoked token.", $ref: "Error#" },
  403: { description: "The token's role may not do this.", $ref: "Error#" },
  500: { description: "Internal error.", $ref: "Error#" },
} as const;

export const notFound = { description: "Not found.", $ref: "Error#" } as const;

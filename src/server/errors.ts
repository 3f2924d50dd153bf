import { FORMAT_HINTS } from "./formats.js";

/**
 * The API's one catalogue of coded errors (ARCHITECTURE.md principle 9). Every error a
 * client can see has a code from this list, and the code alone decides the HTTP status:
 * the mapping lives here and nowhere else. Error bodies never carry stack traces or
 * internal messages; those go to the log.
 */

export const ERROR_STATUS = {
  /** The request is malformed: a query parameter, path parameter or body fails validation. */
  invalid_request: 400,
  /** The request body is not valid JSON. */
  bad_json: 400,
  /** A pagination cursor that the store does not recognise. */
  bad_cursor: 400,
  /** A filter the store refuses (a CIDR, glob or bucket past its bounds). */
  invalid_filter: 400,
  /** A write that conflicts with what is stored (e.g. a token name taken). */
  conflict: 409,
  /** No token, an unknown token or a revoked one. */
  unauthorized: 401,
  /** A valid token whose role may not do this. */
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** The node is up but cannot serve (store down, shutting down). */
  unavailable: 503,
  internal: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem with one input, for `invalid_request`. */
export interface ErrorDetail {
  /** Where: `querystring`, `params`, `body` or `headers`. */
  readonly in: string;
  /** The parameter (or JSON pointer into the body), when known. */
  readonly field?: string;
  readonly message: string;
}

/** An error meant for the client: its message is safe to show. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: readonly ErrorDetail[],
  ) {
    super(message);
    this.name = "ApiError";
    this.status = ERROR_STATUS[code];
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly details?: readonly ErrorDetail[];
  };
}

export function errorBody(e: ApiError): ErrorBody {
  return {
    error:
      e.details === undefined || e.details.length === 0
        ? { code: e.code, message: e.message }
        : { code: e.code, message: e.message, details: e.details },
  };
}

/** Fastify's own error codes for client mistakes, mapped onto the catalogue. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_request",
  FST_ERR_CTP_EMPTY_JSON_BODY: "bad_json",
  FST_ERR_CTP_INVALID_JSON_BODY: "bad_json",
  FST_ERR_BAD_URL: "invalid_request",
  FST_ERR_ASYNC_CONSTRAINT: "invalid_request",
};

const STATUS_CODES_4XX: Readonly<Record<number, ErrorCode>> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** Messages safe to show for the Fastify codes above (theirs may quote internals). */
const FASTIFY_MESSAGES: Readonly<Partial<Record<ErrorCode, string>>> = {
  payload_too_large: "request body too large",
  unsupported_media_type: "unsupported content type (send application/json)",
  bad_json: "request body is not valid JSON",
  invalid_request: "malformed request",
  unauthorized: "authentication required",
  forbidden: "not allowed for this token's role",
  not_found: "not found",
  method_not_allowed: "method not allowed",
};

interface AjvIssue {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

interface FastifyLikeError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly validation?: readonly AjvIssue[];
  readonly validationContext?: string;
}

/** Turns Ajv issues into short, parameter-named messages. */
function validationDetails(where: string, issues: readonly AjvIssue[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const v of issues.slice(0, 20)) {
    const pointer = v.instancePath ?? "";
    // Query and path parameters are one level deep: name them without the JSON pointer slash.
    const field = where === "body" ? pointer || undefined : pointer.split("/")[1] || undefined;
    if (v.keyword === "additionalProperties" && typeof v.params?.additionalProperty === "string") {
      const name = v.params.additionalProperty;
      out.push({ in: where, field: name, message: `unknown parameter '${name}'` });
      continue;
    }
    if (v.keyword === "required" && typeof v.params?.missingProperty === "string") {
      const name = v.params.missingProperty;
      out.push({ in: where, field: name, message: `'${name}' is required` });
      continue;
    }
    const hint =
      v.keyword === "format" && typeof v.params?.format === "string"
        ? FORMAT_HINTS[v.params.format]
        : undefined;
    const message = `${field === undefined ? where : `'${field}'`} ${hint ?? v.message ?? "is invalid"}`;
    out.push(field === undefined ? { in: where, message } : { in: where, field, message });
  }
  return out;
}

/**
 * Maps anything thrown while serving a request onto the catalogue. Errors that are not
 * ApiErrors or recognised client mistakes become `internal` with a fixed message; the
 * caller logs the original.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (typeof err !== "object" || err === null) return new ApiError("internal", "internal error");
  const e = err as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? "request";
    const details = validationDetails(where, e.validation);
    return new ApiError("invalid_request", details[0]?.message ?? "invalid request", details);
  }
  if (typeof e.code === "string") {
    const mapped = FASTIFY_CODES[e.code];
    if (mapped !== undefined) return new ApiError(mapped, FASTIFY_MESSAGES[mapped] ?? "invalid request");
    // The store's side of the contract: a cursor it cannot decode is rejected with code
    // "bad_cursor"; a store that cannot answer for now (closed, busy, unreachable) with
    // code "unavailable".
    if (e.code === "bad_cursor") return new ApiError("bad_cursor", "unknown or malformed cursor");
    if (e.code === "invalid_filter")
      return new ApiError("invalid_filter", "the filter is outside the store's bounds");
    if (e.code === "conflict") return new ApiError("conflict", "conflicts with a stored record");
    if (e.code === "unavailable")
      return new ApiError("unavailable", "the store is unavailable, try again later");
  }
  // Other client errors raised by Fastify or its parsers: keep the class, not the message.
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    const byStatus = STATUS_CODES_4XX[e.statusCode] ?? "invalid_request";
    return new ApiError(byStatus, FASTIFY_MESSAGES[byStatus] ?? "invalid request");
  }
  return new ApiError("internal", "internal error");
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError, ERROR_STATUS, errorBody, toApiError } from "./errors.js";

describe("error catalogue", () => {
  it("maps every code to a 4xx or 5xx status", () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      assert.ok(status >= 400 && status < 600, code);
      assert.equal(new ApiError(code as keyof typeof ERROR_STATUS, "m").status, status);
    }
  });

  it("hides unknown errors behind 'internal'", () => {
    for (const e of [
      new Error("SQLITE_CORRUPT /secret"),
      "string",
      null,
      42,
      { message: "x", statusCode: 500 },
    ]) {
      const mapped = toApiError(e);
      assert.equal(mapped.code, "internal");
      assert.deepEqual(errorBody(mapped), { error: { code: "internal", message: "internal error" } });
    }
  });

  it("maps Fastify client errors and validation issues", () => {
    assert.equal(
      toApiError({ code: "FST_ERR_CTP_BODY_TOO_LARGE", statusCode: 413 }).code,
      "payload_too_large",
    );
    assert.equal(
      toApiError({ code: "FST_ERR_CTP_INVALID_MEDIA_TYPE", statusCode: 415 }).code,
      "unsupported_media_type",
    );
    assert.equal(
      toApiError({ code: "FST_ERR_SOMETHING_NEW", statusCode: 400, message: "internal detail" }).message,
      "malformed request",
    );
    assert.equal(toApiError({ code: "bad_cursor" }).status, 400);
    assert.equal(toApiError({ code: "invalid_filter" }).status, 400);
    assert.equal(toApiError({ code: "conflict" }).status, 409);
    assert.equal(toApiError({ code: "invalid_record" }).status, 500);
    assert.equal(toApiError(Object.assign(new Error("SQLITE_BUSY"), { code: "unavailable" })).status, 503);
    const v = toApiError({
      validation: [
        { instancePath: "/limit", keyword: "maximum", message: "must be <= 500", params: {} },
        { instancePath: "", keyword: "additionalProperties", params: { additionalProperty: "tpye" } },
        {
          instancePath: "/from",
          keyword: "format",
          message: 'must match format "mw-time"',
          params: { format: "mw-time" },
        },
        { instancePath: "/type/1", keyword: "format", params: { format: "mw-attack-types" } },
      ],
      validationContext: "querystring",
    });
    assert.equal(v.code, "invalid_request");
    assert.equal(v.message, "'limit' must be <= 500");
    assert.deepEqual(
      v.details?.map((d) => d.field),
      ["limit", "tpye", "from", "type"],
    );
    assert.equal(v.details?.[1]?.message, "unknown parameter 'tpye'");
    assert.match(v.details?.[2]?.message ?? "", /epoch milliseconds or an ISO 8601/);
  });
});

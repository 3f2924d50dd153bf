import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isFilenameHeader } from "./upload.js";

describe("rce isFilenameHeader", () => {
  it("knows the upload file-name headers, whatever their separators", () => {
    for (const h of [
      "x-filename",
      "x_file_name",
      "x.file.name",
      "x-upload-filename",
      "filename",
      "x-file",
      "-x-file",
    ])
      assert.equal(isFilenameHeader(h), true, h);
  });
  it("rejects other headers, near misses included", () => {
    for (const h of [
      undefined,
      "",
      "x",
      "file",
      "x-files",
      "x-file-namex",
      "x-forwarded-for",
      "x-request-id",
      "referer",
    ])
      assert.equal(isFilenameHeader(h), false, String(h));
  });
});

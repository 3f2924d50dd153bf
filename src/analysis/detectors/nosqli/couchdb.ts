import type { Hit, HttpRequest } from "../../../model/index.js";

/**
 * CouchDB privilege escalation (CVE-2017-12635): a `_users` document with `"roles"` twice.
 * CouchDB's Erlang JSON parser kept the first `"roles": ["_admin"]` while the JavaScript
 * validation saw the last, empty one. JSON.parse keeps only the last value, so the body
 * text is read directly. A user document asking for `_admin` by path is the same attempt.
 */

function bodyText(body: Uint8Array | string): string {
  if (typeof body === "string") return body;
  if (body.length === 0) return "";
  const b = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 1 << 20));
  // Cheap native byte search first: almost no body mentions `_admin`.
  if (b.indexOf("_admin") === -1) return "";
  return b.toString("utf8");
}

export function couchdbAdminRole(req: HttpRequest): Hit | null {
  if (req.body.length === 0) return null;
  const text = bodyText(req.body);
  const adm = text.indexOf('"_admin"');
  if (adm === -1) return null;
  const first = text.indexOf('"roles"');
  if (first === -1) return null;
  const twice = text.indexOf('"roles"', first + 7) !== -1;
  if (!twice && req.target.indexOf("_users") === -1) return null;
  const from = Math.max(0, first - 40);
  return {
    type: "nosqli",
    point: "body",
    payload: text.slice(from, from + 160),
    signature: "nosqli.couchdb-admin-role",
  };
}

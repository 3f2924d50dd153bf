import type { DetectorMatch } from "../types.js";

/**
 * MongoDB shell / server-side JavaScript calls on the `db` object (mongosh API):
 * `db.users.find(`, `db.getCollection(`, `db.injection.insert(`. They appear in `$where`
 * and mapReduce payloads that pivot to other collections.
 */

const DB_METHODS: ReadonlySet<string> = new Set([
  "getCollection",
  "getCollectionNames",
  "getCollectionInfos",
  "getName",
  "getSiblingDB",
  "getMongo",
  "getUsers",
  "runCommand",
  "adminCommand",
  "eval",
  "dropDatabase",
  "createCollection",
  "createUser",
  "auth",
  "version",
  "stats",
  "serverStatus",
]);

const COLLECTION_METHODS: ReadonlySet<string> = new Set([
  "find",
  "findOne",
  "findAndModify",
  "findOneAndUpdate",
  "findOneAndDelete",
  "insert",
  "insertOne",
  "insertMany",
  "update",
  "updateOne",
  "updateMany",
  "replaceOne",
  "remove",
  "deleteOne",
  "deleteMany",
  "drop",
  "aggregate",
  "mapReduce",
  "count",
  "countDocuments",
  "distinct",
  "save",
  "renameCollection",
]);

function isIdent(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

function identEnd(v: string, i: number): number {
  let j = i;
  const lim = Math.min(v.length, i + 64);
  while (j < lim && isIdent(v.charCodeAt(j))) j++;
  return j;
}

function skipSpaces(v: string, i: number): number {
  let j = i;
  while (j < v.length && j - i < 4 && (v.charCodeAt(j) === 32 || v.charCodeAt(j) === 9)) j++;
  return j;
}

export function findShellCall(v: string): DetectorMatch | null {
  let i = v.indexOf("db.");
  for (let g = 0; i !== -1 && g < 64; g++) {
    if (i === 0 || !isIdent(v.charCodeAt(i - 1))) {
      const a = i + 3;
      const ae = identEnd(v, a);
      const name = v.slice(a, ae);
      if (ae > a) {
        if (DB_METHODS.has(name) && v.charCodeAt(skipSpaces(v, ae)) === 40) {
          return { signature: "nosqli.mongo-shell", start: i, end: ae + 1 };
        }
        if (v.charCodeAt(ae) === 46) {
          const be = identEnd(v, ae + 1);
          if (COLLECTION_METHODS.has(v.slice(ae + 1, be)) && v.charCodeAt(skipSpaces(v, be)) === 40) {
            return { signature: "nosqli.mongo-shell", start: i, end: be + 1 };
          }
        }
      }
    }
    i = v.indexOf("db.", i + 3);
  }
  return null;
}

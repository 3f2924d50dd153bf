import { nameWords } from "../ptrav/names.js";

/**
 * Parameters that applications send the browser to after an action (login, logout,
 * OAuth, language switch…). Whole names, compared with punctuation removed.
 */
const EXACT = new Set([
  "url",
  "uri",
  "u",
  "r",
  "next",
  "nexturl",
  "nextpage",
  "redirect",
  "redir",
  "redirecturl",
  "redirecturi",
  "redirectto",
  "redirurl",
  "return",
  "returnto",
  "returnurl",
  "returnuri",
  "returnpath",
  "retpath",
  "returl",
  "goto",
  "gotourl",
  "go",
  "dest",
  "destination",
  "desturl",
  "continue",
  "continueurl",
  "target",
  "targeturl",
  "to",
  "out",
  "forward",
  "forwardurl",
  "success",
  "successurl",
  "failureurl",
  "errorurl",
  "cancelurl",
  "backurl",
  "back",
  "jump",
  "jumpurl",
  "link",
  "location",
  "checkouturl",
  "landing",
  "callbackurl",
  "service",
  "wreply",
  "relaystate",
  "logouturl",
  "loginurl",
]);

/** Words that make any name redirect-ish (`after_login_redirect`, `post_logout_return`). */
const WORDS = new Set(["redirect", "redir", "goto", "returnto", "returnurl"]);

/** Names too generic to trust below the top level of a request (`url` in a log record). */
const GENERIC = new Set([
  "url",
  "uri",
  "u",
  "r",
  "to",
  "out",
  "link",
  "location",
  "target",
  "back",
  "success",
  "service",
  "landing",
  "go",
  "jump",
]);

/** Verdicts per name (names repeat across requests); cleared when it grows too big. */
const cache = new Map<string, number>();

export function isRedirectName(name: string | undefined, topLevel: boolean): boolean {
  if (name === undefined || name.length === 0 || name.length > 64) return false;
  let c = cache.get(name);
  if (c === undefined) {
    c = classify(name);
    if (cache.size >= 4096) cache.clear();
    cache.set(name, c);
  }
  return c === 2 || (c === 1 && topLevel);
}

/** 0: not redirect-ish; 1: only at the top level (generic names); 2: anywhere. */
function classify(name: string): number {
  return isRedirectNameUncached(name, true) ? (isRedirectNameUncached(name, false) ? 2 : 1) : 0;
}

function isRedirectNameUncached(name: string, topLevel: boolean): boolean {
  let flat = "";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) flat += name[i];
    else if (c >= 65 && c <= 90) flat += String.fromCharCode(c + 32);
  }
  if (EXACT.has(flat)) return topLevel || !GENERIC.has(flat);
  const words = nameWords(name);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (WORDS.has(w)) return true;
    if (w === "return" && (words[i + 1] === "to" || words[i + 1] === "url" || words[i + 1] === "uri"))
      return true;
  }
  return false;
}

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

export function isRedirectName(name: string | undefined, topLevel: boolean): boolean {
  if (name === undefined || name.length === 0 || name.length > 64) return false;
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

/**
 * Parameter names that carry a session identifier: the default session cookie names of
 * common server frameworks, which also accept the id from the URL or the body (URL
 * rewriting, `session.use_trans_sid`, cookieless sessions). Planting one of these in a
 * link is how session fixation works (OWASP: Session Fixation; CWE-384).
 *
 * Deliberately NOT here: bare `sid`, `session`, `token` — they mean "site id", "search
 * session", "CSRF token" in everyday analytics and search URLs far more often than a
 * server session.
 */
const EXACT = new Set([
  // Java servlet containers, JRun, WebLogic, Apache JServ, Jetty
  "jsessionid",
  "jsession",
  "jservsession",
  "jservsessionid",
  "jwsession",
  "jwsessionid",
  "weblogicsession",
  "_wl_authcookie_jsessionid",
  // PHP
  "phpsessid",
  "phpsession",
  "phpsessionid",
  // Classic ASP / ASP.NET
  "aspsessionid",
  "asp.net_sessionid",
  "aspnet_sessionid",
  // ColdFusion
  "cfid",
  "cftoken",
  "cfsid",
  "cfsessionid",
  // Generic spellings servers accept as "the session id"
  "sessionid",
  "session_id",
  "session-id",
  "sessid",
  "sess_id",
  "_session_id",
  // Framework defaults
  "laravel_session", // Laravel
  "ci_session", // CodeIgniter
  "cakephp", // CakePHP
  "zend_session_id",
  "zendsessionid",
  "connect.sid", // Express / connect
  "sails.sid", // Sails
  "koa.sess", // koa-session
  "koa:sess",
  "koa.sid",
  "express.sid",
  "rack.session", // Rack
  "_rails_session",
  "play_session", // Play Framework
  "_flask_session",
  "flask_session",
  "django_session",
  "next-auth.session-token", // NextAuth.js / Auth.js
  "authjs.session-token",
  "meteor_login_token", // Meteor
  "shiny-token", // Shiny Server
  "seraph.rememberme.cookie",
  "moodlesession", // Moodle
  "mosessionid", // Mambo / early Joomla
  "openid_session",
]);

/** Cookie-name prefixes that mark a cookie as secure-only; the name follows. */
const PREFIXES = ["__secure-", "__host-"];

/**
 * Is `name` (as sent) a session-id parameter? Case-insensitive. Besides the exact list:
 *  - classic ASP's `ASPSESSIONID` + 8 letters;
 *  - Drupal's `SESS`/`SSESS` + 32 hex digits;
 *  - Rails' `_<app>_session`.
 */
export function isSessionIdName(name: string): boolean {
  const n0 = name.length;
  if (n0 < 3 || n0 > 64) return false;
  let n = name.toLowerCase();
  for (const p of PREFIXES) if (n.startsWith(p)) n = n.slice(p.length);
  if (EXACT.has(n)) return true;
  if (n.length === 20 && n.startsWith("aspsessionid") && allLetters(n, 12)) return true;
  if ((n.length === 36 && n.startsWith("sess")) || (n.length === 37 && n.startsWith("ssess"))) {
    return allHex(n, n.length - 32);
  }
  if (n.length > 10 && n.charCodeAt(0) === 95 && n.endsWith("_session")) {
    // `_<app>_session`: the app part is an identifier
    for (let i = 1; i < n.length - 8; i++) {
      const c = n.charCodeAt(i);
      if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45)) return false;
    }
    return true;
  }
  return false;
}

function allLetters(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function allHex(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

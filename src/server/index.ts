/** The REST API: build it with `buildApp(deps)`, then `listen` (the node) or `inject` (tests). */
export { type AppDeps, buildApp, type RouteInfo, registeredRoutes } from "./app.js";
export { bearerToken, roleAllows } from "./auth.js";
export { curlCommand, shellQuote } from "./curl.js";
export { ApiError, ERROR_STATUS, type ErrorBody, type ErrorCode } from "./errors.js";
export { type LoggerDep, REDACT_PATHS } from "./logging.js";
export { rawHttp } from "./raw-http.js";
export {
  type CreateTokenOptions,
  createToken,
  hashToken,
  isRole,
  ROLES,
  TOKEN_PREFIX,
  validTokenName,
} from "./tokens.js";

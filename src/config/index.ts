export { CONFIG_FILE_ENV, ENV_VARS, type EnvVar } from "./env.js";
export { ConfigError, type ConfigIssue, formatIssue, type Origin } from "./errors.js";
export { type LoadedConfig, type LoadOptions, loadConfig } from "./load.js";
export { durationText, MASK, printConfig, sizeText, summarizeConfig, toFileShape } from "./print.js";
export {
  DEFAULTS,
  LOG_LEVELS,
  type LogLevel,
  MIN_SECRET_LENGTH,
  type NodeConfig,
  type PacketConfig,
} from "./schema.js";
export {
  formatListen,
  type ListenAddress,
  parseDuration,
  parseListen,
  parseNetwork,
  parseSize,
} from "./units.js";

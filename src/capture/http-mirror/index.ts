/**
 * The HTTP-mirror source: a listener that proxies send copies of requests to (NGINX
 * `mirror`, Envoy/Istio request mirroring, Traefik mirroring), turning each into an
 * HttpExchange. See docs/deploy.md for the proxy side.
 */
export {
  type ClientIpHeader,
  type ClientResolution,
  type ClientSource,
  DEFAULT_CLIENT_IP_HEADERS,
  type Hop,
  resolveClient,
} from "./client-ip.js";
export { buildExchange, cleanHost, SOURCE } from "./exchange.js";
export { parseForwarded, parseForwardedNode, parseXForwardedFor } from "./forwarded.js";
export { normalizeIp, parseNode } from "./ip.js";
export { type MirrorListener, startMirrorListener } from "./listener.js";
export {
  MIRROR_DEFAULTS,
  type MirrorListenerOptions,
  MirrorOptionsError,
  type ProxyProtocolMode,
} from "./options.js";
export {
  type ProxyHeader,
  type ProxyHeaderV1,
  type ProxyHeaderV2,
  type ProxyParseResult,
  type ProxyTlv,
  parseProxyHeader,
  serializeProxyHeader,
} from "./proxy-protocol.js";
export type { MirrorListenerStats } from "./stats.js";
export { TRUSTED_ALIASES, TrustedNetworkError, TrustedNetworks } from "./trusted.js";

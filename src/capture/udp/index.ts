export { dropsForPort, udpKernelDrops } from "./kernel-drops.js";
export {
  DEFAULT_RECV_BUFFER_BYTES,
  DEFAULT_TUNNEL_PORTS,
  startTunnelListener,
  type TunnelCounters,
  type TunnelDatagram,
  type TunnelKind,
  type TunnelListener,
  type TunnelListenerOptions,
} from "./listener.js";

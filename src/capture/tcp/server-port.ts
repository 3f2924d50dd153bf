/**
 * Which end of a flow picked up mid-stream is the server. Without a SYN to tell, a port
 * where web servers usually listen wins; otherwise the lower port does (clients use
 * ephemeral ports, 32768 and up on Linux, 49152 and up per RFC 6335 §6).
 */
const SERVER_PORTS = new Set([
  80, 443, 591, 3000, 4000, 4200, 4443, 5000, 5001, 7001, 8000, 8001, 8008, 8080, 8081, 8082, 8088, 8181,
  8443, 8800, 8888, 9000, 9080, 9090, 9443,
]);

/** Whether the packet's destination is the server (so its source is the client). */
export function dstIsServer(srcPort: number, dstPort: number): boolean {
  const s = SERVER_PORTS.has(srcPort);
  const d = SERVER_PORTS.has(dstPort);
  if (s !== d) return d;
  if (srcPort !== dstPort) return dstPort < srcPort;
  return true;
}

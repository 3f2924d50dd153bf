import { readFile } from "node:fs/promises";

/**
 * Datagrams the kernel dropped for UDP sockets bound to `port` (Linux: the `drops` column of
 * /proc/net/udp and /proc/net/udp6, the socket's sk_drops: receive buffer full, or a checksum
 * or memory-accounting failure). `undefined` where that file does not exist (not Linux, or
 * /proc not mounted).
 *
 * Sockets are matched by local port only, so another socket on the same port (another
 * address, SO_REUSEPORT) is counted too; the figure is per socket lifetime and resets when the
 * listener is reopened.
 */
export async function udpKernelDrops(port: number): Promise<number | undefined> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  let found = false;
  let drops = 0;
  for (const file of ["/proc/net/udp", "/proc/net/udp6"]) {
    let text: string;
    try {
      text = await readFile(file, "latin1");
    } catch {
      continue;
    }
    found = true;
    drops += dropsForPort(text, hexPort);
  }
  return found ? drops : undefined;
}

/** Sums the last column of the lines whose local address ends with `hexPort` (":12B5"). */
export function dropsForPort(table: string, hexPort: string): number {
  let sum = 0;
  let start = table.indexOf("\n") + 1; // header line
  while (start > 0 && start < table.length) {
    let end = table.indexOf("\n", start);
    if (end < 0) end = table.length;
    const cols = table.slice(start, end).trim().split(/\s+/);
    // sl local_address rem_address st … drops
    if (cols.length >= 13 && cols[1]?.endsWith(hexPort)) {
      const d = Number(cols[cols.length - 1]);
      if (Number.isFinite(d)) sum += d;
    }
    start = end + 1;
  }
  return sum;
}

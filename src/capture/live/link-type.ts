import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_NULL, LINKTYPE_RAW } from "../packet/types.js";

const LINKTYPE_IEEE802_11_RADIOTAP = 127;

/**
 * The `cap` binding reports the link type as a name for the few it knows (`ETHERNET`,
 * `LINKTYPE_LINUX_SLL`, `RAW`, `NULL`, `IEEE802_11_RADIO`) and as `Unknown linktype N` (N a
 * DLT_* value) otherwise. Returns the LINKTYPE_* number, -1 when it cannot tell.
 */
export function linkTypeFromCap(name: string): number {
  switch (name) {
    case "ETHERNET":
      return LINKTYPE_ETHERNET;
    case "LINKTYPE_LINUX_SLL":
      return LINKTYPE_LINUX_SLL;
    case "RAW":
      return LINKTYPE_RAW; // DLT_RAW is 12 or 14 depending on the OS; the file type is 101
    case "NULL":
      return LINKTYPE_NULL;
    case "IEEE802_11_RADIO":
      return LINKTYPE_IEEE802_11_RADIOTAP;
  }
  const prefix = "Unknown linktype ";
  if (!name.startsWith(prefix)) return -1;
  const dlt = Number(name.slice(prefix.length));
  if (!Number.isInteger(dlt) || dlt < 0) return -1;
  // DLT_* equals LINKTYPE_* except for the historical raw-IP values (libpcap dlt_to_linktype).
  return dlt === 12 || dlt === 14 ? LINKTYPE_RAW : dlt;
}

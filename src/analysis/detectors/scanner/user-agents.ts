/**
 * User-Agent fingerprints of security scanners and attack tools, matched as whole words
 * (case-insensitive) by one pass of a character trie: each position that starts a word
 * walks the trie, so the cost is about the length of the User-Agent, whatever the size
 * of the list.
 *
 * Curated: only tools whose purpose is scanning or attacking, in the spelling they put
 * in their default User-Agent. Generic HTTP clients (`curl/`, `Wget`, `python-requests`,
 * `Go-http-client`, `libwww-perl`, `okhttp`, `axios`) are NOT here: monitoring, CI jobs,
 * webhooks and integrations use them all day, and a tool that spoofs a browser is not
 * caught by a list either way. Research crawlers (Censys, Shodan) are left out too.
 */
const TOOLS: ReadonlyArray<readonly [token: string, tool: string]> = [
  ["sqlmap", "sqlmap"],
  ["nikto", "nikto"],
  ["nmap scripting engine", "nmap"],
  ["nmap nse", "nmap"],
  ["masscan", "masscan"],
  ["zgrab", "zgrab"],
  ["zgrab2", "zgrab"],
  ["acunetix", "acunetix"],
  ["acunetix_wvs_security_test", "acunetix"],
  ["netsparker", "netsparker"],
  ["invicti", "invicti"],
  ["nessus", "nessus"],
  ["openvas", "openvas"],
  ["w3af", "w3af"],
  ["w3af.org", "w3af"],
  ["arachni", "arachni"],
  ["havij", "havij"],
  ["zmeu", "zmeu"],
  ["wpscan", "wpscan"],
  ["joomscan", "joomscan"],
  ["droopescan", "droopescan"],
  ["cmsmap", "cmsmap"],
  ["dirbuster", "dirbuster"],
  ["gobuster", "gobuster"],
  ["dirsearch", "dirsearch"],
  ["fuzz faster u fool", "ffuf"],
  ["ffuf", "ffuf"],
  ["feroxbuster", "feroxbuster"],
  ["wfuzz", "wfuzz"],
  ["nuclei", "nuclei"],
  ["jaeles", "jaeles"],
  ["commix", "commix"],
  ["burp collaborator", "burp"],
  ["burpsuite", "burp"],
  ["owasp zap", "zap"],
  ["zaproxy", "zap"],
  ["appscan", "appscan"],
  ["webinspect", "webinspect"],
  ["qualysguard", "qualys"],
  ["qualys", "qualys"],
  ["hydra", "hydra"],
  ["thc-hydra", "hydra"],
  ["metasploit", "metasploit"],
  ["xsstrike", "xsstrike"],
  ["dalfox", "dalfox"],
  ["morfeus fucking scanner", "morfeus"],
  ["jorgee", "jorgee"],
  ["pangolin", "pangolin"],
  ["sqlninja", "sqlninja"],
  ["bsqlbf", "bsqlbf"],
  ["sql power injector", "sql power injector"],
  ["grendel-scan", "grendel-scan"],
  ["n-stealth", "n-stealth"],
  ["nsauditor", "nsauditor"],
  ["paros", "paros"],
  ["skipfish", "skipfish"],
  ["wapiti", "wapiti"],
  ["whatweb", "whatweb"],
  ["webshag", "webshag"],
  ["fimap", "fimap"],
  ["dotdotpwn", "dotdotpwn"],
  ["cgichk", "cgichk"],
  ["black widow", "black widow"],
  ["blackwidow", "black widow"],
  ["webvulnscan", "webvulnscan"],
  ["l9explore", "leakix"],
  ["tsunamisecurityscanner", "tsunami"],
  ["jexboss", "jexboss"],
  ["struts-pwn", "struts-pwn"],
  ["log4j-scan", "log4j-scan"],
  ["interactsh", "interactsh"],
];

interface TrieNode {
  /** Children by lower-case character code. */
  next: Map<number, TrieNode>;
  /** Tool name when a token ends here. */
  tool: string | null;
}

function buildTrie(): TrieNode {
  const root: TrieNode = { next: new Map(), tool: null };
  for (const [token, tool] of TOOLS) {
    let node = root;
    for (let i = 0; i < token.length; i++) {
      const c = token.charCodeAt(i);
      let child = node.next.get(c);
      if (child === undefined) {
        child = { next: new Map(), tool: null };
        node.next.set(c, child);
      }
      node = child;
    }
    node.tool = tool;
  }
  return root;
}

const ROOT = buildTrie();

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

export interface ToolMatch {
  readonly tool: string;
  readonly start: number;
  readonly end: number;
}

/** Longest listed token starting at a word start and ending at a word end, or null. */
export function findTool(s: string): ToolMatch | null {
  const n = Math.min(s.length, 4096);
  for (let i = 0; i < n; i++) {
    if (i > 0 && isAlnum(s.charCodeAt(i - 1))) continue;
    let node: TrieNode | undefined = ROOT.next.get(lower(s.charCodeAt(i)));
    let j = i + 1;
    let best: ToolMatch | null = null;
    while (node !== undefined) {
      if (node.tool !== null && !isAlnum(s.charCodeAt(j))) best = { tool: node.tool, start: i, end: j };
      if (j >= n) break;
      node = node.next.get(lower(s.charCodeAt(j)));
      j++;
    }
    if (best !== null) return best;
  }
  return null;
}

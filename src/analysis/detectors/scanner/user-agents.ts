/**
 * User-Agent fingerprints of security scanners and attack tools, matched as whole words
 * (case-insensitive) by one native scan of a regular expression factored into a trie,
 * so the cost is about the length of the User-Agent, whatever the size of the list.
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
  ["nasl", "nessus"],
  ["masscan-ng", "masscan"],
  ["w3af.sf.net", "w3af"],
  ["w3af.sourceforge.net", "w3af"],
  ["qualys was", "qualys"],
  ["webtrends security analyzer", "webtrends"],
  ["bilbo", "bilbo"],
  ["bfac", "bfac"],
  ["brutus", "brutus"],
  ["cisco-torch", "cisco-torch"],
  ["crimscanner", "crimscanner"],
  ["datacha0s", "datacha0s"],
  ["domino hunter", "domino hunter"],
  ["fhscan core", "fhscan"],
  ["floodgate", "floodgate"],
  ["gootkit auto-rooter scanner", "gootkit"],
  ["inspath", "inspath"],
  ["jaascois", "jaascois"],
  ["metis", "metis"],
  ["mysqloit", "mysqloit"],
  ["pmafind", "pmafind"],
  ["security scan", "security scan"],
  ["springenwerk", "springenwerk"],
  ["sysscan", "sysscan"],
  ["teh forest lobster", "teh forest lobster"],
  ["this is an exploit", "exploit"],
  ["toata dragostea", "toata dragostea"],
  ["uil2pn", "uil2pn"],
  ["voideye", "voideye"],
  ["webbandit", "webbandit"],
  ["whcc", "whcc"],
  ["wordpress hash grabber", "wordpress hash grabber"],
  ["xmlrpc exploit", "xmlrpc exploit"],
  ["s.t.a.l.k.e.r", "stalker"],
  ["core-project", "core-project"],
  ["netsparker cloud", "netsparker"],
  ["detectify", "detectify"],
  ["probely", "probely"],
];

function esc(w: string): string {
  return w.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/**
 * The tokens as one alternation factored into a trie (`nikto|nessus` → `n(?:ikto|essus)`),
 * so irregexp tries one branch per distinct next character. Longer tokens come first
 * under a shared prefix, so the longest listed token wins, as a scanner's own name
 * (`netsparker cloud`) is more telling than its prefix.
 */
function trie(words: readonly string[]): string {
  interface Node {
    kids: Map<string, Node>;
    end: boolean;
  }
  const root: Node = { kids: new Map(), end: false };
  for (const w of words) {
    let n = root;
    for (const ch of w) {
      let k = n.kids.get(ch);
      if (k === undefined) {
        k = { kids: new Map(), end: false };
        n.kids.set(ch, k);
      }
      n = k;
    }
    n.end = true;
  }
  const emit = (n: Node): string => {
    const parts: string[] = [];
    for (const [ch, k] of n.kids) parts.push(esc(ch) + emit(k));
    if (n.end) parts.push("");
    return parts.length === 1 ? parts[0]! : `(?:${parts.join("|")})`;
  };
  return emit(root);
}

const TOOL_OF = new Map(TOOLS.map(([token, tool]) => [token, tool]));

/**
 * A listed token as whole words: at the start or after a character that is not an ASCII
 * letter or digit, and not followed by one. One native scan of the User-Agent.
 */
// safe-regex: a trie of escaped literals between two single character classes.
const TOOL_RE = new RegExp(`(?:^|[^A-Za-z0-9])(${trie(TOOLS.map(([t]) => t))})(?![A-Za-z0-9])`, "i");

export interface ToolMatch {
  readonly tool: string;
  readonly start: number;
  readonly end: number;
}

/** The first listed token standing as whole words in `s` (its first 4 KiB), or null. */
export function findTool(s: string): ToolMatch | null {
  if (s.length > MEMO_MAX_LENGTH) return scan(s);
  // A client sends the same User-Agent on every request: its verdict is kept.
  let r = memo.get(s);
  if (r === undefined) {
    r = scan(s);
    if (memo.size >= MEMO_ENTRIES) memo.clear();
    memo.set(s, r);
  }
  return r;
}

function scan(s: string): ToolMatch | null {
  const m = TOOL_RE.exec(s.length > 4096 ? s.slice(0, 4096) : s);
  if (m === null) return null;
  const token = m[1]!;
  const end = m.index + m[0].length;
  const tool = TOOL_OF.get(token.toLowerCase());
  return tool === undefined ? null : { tool, start: end - token.length, end };
}

/**
 * Verdicts on User-Agent values (a pure function of the value), bounded and cleared when
 * full; each worker thread has its own. The expression is tried after every non-alphanumeric
 * character of the value (a few dozen in a browser's), which costs more than hashing it.
 */
const memo = new Map<string, ToolMatch | null>();
const MEMO_ENTRIES = 1024;
const MEMO_MAX_LENGTH = 512;

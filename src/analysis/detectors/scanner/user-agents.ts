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

/**
 * The trie, flattened: node `k` owns the slots `k*64 … k*64+63` of `NEXT`, one per
 * character class (see `code`), holding the child node index (0 = none). `TOOL[k]` is
 * the index into TOOLS + 1 of a token ending at node `k` (0 = none).
 */
const ALPHABET = 64;

/** 1–26 letters (either case), 27–36 digits, then the punctuation used in tokens. */
function classify(c: number): number {
  if (c >= 97 && c <= 122) return c - 96;
  if (c >= 65 && c <= 90) return c - 64;
  if (c >= 48 && c <= 57) return c - 21;
  switch (c) {
    case 32:
      return 37;
    case 45: // -
      return 38;
    case 46: // .
      return 39;
    case 95: // _
      return 40;
    default:
      return 0;
  }
}

/** `classify` as a table over ASCII, so the hot loop is one load per character. */
const CODES = Uint8Array.from({ length: 128 }, (_, c) => classify(c));
const LAST_ALNUM = 36;

function code(c: number): number {
  return c < 128 ? CODES[c]! : 0;
}

const { NEXT, TOOL } = (() => {
  let nodes = 1;
  const next: number[] = new Array(ALPHABET).fill(0);
  const tool: number[] = [0];
  TOOLS.forEach(([token], t) => {
    let k = 0;
    for (let i = 0; i < token.length; i++) {
      const c = code(token.charCodeAt(i));
      let child = next[k * ALPHABET + c]!;
      if (child === 0) {
        child = nodes++;
        for (let j = 0; j < ALPHABET; j++) next.push(0);
        tool.push(0);
        next[k * ALPHABET + c] = child;
      }
      k = child;
    }
    tool[k] = t + 1;
  });
  return { NEXT: Int32Array.from(next), TOOL: Int32Array.from(tool) };
})();

function isAlnum(c: number): boolean {
  const k = code(c);
  return k !== 0 && k <= LAST_ALNUM;
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
    if (!isAlnum(s.charCodeAt(i))) continue;
    // Here `i` starts a word: the previous character is not alphanumeric.
    let k = NEXT[code(s.charCodeAt(i))]!;
    let j = i + 1;
    let best = 0;
    let bestEnd = 0;
    while (k !== 0) {
      if (TOOL[k] !== 0 && !isAlnum(s.charCodeAt(j))) {
        best = TOOL[k]!;
        bestEnd = j;
      }
      if (j >= n) break;
      const c = code(s.charCodeAt(j));
      k = c === 0 ? 0 : NEXT[k * ALPHABET + c]!;
      j++;
    }
    if (best !== 0) return { tool: TOOLS[best - 1]![1], start: i, end: bestEnd };
    // No token starts inside this word: jump to its end.
    while (i + 1 < n && isAlnum(s.charCodeAt(i + 1))) i++;
  }
  return null;
}

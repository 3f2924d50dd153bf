/**
 * What an RFI payload fetches: a script, often served as text so that the attacker's
 * server does not execute it first (`shell.txt`), and often a well-known web shell.
 */
const SCRIPT_EXTS = new Set([
  "php",
  "php3",
  "php4",
  "php5",
  "phtml",
  "inc",
  "txt",
  "asp",
  "aspx",
  "jsp",
  "pl",
  "py",
  "cgi",
  "sh",
  "gif",
  "jpg",
]);

export function isScriptExt(ext: string): boolean {
  return SCRIPT_EXTS.has(ext);
}

/**
 * Extensions of code a server runs, without the text and image ones of SCRIPT_EXTS:
 * `shell.txt` on an attacker's web server is a dropper, but `notes.txt` on a file share
 * is a document.
 */
export function isCodeExt(ext: string): boolean {
  return SCRIPT_EXTS.has(ext) && ext !== "txt" && ext !== "gif" && ext !== "jpg";
}

/** Names of public web shells and RFI droppers (lower-case, without extension). */
const SHELLS = [
  "c99",
  "c100",
  "r57",
  "wso",
  "b374k",
  "alfa",
  "indoxploit",
  "shell",
  "webshell",
  "phpshell",
  "cmd",
  "backdoor",
  "priv8",
  "k2ll33d",
  "sh3ll",
  "symlink",
  "bypass",
  "uploader",
];

/** True when the base name is a web shell name, possibly decorated (`c99_v2`, `r57shell`). */
export function isShellName(base: string): boolean {
  if (base.length === 0 || base.length > 32) return false;
  for (const s of SHELLS) {
    if (base === s) return true;
    if (base.startsWith(s) && base.length > s.length) {
      const c = base.charCodeAt(s.length);
      // c99shell, c99_v2, r57-1: a known shell name followed by a separator or digits.
      if (c === 95 || c === 45 || c === 46 || (c >= 48 && c <= 57) || base.endsWith("shell")) return true;
    }
  }
  return false;
}

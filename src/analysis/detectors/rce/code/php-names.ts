/**
 * PHP built-ins that run a command or code themselves (PHP manual: Program execution,
 * eval, assert): the base of php.ts's lists and of framework.ts's runner names. A module
 * of its own, without imports, so that both can use it without an import cycle.
 */
export const PHP_RUNNERS = [
  "system",
  "exec",
  "passthru",
  "shell_exec",
  "popen",
  "proc_open",
  "pcntl_exec",
  "eval",
  "assert",
] as const;

/** PHP built-ins that unwrap an encoded or compressed payload (webshell obfuscation). */
export const PHP_DECODERS = [
  "base64_decode",
  "gzinflate",
  "gzuncompress",
  "gzdecode",
  "zlib_decode",
  "str_rot13",
  "convert_uudecode",
  "hex2bin",
] as const;

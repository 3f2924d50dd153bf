/** Test helper: a multipart/form-data body (RFC 7578) from name/value pairs. */
export function multipartBody(boundary: string, parts: readonly (readonly [string, string])[]): string {
  let s = "";
  for (const [n, v] of parts)
    s += `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
  return `${s}--${boundary}--\r\n`;
}

/**
 * Masking of multipart/form-data bodies (RFC 7578): a part whose field name is sensitive
 * has its content replaced; part headers, boundaries and other parts stay as sent. A body
 * cut by truncation masks its last part to the end.
 */

/** Most parts looked at; the rest of the body is kept as is. */
const MAX_PARTS = 1000;

/** The boundary parameter of a Content-Type (quoted or not), or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  const lower = contentType.toLowerCase();
  const at = lower.indexOf("boundary=");
  if (at === -1) return undefined;
  let v = contentType.slice(at + 9);
  if (v.startsWith('"')) {
    const end = v.indexOf('"', 1);
    v = end === -1 ? v.slice(1) : v.slice(1, end);
  } else {
    const semi = v.indexOf(";");
    if (semi !== -1) v = v.slice(0, semi);
    v = v.trim();
  }
  return v.length > 0 && v.length <= 200 ? v : undefined;
}

/** The `name` parameter of a part's Content-Disposition header block. */
function fieldName(headerBlock: string): string | undefined {
  const lower = headerBlock.toLowerCase();
  let at = lower.indexOf("content-disposition:");
  if (at === -1) return undefined;
  for (;;) {
    at = lower.indexOf("name=", at);
    if (at === -1) return undefined;
    // `filename=` also ends in `name=`: skip it.
    const before = lower.charCodeAt(at - 1);
    if (before === 32 || before === 59 || before === 9) break;
    at += 5;
  }
  let v = headerBlock.slice(at + 5);
  if (v.startsWith('"')) {
    const end = v.indexOf('"', 1);
    return end === -1 ? v.slice(1) : v.slice(1, end);
  }
  const stop = v.search(/[;\r\n]/);
  if (stop !== -1) v = v.slice(0, stop);
  return v.trim();
}

export function maskMultipart(
  body: string,
  boundary: string,
  mask: (name: string) => boolean,
  marker: string,
): string {
  const delim = `--${boundary}`;
  let out = "";
  let copied = 0;
  let pos = body.indexOf(delim);
  for (let parts = 0; pos !== -1 && parts < MAX_PARTS; parts++) {
    const headStart = pos + delim.length;
    if (body.startsWith("--", headStart)) break;
    let headEnd = body.indexOf("\r\n\r\n", headStart);
    let sepLen = 4;
    const lf = body.indexOf("\n\n", headStart);
    if (headEnd === -1 || (lf !== -1 && lf < headEnd)) {
      headEnd = lf;
      sepLen = 2;
    }
    const next = body.indexOf(delim, headStart);
    if (headEnd === -1 || (next !== -1 && headEnd > next)) {
      pos = next;
      continue;
    }
    const contentStart = headEnd + sepLen;
    let contentEnd = next === -1 ? body.length : next;
    if (next !== -1) {
      if (body.startsWith("\r\n", contentEnd - 2)) contentEnd -= 2;
      else if (body.charCodeAt(contentEnd - 1) === 10) contentEnd -= 1;
    }
    const name = fieldName(body.slice(headStart, headEnd));
    if (
      name !== undefined &&
      contentEnd > contentStart &&
      mask(name) &&
      body.slice(contentStart, contentEnd) !== marker
    ) {
      out += body.slice(copied, contentStart) + marker;
      copied = contentEnd;
    }
    pos = next;
  }
  return copied === 0 ? body : out + body.slice(copied);
}

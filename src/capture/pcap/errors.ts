/**
 * A capture file whose structure cannot be followed any further (bad magic, a block or record
 * length over the bound or inconsistent). Reading stops there: past a wrong length every
 * following byte would be misread. `offset` is the byte where the bad header starts.
 */
export class CaptureFormatError extends Error {
  readonly code = "capture_format";
  constructor(
    readonly offset: number,
    detail: string,
  ) {
    super(`${detail} at byte ${offset}`);
    this.name = "CaptureFormatError";
  }
}

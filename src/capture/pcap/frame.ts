/**
 * One captured frame as every packet source (capture files, live capture) delivers it.
 *
 * Sources reuse a single object and `data` is a view into their buffer: both are valid only
 * during the callback (at a gigabit a second, a fresh object or copy per frame is the
 * dominant cost). A consumer that keeps bytes copies them.
 */
export interface CaptureFrame {
  /** LINKTYPE_* number (tcpdump.org link-layer registry): what the first bytes of `data` are. */
  linkType: number;
  /** Capture time, milliseconds since the epoch, fractional (µs or ns resolution). */
  ts: number;
  /** The captured bytes (at most the snapshot length; any FCS trailer removed). */
  data: Uint8Array;
  /** Length of the frame on the wire; larger than `data.length` when the capture truncated it. */
  origLen: number;
}

export type FrameHandler = (frame: CaptureFrame) => void;

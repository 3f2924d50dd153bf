/**
 * Every bound the analysis applies to attacker-written input. Each one is explained in
 * RATIONALE.md; going past one adds an anomaly to the result instead of failing.
 */
export interface AnalysisLimits {
  /** Most points extracted from one request. */
  readonly maxPoints: number;
  /** Deepest nesting of parsers and decoders (JSON in base64 in a cookie...). */
  readonly maxDepth: number;
  /** Longest value (in UTF-16 code units) handed to detectors; the rest is cut. */
  readonly maxValueLength: number;
  /** Largest body parsed (bytes); the rest is ignored for structure parsing. */
  readonly maxBodyBytes: number;
  /** Largest output of any decompression of one value. */
  readonly maxDecompressedBytes: number;
  /** Compression ratio beyond which a payload is reported as a data bomb. */
  readonly maxCompressionRatio: number;
  /** Most multipart parts or form fields parsed. */
  readonly maxParts: number;
  /** Work units (roughly characters scanned by detectors) before `overlimit`. */
  readonly workBudget: number;
  /** Most hits kept per request. */
  readonly maxHits: number;
  /** Deepest structural nesting followed inside one document (JSON, XML, GraphQL). */
  readonly maxNesting: number;
  /** Largest size (characters) an XML DTD's entities could expand to before it is a bomb. */
  readonly maxEntityExpansion: number;
  /**
   * Decompressed output below this size is never called a bomb, whatever the ratio:
   * a few hundred bytes of zeros compress 1000:1 and harm nobody.
   */
  readonly bombMinBytes: number;
}

export const DEFAULT_LIMITS: AnalysisLimits = {
  maxPoints: 2048,
  maxDepth: 8,
  maxValueLength: 64 * 1024,
  maxBodyBytes: 4 * 1024 * 1024,
  maxDecompressedBytes: 4 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxParts: 512,
  workBudget: 8 * 1024 * 1024,
  maxHits: 64,
  maxNesting: 32,
  maxEntityExpansion: 100_000,
  bombMinBytes: 1024 * 1024,
};

/** The file cannot be converted (corrupt, truncated, unsupported, over a limit): retrying will not help. */
export class ConversionError extends Error {
  constructor(message: string, readonly code = "unsupported_tiff") {
    super(message);
    this.name = "ConversionError";
  }
}

/**
 * Speech-to-text providers. Each takes a 16 kHz mono 16-bit PCM WAV file (the transcription job
 * extracts it with ffmpeg) and returns plain text. Failures are KilnErrors: "unavailable" when the
 * provider cannot run at all (missing tool or key), "upstream" when a remote service failed.
 */
export interface AsrInput {
  /** A local path of the WAV file. */
  path: string;
  signal: AbortSignal;
}

export interface AsrOutput {
  text: string;
  /** BCP 47 language when the provider reports one. */
  language?: string;
}

export interface AsrAvailability {
  available: boolean;
  /** Why not, with the fix (install line or variable name). */
  detail?: string;
}

export interface AsrProvider {
  name: "local" | "hf" | "openai";
  transcribe(input: AsrInput): Promise<AsrOutput>;
  availability(): Promise<AsrAvailability>;
}

/**
 * Speech-to-text providers. Each takes a 16 kHz mono 16-bit PCM WAV file (the transcription job
 * extracts it with ffmpeg) and returns the text with the timings the recogniser gave. Failures are
 * KilnErrors: "unavailable" when the provider cannot run at all (missing tool or key), "upstream"
 * when a remote service failed.
 */
export interface AsrInput {
  /** A local path of the WAV file. */
  path: string;
  signal: AbortSignal;
}

/** One recognised word; times in seconds from the start of the audio. */
export interface TimedWord {
  start: number;
  end: number;
  word: string;
  /** 0–1, the decoder's posterior for this word, when the recogniser reports one. */
  confidence?: number;
}

/** One stretch of speech (an utterance or a model chunk); times in seconds from the start of the audio. */
export interface TimedSegment {
  start: number;
  end: number;
  text: string;
  /** Per-word timings, when the recogniser gives them. */
  words?: TimedWord[];
}

export interface AsrOutput {
  text: string;
  /** BCP 47 language when the provider reports one. */
  language?: string;
  /** In order; empty when the recogniser gives no timings (the job then spans the whole audio). */
  segments: TimedSegment[];
  /** 0–1, the recogniser's overall confidence, when its scores allow one. */
  confidence?: number;
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

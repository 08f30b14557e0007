/** The stored record of one metered transcription (`POST /transcribe`) and its public view. */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  words?: { start: number; end: number; word: string; confidence?: number }[];
}

export type MeteredStatus = "holding" | "queued" | "completed" | "failed" | "expired" | "forward_failed";

export interface MeteredRequest {
  requestId: string;
  userId: string;
  url: string;
  status: MeteredStatus;
  jobId?: string;
  heldCredits: number;
  /** False once the hold was released (settled, failed or expired). */
  holdActive: boolean;
  estimatedDurationSeconds?: number;
  /** Seconds of audio the transcription service measured before recognising (what the price is from). */
  measuredDurationSeconds?: number;
  chargedCredits: number;
  releasedCredits: number;
  transcript?: string;
  summary?: string;
  language?: string;
  durationSeconds?: number;
  model?: string;
  truncated?: boolean;
  /** The recogniser's timings as the transcription service sent them (seconds from the start). */
  segments?: TranscriptSegment[];
  confidence?: number;
  error?: string;
  webhookId?: string;
  createdAt: string;
  updatedAt: string;
  settledAt?: string;
}

export function requestView(record: MeteredRequest, live?: Record<string, unknown>) {
  return {
    requestId: record.requestId,
    status: record.status,
    jobId: record.jobId ?? null,
    url: record.url,
    progress: record.status === "completed"
      ? 100
      : (typeof live?.progress === "number" ? live.progress : null),
    currentStep: typeof live?.currentStep === "string" ? live.currentStep : null,
    credits: {
      held: record.holdActive ? record.heldCredits : 0,
      charged: record.chargedCredits,
      /** The hold given back when the request settled (the charge, if any, is taken separately). */
      released: record.releasedCredits,
    },
    result: record.status === "completed"
      ? {
        transcription: record.transcript ?? "",
        summary: record.summary ?? null,
        language: record.language ?? null,
        durationSeconds: record.durationSeconds ?? null,
        truncated: record.truncated ?? false,
        confidence: record.confidence ?? null,
        segments: record.segments ?? [],
      }
      : null,
    error: record.error ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    settledAt: record.settledAt ?? null,
  };
}

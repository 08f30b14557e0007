/**
 * The body of the webhook the transcription service sends to the business engine when a request
 * with a `requestId` completes or fails. The engine validates deliveries with this schema.
 */
import { z } from "zod";

const seconds = z.number().min(0);

export const TimedSegment = z.object({
  start: seconds,
  end: seconds,
  text: z.string(),
  words: z.array(z.object({
    start: seconds,
    end: seconds,
    word: z.string(),
    confidence: z.number().min(0).max(1).optional(),
  })).optional(),
});

export const TranscriptionResult = z.object({
  transcription: z.string(),
  summary: z.string(),
  truncated: z.boolean(),
  language: z.string(),
  /** Seconds of audio Kiln measured from the decoded media. */
  durationSeconds: seconds,
  /** Recogniser timings, in order (results stored before timings existed have none). */
  segments: z.array(TimedSegment).default([]),
  /** 0–1 from the decoder's scores; null when the recogniser gives none. */
  confidence: z.number().min(0).max(1).nullable().default(null),
  /** Graded from the audio's speech-to-noise level and clipping (audio_quality.ts). */
  audioQuality: z.enum(["high", "medium", "low", "silent"]).nullable().default(null),
  /** Seconds spent decoding and recognising the audio. */
  processingSeconds: seconds.nullable().default(null),
});
export type TranscriptionResult = z.infer<typeof TranscriptionResult>;

export const TranscriptionWebhook = z.object({
  type: z.enum(["transcription.completed", "transcription.failed"]),
  /** The transcription id (`GET /tttranscribe/status/:id`). */
  id: z.string(),
  /** The caller's requestId from `POST /tttranscribe/transcribe`. */
  requestId: z.string(),
  status: z.enum(["completed", "failed"]),
  /** Seconds of audio (0 when failed before the audio was read): what the engine charges for. */
  durationSeconds: z.number().min(0),
  result: TranscriptionResult.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** ISO 8601 time the outcome was decided. */
  timestamp: z.string(),
});
export type TranscriptionWebhook = z.infer<typeof TranscriptionWebhook>;

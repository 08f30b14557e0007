/**
 * The body of the webhook the transcription service sends to the business engine when a request
 * with a `requestId` completes or fails. The engine validates deliveries with this schema.
 */
import { z } from "zod";

export const TranscriptionResult = z.object({
  transcription: z.string(),
  summary: z.string(),
  truncated: z.boolean(),
  language: z.string(),
  durationSeconds: z.number().min(0),
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

/**
 * The durable transcription job: download → extract audio → recognise → truncate + summarise →
 * cache → webhook. The download and the recognition are checkpoints, so a retry or a restart after
 * `kill -9` resumes after the last finished step instead of starting over. When the job fails for
 * good (a permanent error or the last attempt) a failure webhook is queued before the job ends.
 */
import type { KvStore } from "../store/types.ts";
import { z } from "zod";
import type { BlobStore } from "../blobs/types.ts";
import { KilnError, withoutServerPaths } from "../errors.ts";
import { InvalidInputJobError, type JobContext, type JobEngine, PermanentJobError } from "../jobs/types.ts";
import type { Logger } from "../log.ts";
import type { AsrProvider } from "../providers/asr/types.ts";
import { extractAudio } from "./audio.ts";
import { authorizeMeasuredDuration } from "./authorize.ts";
import { measureAudioQuality } from "./audio_quality.ts";
import { writeCache } from "./cache.ts";
import { enqueueWebhook } from "./delivery.ts";
import { fetchMediaToBlob } from "./fetch_media.ts";
import { incrementCounter } from "./health.ts";
import type { TranscriptionSettings } from "./settings.ts";
import { summarise, truncateText } from "./summary.ts";
import { fitSegments, truncateSegments, wholeAudioSegment } from "./timings.ts";
import type { TranscriptionResult } from "./webhook_payload.ts";

export const transcribeJobKind = "tttranscribe.transcribe";
export const transcribeMaxAttempts = 3;

export const TranscribeJobInput = z.object({
  source: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("url"), url: z.string().url() }),
    z.object({ kind: z.literal("upload"), blobKey: z.string().min(1), fileName: z.string().optional() }),
  ]),
  requestId: z.string().min(1).max(200).optional(),
  /** Ask the caller to authorise the measured duration before recognising (authorize.ts). */
  authorizeDuration: z.boolean().optional(),
});
export type TranscribeJobInput = z.infer<typeof TranscribeJobInput>;

export interface TranscriptionDependencies {
  kv: KvStore;
  jobs: JobEngine;
  blobs: BlobStore;
  log: Logger;
  asr: AsrProvider;
  settings: TranscriptionSettings;
  /** Sends webhooks; serves this app's own receiver in-process (`services.selfFetch`). */
  send: (input: string, init: RequestInit) => Promise<Response>;
}

/** Failures caused by the media the caller sent (unreadable, too large, gone): logged as warnings. */
const inputErrorKinds = new Set([
  "invalid",
  "too_large",
  "unsupported_media_type",
  "not_found",
  "forbidden",
  "gone",
]);

export function defineTranscribeJob(dependencies: TranscriptionDependencies): void {
  dependencies.jobs.define(
    transcribeJobKind,
    TranscribeJobInput,
    (context) => runTranscription(dependencies, context),
    {
      maxAttempts: transcribeMaxAttempts,
      backoff: { type: "exponential", baseMs: 2_000, maxMs: 60_000 },
      ttl: 48 * 60 * 60 * 1000,
      // Failed by the engine (its process died mid-job): the caller still hears, so its hold is released.
      onAbandoned: (job) => notifyFailure(dependencies, job.id, job.input, job.error),
    },
  );
}

async function notifyFailure(
  dependencies: TranscriptionDependencies,
  jobId: string,
  input: TranscribeJobInput,
  error: { code?: string; message: string } | undefined,
): Promise<void> {
  await removeBlobs(dependencies.blobs, jobId, input);
  if (input.requestId) {
    await enqueueWebhook(dependencies.jobs, {
      type: "transcription.failed",
      id: jobId,
      requestId: input.requestId,
      status: "failed",
      durationSeconds: 0,
      error: { code: error?.code ?? "transcription_failed", message: error?.message ?? "Failed." },
      timestamp: new Date().toISOString(),
    });
  }
  await incrementCounter(dependencies.kv, "failed");
}

function mediaKeyOf(jobId: string): string {
  return `tttranscribe/${jobId}/media`;
}

async function runTranscription(
  dependencies: TranscriptionDependencies,
  context: JobContext<TranscribeJobInput>,
): Promise<TranscriptionResult> {
  const { input } = context;
  try {
    const result = await transcribe(dependencies, context);
    if (input.source.kind === "url") await writeCache(dependencies.kv, input.source.url, result);
    await removeBlobs(dependencies.blobs, context.jobId, input);
    if (input.requestId) {
      await enqueueWebhook(dependencies.jobs, {
        type: "transcription.completed",
        id: context.jobId,
        requestId: input.requestId,
        status: "completed",
        durationSeconds: result.durationSeconds,
        result,
        timestamp: new Date().toISOString(),
      });
    }
    await context.checkpoint(
      "counted",
      () => incrementCounter(dependencies.kv, "completed").then(() => true),
    );
    await context.progress(100, "Completed");
    return result;
  } catch (error) {
    if (context.signal.aborted) throw error; // shutdown or lost lease: another run picks it up
    const permanent = error instanceof PermanentJobError ||
      (error instanceof KilnError && !["upstream", "timeout", "internal"].includes(error.kind));
    if (!permanent && context.attempt < transcribeMaxAttempts) throw error;
    const code = error instanceof KilnError || error instanceof PermanentJobError
      ? error.code ?? "transcription_failed"
      : "transcription_failed";
    const message = withoutServerPaths(error instanceof Error ? error.message : String(error));
    await context.checkpoint(
      "counted",
      () => notifyFailure(dependencies, context.jobId, input, { code, message }).then(() => true),
    );
    const badInput = error instanceof KilnError && inputErrorKinds.has(error.kind);
    throw badInput ? new InvalidInputJobError(message, code) : new PermanentJobError(message, code);
  }
}

async function transcribe(
  dependencies: TranscriptionDependencies,
  context: JobContext<TranscribeJobInput>,
): Promise<TranscriptionResult> {
  const { blobs, asr, settings } = dependencies;
  const { source, requestId, authorizeDuration } = context.input;
  await context.progress(5, "Downloading media");
  const mediaKey = await context.checkpoint("media", async () => {
    if (source.kind === "upload") return source.blobKey;
    const key = mediaKeyOf(context.jobId);
    await fetchMediaToBlob(source.url, key, {
      blobs,
      policy: { allowPrivate: settings.allowPrivateUrls },
      limits: { maxBytes: settings.maxMediaBytes, timeoutMs: settings.fetchTimeoutMs },
      resolver: settings.mediaResolver,
      signal: context.signal,
    });
    return key;
  });
  const recognised = await context.checkpoint("recognised", async () => {
    const started = performance.now();
    await context.progress(25, "Extracting audio");
    const workDirectory = await Deno.makeTempDir({ prefix: "tttranscribe-" });
    try {
      const mediaPath = await localCopy(blobs, mediaKey, workDirectory);
      const audioPath = `${workDirectory}/audio.wav`;
      const { durationSeconds } = await extractAudio(mediaPath, audioPath, context.signal);
      if (authorizeDuration && requestId) {
        // Priced from what was decoded here, never from what the media server claimed.
        await context.progress(35, `Authorising ${Math.round(durationSeconds)} s of audio`);
        await authorizeMeasuredDuration(dependencies, {
          id: context.jobId,
          requestId,
          durationSeconds,
          attempt: context.attempt,
        }, context.signal);
      }
      await context.progress(40, `Transcribing ${Math.round(durationSeconds)} s of audio`);
      const [output, audio] = await Promise.all([
        asr.transcribe({ path: audioPath, signal: context.signal }),
        measureAudioQuality(audioPath),
      ]);
      // Cut before checkpointing: a stored checkpoint must stay well under KV's 64 KiB value limit.
      const { text, truncated } = truncateText(output.text, settings.keepTextMax);
      const timed = output.segments.length > 0
        ? output.segments
        : wholeAudioSegment(output.text, durationSeconds);
      return {
        text,
        truncated,
        language: output.language ?? "en",
        durationSeconds,
        segments: fitSegments(truncateSegments(timed, settings.keepTextMax)),
        confidence: output.confidence ?? null,
        audioQuality: audio.quality,
        processingSeconds: Math.round(performance.now() - started) / 1000,
      };
    } finally {
      await Deno.remove(workDirectory, { recursive: true }).catch(() => {});
    }
  });
  await context.progress(90, "Summarising");
  return {
    transcription: recognised.text,
    summary: summarise(recognised.text),
    truncated: recognised.truncated,
    language: recognised.language,
    durationSeconds: recognised.durationSeconds,
    segments: recognised.segments ?? [],
    confidence: recognised.confidence ?? null,
    audioQuality: recognised.audioQuality ?? null,
    processingSeconds: recognised.processingSeconds ?? null,
  };
}

/** A filesystem path for ffmpeg: the blob's own file when the store is local, else a copy. */
async function localCopy(blobs: BlobStore, key: string, workDirectory: string): Promise<string> {
  const direct = blobs.localPath?.(key);
  if (direct) return direct;
  const blob = await blobs.get(key);
  if (!blob) throw new KilnError("invalid", "media_missing", "The uploaded media is no longer stored.");
  const path = `${workDirectory}/media`;
  await Deno.writeFile(path, blob.body);
  return path;
}

async function removeBlobs(blobs: BlobStore, jobId: string, input: TranscribeJobInput): Promise<void> {
  await blobs.delete(input.source.kind === "upload" ? input.source.blobKey : mediaKeyOf(jobId));
}

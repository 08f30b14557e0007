/**
 * `GET /tttranscribe/status/:id`: the seed's shape (status queued|processing|completed|failed,
 * progress, currentStep, estimatedCompletion, result, error) plus webhook delivery attempts.
 */
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import type { JobEngine, JobRecord } from "../jobs/types.ts";
import { type DeliveryLog, readDeliveryLog } from "./delivery.ts";
import { transcribeJobKind } from "./job.ts";
import { transcriptionKeys } from "./keys.ts";
import type { CachedTranscription } from "./service.ts";
import { type ResultView, resultView } from "./result_view.ts";

export interface TranscriptionStatus {
  id: string;
  status: "queued" | "processing" | "completed" | "failed";
  progress: number;
  currentStep: string;
  /** ISO 8601; when the work is expected to finish (absent once finished). */
  estimatedCompletion?: string;
  cached: boolean;
  requestId?: string;
  /** The seed's alias of `id`. */
  request_id: string;
  createdAt: string;
  /** The seed's name for `createdAt`. */
  submittedAt: string;
  completedAt?: string;
  attempts: number;
  result?: ResultView;
  error?: { code: string; message: string };
  webhook?: DeliveryLog;
}

/** Typical wait before a queued job starts, and total time when nothing is known yet. */
const queuedGuessMs = 30_000;

export async function transcriptionStatus(
  { kv, jobs }: { kv: KvStore; jobs: JobEngine },
  id: string,
  now = Date.now(),
): Promise<TranscriptionStatus> {
  const [job, cached, webhook] = await Promise.all([
    jobs.get(id),
    kv.get<CachedTranscription>(transcriptionKeys.transcription(id)),
    readDeliveryLog(kv, id),
  ]);
  const withWebhook = (status: TranscriptionStatus) => webhook ? { ...status, webhook } : status;
  if (job && job.kind === transcribeJobKind) return withWebhook(fromJob(job, now));
  if (cached.value) {
    const record = cached.value;
    return withWebhook({
      id,
      status: "completed",
      progress: 100,
      currentStep: "Completed (cached)",
      cached: true,
      requestId: record.requestId,
      request_id: id,
      createdAt: new Date(record.createdAt).toISOString(),
      submittedAt: new Date(record.createdAt).toISOString(),
      completedAt: new Date(record.createdAt).toISOString(),
      attempts: 0,
      result: resultView(record.result),
    });
  }
  throw new KilnError("not_found", "transcription_not_found", "No transcription with this id.");
}

function fromJob(job: JobRecord, now: number): TranscriptionStatus {
  const input = job.input as { requestId?: string };
  const base = {
    id: job.id,
    progress: job.progress,
    cached: false,
    requestId: input.requestId,
    request_id: job.id,
    createdAt: new Date(job.createdAt).toISOString(),
    submittedAt: new Date(job.createdAt).toISOString(),
    attempts: job.attempts,
  };
  switch (job.status) {
    case "queued":
      return {
        ...base,
        status: job.attempts > 0 ? "processing" : "queued",
        currentStep: job.attempts > 0
          ? `Retrying (${job.error?.message ?? "previous attempt failed"})`
          : "Queued",
        estimatedCompletion: new Date(Math.max(now, job.runAt) + queuedGuessMs).toISOString(),
      };
    case "running": {
      const startedAt = job.startedAt ?? now;
      const elapsed = now - startedAt;
      // Extrapolate from progress once there is some; before that, assume the typical total.
      const total = job.progress >= 10 ? (elapsed * 100) / job.progress : queuedGuessMs;
      return {
        ...base,
        status: "processing",
        currentStep: job.step ?? "Processing",
        estimatedCompletion: new Date(Math.max(now + 1_000, startedAt + total)).toISOString(),
      };
    }
    case "succeeded":
      return {
        ...base,
        status: "completed",
        progress: 100,
        currentStep: "Completed",
        completedAt: new Date(job.finishedAt ?? job.updatedAt).toISOString(),
        result: resultView(job.result),
      };
    default:
      return {
        ...base,
        status: "failed",
        currentStep: job.status === "cancelled" ? "Cancelled" : "Failed",
        completedAt: new Date(job.finishedAt ?? job.updatedAt).toISOString(),
        error: { code: job.error?.code ?? "transcription_failed", message: job.error?.message ?? "Failed." },
      };
  }
}

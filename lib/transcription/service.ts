/**
 * The transcription service's operations, free of HTTP: accept a URL or an upload, estimate, and
 * report status. A transcription is either a job (its id is the job id) or, on a cache hit, a
 * stored record that is complete at once. A repeated `requestId` returns the first transcription.
 */
import { KilnError } from "../errors.ts";
import { randomId } from "../ids.ts";
import { readCache } from "./cache.ts";
import { enqueueWebhook } from "./delivery.ts";
import { type TranscribeJobInput, transcribeJobKind, type TranscriptionDependencies } from "./job.ts";
import { incrementCounter } from "./health.ts";
import { transcriptionKeys } from "./keys.ts";
import { assertPublicUrl, normaliseMediaUrl, parseMediaUrl } from "./url_policy.ts";
import type { TranscriptionResult } from "./webhook_payload.ts";

/** A completed-from-cache transcription (job-backed ones live in the job record). */
export interface CachedTranscription {
  id: string;
  url: string;
  requestId?: string;
  result: TranscriptionResult;
  createdAt: number;
}

export interface Accepted {
  id: string;
  /** Always "queued" on the wire (the seed contract); a cache hit is complete at once — see status. */
  status: "queued";
  cached: boolean;
  /** ISO 8601: when the transcription was first accepted (a repeated requestId keeps the first). */
  submittedAt: string;
  /** The media URL as accepted; null for an upload. */
  url: string | null;
  /** Seconds until the result is expected (0 for a cache hit). */
  estimatedProcessingTime: number;
}

/** The 202 body: Kiln's fields plus the seed's aliases (`requestId`/`request_id` = id, `statusPollUrl`). */
export function acceptedBody(accepted: Accepted, publicUrl: string) {
  const statusUrl = `${publicUrl}/tttranscribe/status/${accepted.id}`;
  return {
    ...accepted,
    requestId: accepted.id,
    request_id: accepted.id,
    statusUrl,
    statusPollUrl: statusUrl,
  };
}

export type TranscriptionSource =
  | { kind: "url"; url: string }
  | { kind: "upload"; file: File };

const recordTtlMs = 48 * 60 * 60 * 1000;

export async function acceptTranscription(
  dependencies: TranscriptionDependencies,
  request: { source: TranscriptionSource; requestId?: string; authorizeDuration?: boolean },
): Promise<Accepted> {
  const { kv, jobs, blobs, settings } = dependencies;
  const { requestId } = request;
  const authorizeDuration = request.authorizeDuration && requestId ? true : undefined;
  if (requestId) {
    const existing = await kv.get<string>(transcriptionKeys.request(requestId));
    if (existing.value) return await acceptedBefore(dependencies, existing.value);
  }
  let input: TranscribeJobInput;
  let mediaUrl: string | null = null;
  if (request.source.kind === "url") {
    const url = parseMediaUrl(request.source.url);
    await assertPublicUrl(url, { allowPrivate: settings.allowPrivateUrls });
    const cached = await readCache(kv, url.toString(), { count: true });
    if (cached) return await acceptFromCache(dependencies, url.toString(), cached, requestId);
    mediaUrl = url.toString();
    input = { source: { kind: "url", url: url.toString() }, requestId, authorizeDuration };
  } else {
    const { file } = request.source;
    if (file.size === 0) throw new KilnError("invalid", "empty_file", "The uploaded file is empty.");
    if (file.size > settings.maxMediaBytes) {
      throw new KilnError(
        "too_large",
        "media_too_large",
        `The media is larger than ${settings.maxMediaBytes} bytes.`,
      );
    }
    const blobKey = `tttranscribe/uploads/${randomId()}`;
    await blobs.put(blobKey, file.stream(), { contentType: file.type || "application/octet-stream" });
    input = {
      source: { kind: "upload", blobKey, fileName: file.name || undefined },
      requestId,
      authorizeDuration,
    };
  }
  const job = await jobs.enqueue(transcribeJobKind, input, {
    idempotencyKey: requestId ? `request:${requestId}` : undefined,
  });
  if (requestId) await kv.set(transcriptionKeys.request(requestId), job.id, { expireIn: recordTtlMs });
  if (job.attempts === 0 && job.status === "queued") await incrementCounter(kv, "accepted");
  return {
    id: job.id,
    status: "queued",
    cached: false,
    submittedAt: new Date(job.createdAt).toISOString(),
    url: mediaUrl,
    estimatedProcessingTime: processingGuessSeconds(defaultDurationSeconds),
  };
}

/** The answer to a repeated requestId: the first transcription, as it was accepted. */
async function acceptedBefore({ kv, jobs }: TranscriptionDependencies, id: string): Promise<Accepted> {
  const [job, record] = await Promise.all([
    jobs.get(id),
    kv.get<CachedTranscription>(transcriptionKeys.transcription(id)),
  ]);
  const input = job?.input as TranscribeJobInput | undefined;
  return {
    id,
    status: "queued",
    cached: Boolean(record.value),
    submittedAt: new Date(job?.createdAt ?? record.value?.createdAt ?? Date.now()).toISOString(),
    url: (input?.source.kind === "url" ? input.source.url : record.value?.url) ?? null,
    estimatedProcessingTime: job && ["queued", "running"].includes(job.status)
      ? processingGuessSeconds(defaultDurationSeconds)
      : 0,
  };
}

async function acceptFromCache(
  dependencies: TranscriptionDependencies,
  url: string,
  result: TranscriptionResult,
  requestId: string | undefined,
): Promise<Accepted> {
  const { kv, jobs } = dependencies;
  const record: CachedTranscription = { id: randomId(), url, requestId, result, createdAt: Date.now() };
  const operation = kv.atomic().set(transcriptionKeys.transcription(record.id), record, {
    expireIn: recordTtlMs,
  });
  if (requestId) {
    operation.check({ key: transcriptionKeys.request(requestId), versionstamp: null })
      .set(transcriptionKeys.request(requestId), record.id, { expireIn: recordTtlMs });
  }
  const committed = await operation.commit();
  if (!committed.ok && requestId) {
    const winner = await kv.get<string>(transcriptionKeys.request(requestId));
    if (winner.value) return await acceptedBefore(dependencies, winner.value);
  }
  await incrementCounter(kv, "accepted");
  await incrementCounter(kv, "completed");
  if (requestId) {
    await enqueueWebhook(jobs, {
      type: "transcription.completed",
      id: record.id,
      requestId,
      status: "completed",
      durationSeconds: result.durationSeconds,
      result,
      timestamp: new Date().toISOString(),
    });
  }
  return {
    id: record.id,
    status: "queued",
    cached: true,
    submittedAt: new Date(record.createdAt).toISOString(),
    url,
    estimatedProcessingTime: 0,
  };
}

export interface Estimate {
  url: string;
  cached: boolean;
  estimatedDurationSeconds: number;
  estimatedCredits: number;
  estimatedProcessingSeconds: number;
  /** How the duration was found: the cached result, the file size, or a default guess. */
  basis: "cache" | "content_length" | "default";
}

const defaultDurationSeconds = 60;
/** A typical compressed media stream (~128 kbit/s) for guessing duration from Content-Length. */
const bytesPerSecond = 16_000;

export async function estimateTranscription(
  dependencies: TranscriptionDependencies,
  rawUrl: string,
): Promise<Estimate> {
  const { kv, settings } = dependencies;
  const url = parseMediaUrl(rawUrl);
  await assertPublicUrl(url, { allowPrivate: settings.allowPrivateUrls });
  const cached = await readCache(kv, url.toString());
  let duration = defaultDurationSeconds;
  let basis: Estimate["basis"] = "default";
  if (cached) {
    duration = cached.durationSeconds;
    basis = "cache";
  } else {
    const length = await contentLength(url);
    if (length) {
      duration = Math.max(1, Math.round(length / bytesPerSecond));
      basis = "content_length";
    }
  }
  return {
    url: normaliseMediaUrl(url.toString()),
    cached: Boolean(cached),
    estimatedDurationSeconds: duration,
    estimatedCredits: Math.max(1, Math.ceil(duration / 60)),
    estimatedProcessingSeconds: cached ? 0 : processingGuessSeconds(duration),
    basis,
  };
}

/** Download, decoding and recognition take about a fifth of real time, plus a fixed start-up. */
function processingGuessSeconds(durationSeconds: number): number {
  return Math.ceil(5 + durationSeconds * 0.2);
}

/** A HEAD request's Content-Length (no redirects followed, short timeout); undefined when unknown. */
async function contentLength(url: URL): Promise<number | undefined> {
  try {
    const response = await fetch(url, {
      method: "HEAD",
      redirect: "manual",
      signal: AbortSignal.timeout(5_000),
    });
    await response.body?.cancel();
    const length = Number(response.headers.get("content-length"));
    // A web page's size says nothing about the media it shows (a TikTok page, for one).
    const page = (response.headers.get("content-type") ?? "").startsWith("text/html");
    return response.ok && !page && length > 0 ? length : undefined;
  } catch {
    return undefined;
  }
}

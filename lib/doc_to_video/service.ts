/**
 * Doc-to-video's operations behind the routes: accept an upload (checks, blob, job), report a
 * job's status with its script, files and cost, cancel it, and hand out its files. The job id is
 * the capability: 128 CSPRNG bits, and an expired or unknown id looks the same.
 */
import type { KvStore } from "../store/types.ts";
import { z } from "zod";
import type { BlobStore, StoredBlob } from "../blobs/types.ts";
import { KilnError } from "../errors.ts";
import { randomId } from "../ids.ts";
import type { JobEngine, JobRecord } from "../jobs/types.ts";
import type { Logger } from "../log.ts";
import type { CostEstimate } from "./cost.ts";
import { readFacts } from "./job_facts.ts";
import { blobKeys, docToVideoKeys } from "./keys.ts";
import { docToVideoJobKind, jobTtlMs, maxDocumentBytes, VideoOptions } from "./options.ts";
import { sha256Hex } from "./script_cache.ts";

export interface DocToVideoDeps {
  kv: KvStore;
  blobs: BlobStore;
  jobs: JobEngine;
  defaultModel: string;
  /** Signs the token in D-ID webhook URLs. */
  webhookSecret: string;
}

export interface VideoStatus {
  job_id: string;
  status: JobRecord["status"];
  progress: number;
  step?: string;
  created_at: number;
  started_at?: number;
  finished_at?: number;
  expires_at?: number;
  script?: string;
  language?: string;
  words?: number;
  estimated_seconds?: number;
  video_url?: string;
  captions_url?: string;
  script_url?: string;
  error?: string;
  error_code?: string;
  cost?: CostEstimate;
}

export const fileNames = {
  "video.mp4": "video",
  "captions.vtt": "captions",
  "script.txt": "script",
} as const;
export type FileName = keyof typeof fileNames;

export function createDocToVideoService(deps: DocToVideoDeps) {
  async function liveJob(jobId: string): Promise<JobRecord> {
    const job = await deps.jobs.get(jobId);
    if (!job || job.kind !== docToVideoJobKind || isExpired(job)) {
      throw new KilnError(
        "not_found",
        "video_job_not_found",
        "No doc-to-video job with this id (or it expired).",
      );
    }
    return job;
  }

  return {
    webhookSecret: deps.webhookSecret,

    /** Validates the upload, stores the PDF and enqueues the job (429 beyond 2 running per client). */
    async submit(form: FormData, clientKey: string, log: Logger): Promise<JobRecord> {
      const document = form.get("document");
      if (!(document instanceof File)) {
        throw new KilnError(
          "invalid",
          "document_missing",
          "Attach the PDF as the multipart field `document`.",
        );
      }
      if (document.size > maxDocumentBytes) {
        throw new KilnError("too_large", "document_too_large", "The PDF is larger than 20 MB.", {
          details: { limitBytes: maxDocumentBytes },
        });
      }
      const bytes = new Uint8Array(await document.arrayBuffer());
      const pdfMagic = new TextDecoder().decode(bytes.subarray(0, 1024)).includes("%PDF-");
      if (!pdfMagic || !/^(application\/pdf|application\/octet-stream|)$/.test(document.type)) {
        throw new KilnError(
          "unsupported_media_type",
          "document_not_pdf",
          "Only PDF documents are accepted.",
          {
            details: { accepted: ["application/pdf"] },
          },
        );
      }
      const fields = Object.fromEntries(
        ["avatar", "apiType", "sentiment", "category", "model"]
          .map((name) => [name, form.get(name)])
          .filter(([, value]) => typeof value === "string" && value !== ""),
      );
      const parsed = VideoOptions.safeParse(fields);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new KilnError(
          "invalid",
          "validation_failed",
          `Invalid body: ${issue.path.join(".")}: ${issue.message}`,
          {
            details: {
              issues: parsed.error.issues.map((item) => ({
                path: ["body", ...item.path.map(String)].join("."),
                message: item.message,
                code: item.code,
              })),
            },
          },
        );
      }
      const options = { ...parsed.data, model: parsed.data.model || deps.defaultModel };
      const workId = randomId();
      await deps.blobs.put(blobKeys.document(workId), bytes, { contentType: "application/pdf" });
      let job: JobRecord;
      try {
        job = await deps.jobs.enqueue(docToVideoJobKind, {
          workId,
          documentHash: await sha256Hex(bytes),
          documentBytes: bytes.byteLength,
          options,
        }, { concurrency: { key: `doc-to-video:${clientKey}`, limit: 2, mode: "reject" }, ttl: jobTtlMs });
      } catch (error) {
        await deps.blobs.delete(blobKeys.document(workId));
        if (error instanceof KilnError && error.code === "concurrency_limit") {
          throw new KilnError(
            "rate_limited",
            "concurrency_limit",
            "You already have 2 videos in progress; wait for one to finish or cancel it.",
            { retryAfterSeconds: 30 },
          );
        }
        throw error;
      }
      await deps.kv.set(docToVideoKeys.cleanup(workId), { jobId: job.id, createdAt: Date.now() });
      log.info("job_created", {
        jobId: job.id,
        documentBytes: bytes.byteLength,
        ...options,
      });
      return job;
    },

    async status(jobId: string): Promise<VideoStatus> {
      const job = await liveJob(jobId);
      const facts = await readFacts(deps.kv, jobId);
      const view: VideoStatus = {
        job_id: job.id,
        status: job.status,
        progress: job.progress,
        created_at: job.createdAt,
      };
      if (job.step) view.step = job.step;
      if (job.startedAt) view.started_at = job.startedAt;
      if (job.finishedAt) {
        view.finished_at = job.finishedAt;
        view.expires_at = job.finishedAt + jobTtlMs;
      }
      if (facts?.script) {
        Object.assign(view, {
          script: facts.script,
          language: facts.language,
          words: facts.words,
          estimated_seconds: facts.estimatedSeconds,
          script_url: `/api/doc-to-video/${job.id}/files/script.txt`,
        });
      }
      if (job.status === "succeeded" && facts?.hasVideo) {
        view.video_url = `/api/doc-to-video/${job.id}/files/video.mp4`;
        view.captions_url = `/api/doc-to-video/${job.id}/files/captions.vtt`;
      }
      if (facts?.cost) view.cost = facts.cost;
      if (job.error) {
        view.error = job.error.message;
        if (job.error.code) view.error_code = job.error.code;
      }
      return view;
    },

    async cancel(jobId: string): Promise<VideoStatus> {
      await liveJob(jobId);
      await deps.jobs.cancel(jobId, "cancelled by the user");
      return await this.status(jobId);
    },

    async file(jobId: string, name: FileName): Promise<StoredBlob> {
      const job = await liveJob(jobId);
      const facts = await readFacts(deps.kv, jobId);
      const kind = fileNames[name];
      const ready = kind === "script"
        ? Boolean(facts?.script)
        : job.status === "succeeded" && facts?.hasVideo;
      const stored = ready && facts ? await deps.blobs.get(blobKeys[kind](facts.workId)) : null;
      if (!stored) throw new KilnError("not_found", "video_file_not_ready", `The ${kind} is not ready.`);
      return stored;
    },
  };
}

export type DocToVideoService = ReturnType<typeof createDocToVideoService>;

/** Finished jobs stay readable for 30 minutes (the engine keeps failures longer as dead letters). */
export function isExpired(job: JobRecord, now = Date.now()): boolean {
  return job.finishedAt !== undefined && now > job.finishedAt + jobTtlMs;
}

export const FileParams = z.object({
  id: z.string().min(1).max(64),
  name: z.enum(Object.keys(fileNames) as [FileName, ...FileName[]]),
});

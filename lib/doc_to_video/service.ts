/**
 * Doc-to-video's operations behind the routes: accept an upload (checks, blob, job), report a
 * job's status with its script, files and cost, cancel it, and hand out its files. The job id is
 * the capability: 128 CSPRNG bits, and an expired or unknown id looks the same.
 */
import type { KvStore } from "../store/types.ts";
import { z } from "zod";
import type { BlobStore, StoredBlob } from "../blobs/types.ts";
import { KilnError } from "../errors.ts";
import { validate } from "../http/body.ts";
import { randomId } from "../ids.ts";
import type { JobEngine, JobRecord } from "../jobs/types.ts";
import type { Logger } from "../log.ts";
import type { Voice } from "../media/voices.ts";
import type { ChatModel } from "../providers/llm/types.ts";
import type { CostEstimate } from "./cost.ts";
import { type JobFacts, readFacts, updateFacts } from "./job_facts.ts";
import { blobKeys } from "./keys.ts";
import {
  type DocToVideoJobInput,
  docToVideoJobKind,
  jobTtlMs,
  maxDocumentBytes,
  VideoOptions,
} from "./options.ts";
import { enqueueVideoJob } from "./enqueue.ts";
import { createReviewOperations } from "./review.ts";
import type { Language } from "./script_rules.ts";
import { type ScriptSection, sectionStats } from "./sections.ts";
import { sha256Hex } from "../hmac.ts";

export interface DocToVideoDependencies {
  kv: KvStore;
  blobs: BlobStore;
  jobs: JobEngine;
  defaultModel: string;
  /** Signs the token in D-ID webhook URLs. */
  webhookSecret: string;
  voices: () => Promise<Voice[]>;
  /** Whether poppler-utils can render pages here. */
  pageVisuals: () => Promise<boolean>;
  /** The script writer's model, for regenerating one section (offline: extractive). */
  chat?: ChatModel;
}

export interface SectionView extends ScriptSection {
  words: number;
  estimated_seconds: number;
}

export interface VideoStatus {
  job_id: string;
  /** `awaiting_review`: the script waits for PUT /api/doc-to-video/:id/script. */
  status: JobRecord["status"] | "awaiting_review";
  progress: number;
  step?: string;
  created_at: number;
  started_at?: number;
  finished_at?: number;
  expires_at?: number;
  script?: string;
  sections?: SectionView[];
  language?: string;
  words?: number;
  estimated_seconds?: number;
  voice?: string;
  video_url?: string;
  captions_url?: string;
  chapters_url?: string;
  poster_url?: string;
  script_url?: string;
  error?: string;
  error_code?: string;
  cost?: CostEstimate;
}

export const fileNames = {
  "video.mp4": "video",
  "captions.vtt": "captions",
  "chapters.vtt": "chapters",
  "poster.jpg": "poster",
  "script.txt": "script",
} as const;
export type FileName = keyof typeof fileNames;

export function createDocToVideoService(deps: DocToVideoDependencies) {
  async function liveJob(jobId: string): Promise<JobRecord> {
    const job = await deps.jobs.get(jobId);
    // A render job that follows a review is internal: the reviewed job's id is the one a user holds.
    const internal = (job?.input as DocToVideoJobInput | undefined)?.reviewOf !== undefined;
    if (!job || job.kind !== docToVideoJobKind || internal || isExpired(job)) {
      throw new KilnError(
        "not_found",
        "video_job_not_found",
        "No doc-to-video job with this id (or it expired).",
      );
    }
    return job;
  }

  /** The job whose progress the user sees: the render job once a reviewed script is confirmed. */
  async function effectiveJob(job: JobRecord, facts: JobFacts | null): Promise<JobRecord> {
    if (!facts?.renderJobId) return job;
    return await deps.jobs.get(facts.renderJobId) ?? job;
  }

  const review = createReviewOperations({ ...deps, liveJob });

  return {
    webhookSecret: deps.webhookSecret,
    voices: deps.voices,
    pageVisuals: deps.pageVisuals,
    ...review,

    /** The job to stream live events from for `jobId`. */
    async eventsJob(jobId: string): Promise<JobRecord> {
      const job = await liveJob(jobId);
      return await effectiveJob(job, await readFacts(deps.kv, jobId));
    },

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
        ["avatar", "apiType", "sentiment", "category", "model", "voice", "review"]
          .map((name) => [name, form.get(name)])
          .filter(([, value]) => typeof value === "string" && value !== ""),
      );
      const chosen = validate(VideoOptions, fields, "body");
      const installed = await deps.voices();
      if (chosen.voice && !installed.some((voice) => voice.id === chosen.voice)) {
        throw new KilnError(
          "invalid",
          "voice_unavailable",
          `The voice ${chosen.voice} is not installed here.`,
          {
            details: { available: installed.map((voice) => voice.id) },
          },
        );
      }
      const options = { ...chosen, model: chosen.model || deps.defaultModel };
      const workId = randomId();
      await deps.blobs.put(blobKeys.document(workId), bytes, { contentType: "application/pdf" });
      let job: JobRecord;
      try {
        job = await enqueueVideoJob(deps.jobs, {
          workId,
          documentHash: await sha256Hex(bytes),
          documentBytes: bytes.byteLength,
          options,
        }, clientKey);
      } catch (error) {
        await deps.blobs.delete(blobKeys.document(workId));
        throw error;
      }
      log.info("job_created", {
        jobId: job.id,
        documentBytes: bytes.byteLength,
        ...options,
      });
      return job;
    },

    async status(jobId: string): Promise<VideoStatus> {
      const reviewed = await liveJob(jobId);
      const facts = await readFacts(deps.kv, jobId);
      const job = await effectiveJob(reviewed, facts);
      const view: VideoStatus = {
        job_id: reviewed.id,
        status: facts?.review === "pending" && job.status === "succeeded"
          ? "awaiting_review"
          : facts?.review === "cancelled"
          ? "cancelled"
          : job.status,
        progress: job.progress,
        created_at: reviewed.createdAt,
      };
      if (job.step) view.step = job.step;
      if (job.startedAt) view.started_at = job.startedAt;
      if (job.finishedAt) {
        view.finished_at = job.finishedAt;
        view.expires_at = job.finishedAt + jobTtlMs;
      }
      if (facts?.script) {
        const language: Language = facts.language ?? "en";
        Object.assign(view, {
          script: facts.script,
          ...(facts.sections
            ? {
              sections: facts.sections.map((section) => {
                const stats = sectionStats(section, language);
                return { ...section, words: stats.words, estimated_seconds: stats.estimatedSeconds };
              }),
            }
            : {}),
          language: facts.language,
          words: facts.words,
          estimated_seconds: facts.estimatedSeconds,
          script_url: `/api/doc-to-video/${reviewed.id}/files/script.txt`,
        });
      }
      if (facts?.voice) view.voice = facts.voice;
      if (job.status === "succeeded" && facts?.hasVideo) {
        const files = `/api/doc-to-video/${reviewed.id}/files`;
        view.video_url = `${files}/video.mp4`;
        view.captions_url = `${files}/captions.vtt`;
        if (facts.hasChapters) view.chapters_url = `${files}/chapters.vtt`;
        if (facts.hasPoster) view.poster_url = `${files}/poster.jpg`;
      }
      if (facts?.cost) view.cost = facts.cost;
      if (job.error) {
        view.error = job.error.message;
        if (job.error.code) view.error_code = job.error.code;
      }
      return view;
    },

    async cancel(jobId: string): Promise<VideoStatus> {
      const job = await liveJob(jobId);
      const facts = await readFacts(deps.kv, jobId);
      if (facts?.review === "pending") {
        await updateFacts(
          deps.kv,
          jobId,
          (current) => current?.review === "pending" ? { ...current, review: "cancelled" } : current!,
        );
      } else {
        await deps.jobs.cancel((await effectiveJob(job, facts)).id, "cancelled by the user");
      }
      return await this.status(jobId);
    },

    async file(jobId: string, name: FileName): Promise<StoredBlob> {
      const facts = await readFacts(deps.kv, jobId);
      const job = await effectiveJob(await liveJob(jobId), facts);
      const kind = fileNames[name];
      const ready = kind === "script"
        ? Boolean(facts?.script)
        : job.status === "succeeded" && facts?.hasVideo &&
          (kind !== "poster" || facts.hasPoster) && (kind !== "chapters" || facts.hasChapters);
      const stored = ready && facts ? await deps.blobs.get(blobKeys[kind](facts.workId)) : null;
      if (!stored) throw new KilnError("not_found", "video_file_not_ready", `${name} is not ready yet.`);
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

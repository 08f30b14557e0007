/**
 * Starting a doc-to-video job: at most 2 unfinished jobs per client address (the job engine's
 * "reject" slots), refused with a 429 that says what to do. The work folder's cleanup record is
 * written in the same commit as the job, so no crash can leave files the cleanup sweep never finds.
 */
import { KilnError } from "../errors.ts";
import type { JobEngine, JobRecord } from "../jobs/types.ts";
import { docToVideoKeys } from "./keys.ts";
import { type DocToVideoJobInput, docToVideoJobKind, jobTtlMs } from "./options.ts";

export async function enqueueVideoJob(
  jobs: JobEngine,
  input: DocToVideoJobInput,
  clientKey: string,
  idempotencyKey?: string,
): Promise<JobRecord> {
  try {
    return await jobs.enqueue(docToVideoJobKind, input, {
      ...(idempotencyKey ? { idempotencyKey } : {}),
      concurrency: { key: `doc-to-video:${clientKey}`, limit: 2, mode: "reject" },
      ttl: jobTtlMs,
      stage: (operation, job) =>
        operation.set(docToVideoKeys.cleanup(input.workId), { jobId: job.id, createdAt: Date.now() }),
    });
  } catch (error) {
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
}

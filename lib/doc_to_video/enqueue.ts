/**
 * Starting a doc-to-video job: at most 2 unfinished jobs per client address (the job engine's
 * "reject" slots), refused with a 429 that says what to do.
 */
import { KilnError } from "../errors.ts";
import type { JobEngine, JobRecord } from "../jobs/types.ts";
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

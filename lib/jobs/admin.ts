/**
 * Reading and steering jobs from outside a handler: get, cancel, retry a dead letter, count by
 * state (listing is in list.ts). Each change is one version-checked atomic, retried on conflict.
 */
import { KilnError } from "../errors.ts";
import { type EngineContext, reportFinished } from "./context.ts";
import { jobKeys } from "./keys.ts";
import { hasRoom, pruneSlot, readSlot, slotMode, stageRelease, stageSlot, withHolder } from "./slots.ts";
import {
  deadLetterTtlMs,
  finishedRecord,
  isExpired,
  isTerminal,
  nextRecord,
  stageCheckpointCleanup,
  stageWake,
  stageWrite,
  transactJob,
} from "./transition.ts";
import type { JobCounts, JobRecord } from "./types.ts";

/** Upper bound of an index scan in counts(): enough for an admin page, cheap enough to call often. */
const countLimit = 100_000;

export async function getJob(ctx: EngineContext, id: string): Promise<JobRecord | null> {
  const entry = await ctx.kv.get<JobRecord>(jobKeys.job(id));
  return entry.value && !isExpired(entry.value, ctx.now()) ? entry.value : null;
}

export async function cancelJob(ctx: EngineContext, id: string, reason?: string): Promise<JobRecord | null> {
  const outcome = await transactJob(ctx, { name: "jobs.cancel", maxAttempts: 50 }, async (tx, read) => {
    const entry = await read.get<JobRecord>(jobKeys.job(id));
    const record = entry.value;
    const now = ctx.now();
    if (!record || isExpired(record, now)) return null;
    if (isTerminal(record.status)) return { record, was: null };
    await stageRelease(ctx, tx, record);
    await stageCheckpointCleanup(ctx, tx, id);
    const error = {
      message: reason ? `Cancelled: ${reason}`.slice(0, 1_000) : "Cancelled",
      code: "cancelled",
    };
    const next = finishedRecord(record, "cancelled", {
      error: { ...error, attempt: record.attempts, at: now },
    }, now);
    stageWrite(ctx, tx, record, next);
    return { record: next, was: record };
  });
  if (!outcome?.was) return outcome?.record ?? null;
  const { record: next, was } = outcome;
  // The KV state is final; stop the handler if it runs here (elsewhere, its heartbeat notices).
  ctx.running.get(id)?.lose("cancelled");
  reportFinished(ctx, next);
  ctx.log.info("job_cancelled", { jobId: id, kind: was.kind, attempt: was.attempts, was: was.status });
  return next;
}

export async function retryJob(ctx: EngineContext, id: string): Promise<JobRecord> {
  const next = await transactJob(ctx, { name: "jobs.retry", maxAttempts: 50 }, async (tx, read) => {
    const entry = await read.get<JobRecord>(jobKeys.job(id));
    const record = entry.value;
    const now = ctx.now();
    if (!record || isExpired(record, now)) throw new KilnError("not_found", "job_not_found", "No such job.");
    if (record.status !== "failed") {
      throw new KilnError(
        "conflict",
        "job_not_failed",
        `Only failed jobs can be retried (this one is ${record.status}).`,
      );
    }
    const limit = record.concurrency;
    if (limit && slotMode(limit) === "reject") {
      let slot = await readSlot(ctx, limit.key);
      if (!hasRoom(slot, id, limit.limit)) slot = await pruneSlot(ctx, slot);
      if (!hasRoom(slot, id, limit.limit)) {
        throw new KilnError(
          "rate_limited",
          "concurrency_limit",
          "Too many jobs running for this key; try again later.",
          {
            retryAfterSeconds: 5,
            details: { limit: limit.limit },
          },
        );
      }
      stageSlot(tx, slot, withHolder(slot.value, id));
    }
    const next = nextRecord(record, {
      status: "queued",
      attempts: 0,
      crashes: undefined,
      runAt: now,
      progress: 0,
      step: undefined,
      lastError: record.error,
      error: undefined,
      startedAt: undefined,
      finishedAt: undefined,
      expiresAt: undefined,
    }, now);
    stageWrite(ctx, tx, record, next);
    stageWake(ctx, tx, id, 0);
    return next;
  });
  ctx.log.info("job_retried", { jobId: id, kind: next.kind });
  return next;
}

export async function countJobs(ctx: EngineContext): Promise<JobCounts> {
  const count = async (prefix: Deno.KvKey, keep: (key: Deno.KvKey) => boolean = () => true) => {
    let n = 0;
    for await (const entry of ctx.kv.list({ prefix }, { limit: countLimit, batchSize: 1_000 })) {
      if (keep(entry.key)) n++;
    }
    return n;
  };
  const deadSince = ctx.now() - deadLetterTtlMs;
  const [queued, running, failed] = await Promise.all([
    count(jobKeys.pendingPrefix),
    count(jobKeys.leasePrefix),
    count(jobKeys.deadPrefix, (key) => (key[2] as number) > deadSince),
  ]);
  return { queued, running, failed };
}

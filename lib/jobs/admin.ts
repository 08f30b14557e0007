/**
 * Reading and steering jobs from outside a handler: get, cancel, retry a dead letter, count by
 * state (listing is in list.ts). Each change is one version-checked atomic, retried on conflict.
 */
import { KilnError } from "../errors.ts";
import { type EngineContext, reportFinished } from "./context.ts";
import { jobKeys } from "./keys.ts";
import { hasRoom, pruneSlot, readSlot, slotMode, stageRelease, stageSlot, withHolder } from "./slots.ts";
import {
  beginTx,
  commitTx,
  deadLetterTtlMs,
  finishedRecord,
  isExpired,
  isTerminal,
  nextRecord,
  stageCheckpointCleanup,
  stageWake,
  stageWrite,
} from "./transition.ts";
import type { JobCounts, JobRecord } from "./types.ts";

const maxRounds = 50;
/** Upper bound of an index scan in counts(): enough for an admin page, cheap enough to call often. */
const countLimit = 100_000;

export async function getJob(ctx: EngineContext, id: string): Promise<JobRecord | null> {
  const entry = await ctx.kv.get<JobRecord>(jobKeys.job(id));
  return entry.value && !isExpired(entry.value, ctx.now()) ? entry.value : null;
}

export async function cancelJob(ctx: EngineContext, id: string, reason?: string): Promise<JobRecord | null> {
  for (let round = 0; round < maxRounds; round++) {
    const entry = await ctx.kv.get<JobRecord>(jobKeys.job(id));
    const record = entry.value;
    const now = ctx.now();
    if (!record || isExpired(record, now)) return null;
    if (isTerminal(record.status)) return record;
    const tx = beginTx(ctx);
    tx.op.check(entry);
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
    if ((await commitTx(ctx, tx)).ok) {
      // The KV state is final; stop the handler if it runs here (elsewhere, its heartbeat notices).
      ctx.running.get(id)?.lose("cancelled");
      reportFinished(ctx, next);
      ctx.log.info("job_cancelled", {
        jobId: id,
        kind: record.kind,
        attempt: record.attempts,
        was: record.status,
      });
      return next;
    }
  }
  throw new KilnError("unavailable", "job_contended", "The job is changing too fast; try again.", {
    retryAfterSeconds: 1,
  });
}

export async function retryJob(ctx: EngineContext, id: string): Promise<JobRecord> {
  for (let round = 0; round < maxRounds; round++) {
    const entry = await ctx.kv.get<JobRecord>(jobKeys.job(id));
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
    const tx = beginTx(ctx);
    tx.op.check(entry);
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
    if ((await commitTx(ctx, tx)).ok) {
      ctx.log.info("job_retried", { jobId: id, kind: record.kind });
      return next;
    }
  }
  throw new KilnError("unavailable", "job_contended", "The job is changing too fast; try again.", {
    retryAfterSeconds: 1,
  });
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

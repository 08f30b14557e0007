/**
 * What a queue message does: decide whether the job is ours to start, and take it with one
 * version-checked atomic (queued → running, pending index → lease index, slot acquired). Messages
 * are only hints — duplicates, early or stale ones are expected — so every decision is made from
 * the record, and the loser of a race drops its message.
 */
import { errorMessage } from "../log.ts";
import { type EngineContext, reportFinished } from "./context.ts";
import { jobKeys } from "./keys.ts";
import { ownerState } from "./presence.ts";
import { startRun } from "./run.ts";
import {
  hasRoom,
  pruneSlot,
  readSlot,
  slotMode,
  stageRelease,
  stageSlot,
  withHolder,
  withWaiter,
} from "./slots.ts";
import {
  beginTx,
  commitTx,
  finishedRecord,
  isTerminal,
  nextRecord,
  stageWake,
  stageWrite,
} from "./transition.ts";
import type { JobRecord } from "./types.ts";

/** A message may arrive this much before `runAt` (timer granularity) and still start the job. */
const earlySlackMs = 5;
const maxRounds = 20;

export async function handleJobMessage(ctx: EngineContext, id: string): Promise<void> {
  if (ctx.stopping || ctx.running.has(id)) return;
  for (let round = 0; round < maxRounds; round++) {
    const entry = await ctx.kv.get<JobRecord>(jobKeys.job(id));
    const record = entry.value;
    if (!record || isTerminal(record.status)) return;
    const now = ctx.now();
    if (!ctx.definitions.has(record.kind)) {
      ctx.log.warn("job_kind_not_defined", { jobId: id, kind: record.kind });
      return; // another process may run it; the sweep re-sends it later
    }

    let recovered = false;
    let crashed = false;
    if (record.status === "running") {
      if ((record.leaseUntil ?? 0) > now) return; // a live worker holds it: duplicate message
      const owner = await ownerState(ctx, record, now);
      if (typeof owner === "object") return await ctx.queue.send(id, owner.decideInMs);
      recovered = true;
      crashed = owner === "dead";
      if (crashed && (record.crashes ?? 0) >= ctx.crashRetries) {
        return void await failUnhandled(ctx, entry, record, now, {
          code: "process_crashed",
          message: `The process running attempt ${record.attempts} ended before it finished (a crash, an ` +
            "out-of-memory kill or kill -9). It was not run again in case this job caused it; inspect it " +
            "and retry it from the admin API.",
        });
      }
      if (record.attempts >= record.maxAttempts) {
        return void await failUnhandled(ctx, entry, record, now, {
          code: "worker_lost",
          message: "Worker lost during the final attempt",
        });
      }
    } else if (record.runAt > now + earlySlackMs && !record.waitingForSlot) {
      // Early or stale message: keep the wake-up for when the job is due.
      await ctx.queue.send(id, record.runAt - now);
      return;
    }

    const tx = beginTx(ctx);
    tx.op.check(entry);
    const limit = record.concurrency;
    if (limit && slotMode(limit) === "queue") {
      let slot = await readSlot(ctx, limit.key);
      if (!hasRoom(slot, id, limit.limit)) slot = await pruneSlot(ctx, slot);
      if (!hasRoom(slot, id, limit.limit)) {
        // Full. An early arrival (a wake-up that lost the slot to someone else) just drops: the
        // re-check message for `runAt` is still on its way. A due one schedules the next re-check.
        if (record.waitingForSlot && record.runAt > now) return;
        stageSlot(tx, slot, withWaiter(slot.value, id));
        stageWrite(
          ctx,
          tx,
          record,
          nextRecord(record, { runAt: now + ctx.slotRecheckMs, waitingForSlot: true }, now),
        );
        stageWake(ctx, tx, id, ctx.slotRecheckMs);
        const result = await commitTx(ctx, tx);
        if (result.ok || !(await onlySlotChanged(ctx, entry))) return;
        continue; // the slot changed under us: a place may have been freed
      }
      stageSlot(tx, slot, withHolder(slot.value, id));
    }

    const claimed = nextRecord(record, {
      status: "running",
      attempts: record.attempts + 1,
      leaseUntil: now + ctx.leaseMs,
      leaseOwner: ctx.workerId,
      startedAt: now,
      waitingForSlot: undefined,
      ...(crashed ? { crashes: (record.crashes ?? 0) + 1 } : {}),
    }, now);
    stageWrite(ctx, tx, record, claimed);
    const result = await commitTx(ctx, tx);
    if (!result.ok) {
      if (await onlySlotChanged(ctx, entry)) continue;
      return; // someone else claimed or cancelled it
    }
    const fields = { jobId: id, kind: record.kind, attempt: claimed.attempts };
    if (recovered) ctx.log.warn("job_recovered", { ...fields, previousOwner: record.leaseOwner, crashed });
    const run = startRun(ctx, claimed, result.versionstamp);
    ctx.running.set(id, run);
    ctx.log.info("job_started", fields);
    if (ctx.stopping) await run.release(); // stop() began while we were claiming
    return;
  }
  ctx.log.warn("job_claim_contended", { jobId: id });
}

/** After a failed commit: true when the record is unchanged (so only a slot moved and we retry). */
async function onlySlotChanged(ctx: EngineContext, entry: Deno.KvEntry<JobRecord>): Promise<boolean> {
  const fresh = await ctx.kv.get<JobRecord>(entry.key);
  return fresh.versionstamp === entry.versionstamp;
}

/**
 * Fails a running job whose handler cannot settle it (its process died, or its worker was lost on
 * the final attempt): a dead letter with `error`, then the kind's `onAbandoned` hook.
 */
async function failUnhandled(
  ctx: EngineContext,
  entry: Deno.KvEntry<JobRecord>,
  record: JobRecord,
  now: number,
  reason: { code: string; message: string },
) {
  try {
    const tx = beginTx(ctx);
    tx.op.check(entry);
    await stageRelease(ctx, tx, record);
    const error = { ...reason, attempt: record.attempts, at: now };
    const next = finishedRecord(record, "failed", { error }, now);
    stageWrite(ctx, tx, record, next);
    const result = await commitTx(ctx, tx);
    if (!result.ok) return;
    reportFinished(ctx, next);
    ctx.log.error("job_failed", {
      jobId: record.id,
      kind: record.kind,
      attempt: record.attempts,
      code: reason.code,
      error: reason.message,
    });
    await ctx.definitions.get(record.kind)?.hooks?.onAbandoned?.(next);
  } catch (error) {
    ctx.log.error("job_fail_unhandled_failed", { jobId: record.id, error: errorMessage(error) });
  }
}

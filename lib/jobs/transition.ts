/**
 * How a record changes state. Every write goes through `stageWrite`, which keeps the indexes,
 * the expiry of terminal jobs and the live event in the same atomic as the record: an observer can
 * never see a status without its index entry or miss a revision on the job's topic.
 */
import { transact, type Transaction } from "../store/transaction.ts";
import { type EngineContext, jobTopic } from "./context.ts";
import { jobKeys } from "./keys.ts";
import type { JobRecord, JobStatus } from "./types.ts";
import { publicJobView } from "./view.ts";

/** Failed jobs are dead letters, kept this long for inspection and `retry()`. */
export const deadLetterTtlMs = 7 * 24 * 60 * 60 * 1000;
/** Checkpoints outlive any retry window of their job; success and cancel delete them sooner. */
export const checkpointTtlMs = 30 * 24 * 60 * 60 * 1000;

export function isTerminal(status: JobStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "cancelled";
}

/** True when a terminal record is past its retention (KV's `expireIn` is lazy). */
export function isExpired(record: JobRecord, now: number): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= now;
}

/** The next revision of `prev` with `changes`; `undefined` in changes removes a field. */
export function nextRecord(prev: JobRecord, changes: Partial<JobRecord>, now: number): JobRecord {
  const next = { ...prev, ...changes, revision: prev.revision + 1, updatedAt: now } as JobRecord;
  for (const name of Object.keys(changes) as (keyof JobRecord)[]) {
    if (changes[name] === undefined) delete next[name];
  }
  return next;
}

/** A terminal revision: no lease, finish time, and the retention deadline readers check. */
export function finishedRecord(
  prev: JobRecord,
  status: "succeeded" | "failed" | "cancelled",
  changes: Partial<JobRecord>,
  now: number,
): JobRecord {
  const retention = status === "failed" ? deadLetterTtlMs : prev.ttlMs;
  return nextRecord(prev, {
    leaseUntil: undefined,
    leaseOwner: undefined,
    waitingForSlot: undefined,
    ...changes,
    status,
    finishedAt: now,
    expiresAt: now + retention,
  }, now);
}

/** A transaction under construction: the atomic plus wake-ups to send if the queue cannot stage them. */
export interface Tx {
  op: Deno.AtomicOperation;
  sends: { id: string; delayMs: number }[];
}

export function beginTx(ctx: EngineContext): Tx {
  return { op: ctx.kv.atomic(), sends: [] };
}

/** Schedules a queue message for `id`, inside the atomic when the queue supports it. */
export function stageWake(ctx: EngineContext, tx: Tx, id: string, delayMs: number): void {
  if (!ctx.queue.stage?.(tx.op, id, Math.max(0, delayMs))) {
    tx.sends.push({ id, delayMs: Math.max(0, delayMs) });
  }
}

/** Commits; on success sends the wake-ups that could not be staged (losing one is what the sweep is for). */
export async function commitTx(
  ctx: EngineContext,
  tx: Tx,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  const result = await tx.op.commit();
  if (result.ok) await sendWakes(ctx, tx.sends);
  return result;
}

/**
 * A read → check → commit change of job records through `transact` (bounded, jittered retries; the
 * `contention` problem when it keeps losing). `body` reads through `read` (version-checked) and
 * stages on `tx`; wake-ups the queue could not stage are sent once it committed.
 */
export async function transactJob<T>(
  ctx: EngineContext,
  options: { name: string; maxAttempts?: number },
  body: (tx: Tx, read: Transaction) => Promise<T>,
): Promise<T> {
  let sends: Tx["sends"] = [];
  const result = await transact(ctx.kv, { ...options, log: ctx.log }, (transaction) => {
    const tx: Tx = { op: transaction.op, sends: [] };
    sends = tx.sends;
    return body(tx, transaction);
  });
  await sendWakes(ctx, sends);
  return result;
}

async function sendWakes(ctx: EngineContext, sends: Tx["sends"]): Promise<void> {
  await Promise.all(sends.map(({ id, delayMs }) =>
    ctx.queue.send(id, delayMs).catch((error) => {
      ctx.log.warn("job_wake_failed", { jobId: id, error: String(error) });
    })
  ));
}

interface IndexEntry {
  key: Deno.KvKey;
  value: unknown;
  expireIn?: number;
}

/** The one index entry a record of this status has (queued → pending, running → lease, failed → dead). */
function indexOf(record: JobRecord): IndexEntry | null {
  switch (record.status) {
    case "queued":
      return { key: jobKeys.pending(record.runAt, record.id), value: record.id };
    case "running":
      return { key: jobKeys.lease(record.leaseUntil ?? 0, record.id), value: record.id };
    case "failed":
      return {
        key: jobKeys.dead(record.finishedAt ?? 0, record.id),
        value: { kind: record.kind },
        expireIn: deadLetterTtlMs,
      };
    default:
      return null;
  }
}

function sameKey(a: Deno.KvKey, b: Deno.KvKey): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/**
 * Adds the write of `next` (replacing `prev`, or creating when null) to the transaction: the
 * record, its index move, expiry and idempotency key of terminal jobs, and the live event.
 * The caller adds the version check on `prev` and any slot changes.
 */
export function stageWrite(ctx: EngineContext, tx: Tx, prev: JobRecord | null, next: JobRecord): void {
  const now = next.updatedAt;
  const expireIn = next.expiresAt !== undefined ? Math.max(1, next.expiresAt - now) : undefined;
  tx.op.set(jobKeys.job(next.id), next, expireIn !== undefined ? { expireIn } : undefined);

  const before = prev ? indexOf(prev) : null;
  const after = indexOf(next);
  if (before && !(after && sameKey(before.key, after.key))) tx.op.delete(before.key);
  if (after && !(before && sameKey(before.key, after.key))) {
    tx.op.set(
      after.key,
      after.value,
      after.expireIn !== undefined ? { expireIn: after.expireIn } : undefined,
    );
  }

  // The idempotency key lives exactly as long as the job it points to.
  const wasTerminal = prev !== null && isTerminal(prev.status);
  if (next.idempotencyKey && (isTerminal(next.status) || wasTerminal)) {
    tx.op.set(
      jobKeys.idempotency(next.kind, next.idempotencyKey),
      next.id,
      expireIn !== undefined ? { expireIn } : undefined,
    );
  }

  ctx.feed.stage(tx.op, jobTopic(next.id), {
    seq: next.revision,
    type: "job",
    data: publicJobView(next),
    at: now,
  });
}

/** Adds deletes of every checkpoint of a job (on success or cancel; they are no longer needed). */
export async function stageCheckpointCleanup(ctx: EngineContext, tx: Tx, id: string): Promise<void> {
  for await (const entry of ctx.kv.list({ prefix: jobKeys.stepPrefix(id) }, { limit: 200 })) {
    tx.op.delete(entry.key);
  }
}

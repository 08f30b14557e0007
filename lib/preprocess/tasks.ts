/**
 * Task transitions. Each is one atomic checked against both the task's and the batch's version, so
 * a duplicate or late callback, a local retry and an admin reset can race freely: a task reaches a
 * terminal state once, and the batch counters move exactly once per task.
 */
import { transact } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { finishedFields, isTerminalBatch } from "./batches.ts";
import { preprocessKeys as keys } from "./keys.ts";
import { phaseNamed } from "./phases.ts";
import type { BatchRecord, OutputFile, TaskRecord } from "./types.ts";

export type TaskOutcome =
  | { kind: "completed"; outputs: OutputFile[] }
  | { kind: "failed"; error: string }
  /** An attempt failed but more are allowed: back to pending until `notBefore`. */
  | { kind: "retry"; error: string; notBefore: number };

export interface TransitionResult {
  /** False when nothing changed (task already terminal, batch reset, lease not held). */
  changed: boolean;
  batch: BatchRecord | null;
  task: TaskRecord | null;
  /** This transition finished the batch. */
  finishedBatch: boolean;
  /** This transition ended the batch's phase and moved it to the next one (tasks still to discover). */
  advancedTo?: string;
}

const terminal = (task: TaskRecord) => task.status === "completed" || task.status === "failed";

/**
 * Applies `outcome` to the task unless it is already terminal. `owner` (when given) must still
 * hold the lease: a late result from a worker whose lease passed to someone else is ignored,
 * unless it is a success (the output exists; taking it is better than converting again).
 */
export function settleTask(
  kv: KvStore,
  batchId: string,
  taskId: string,
  outcome: TaskOutcome,
  options: { owner?: string; finalizeWanted: boolean },
): Promise<TransitionResult> {
  // Every task of a batch moves the batch's counters: the batch is the hot key.
  const name = "preprocess.settle_task";
  return transact(kv, { name, serialise: keys.batch(batchId), maxAttempts: 50 }, async (tx) => {
    const [taskEntry, batchEntry] = await tx.getMany<[TaskRecord, BatchRecord]>([
      keys.task(batchId, taskId),
      keys.batch(batchId),
    ]);
    const task = taskEntry.value;
    const batch = batchEntry.value;
    if (!task || !batch) {
      throw new KilnError("not_found", "task_not_found", `No task ${taskId} in ${batchId}.`);
    }
    const unchanged = { changed: false, batch, task, finishedBatch: false };
    if (terminal(task) || isTerminalBatch(batch.status)) return unchanged;
    const leaseHeldElsewhere = options.owner !== undefined && task.lease?.owner !== options.owner;
    if (leaseHeldElsewhere && outcome.kind !== "completed") return unchanged;

    const now = Date.now();
    const next: TaskRecord = { ...task, updatedAt: now, lease: undefined };
    let nextBatch: BatchRecord = { ...batch, updated_at: new Date(now).toISOString() };
    if (outcome.kind === "completed") {
      Object.assign(next, { status: "completed", outputs: outcome.outputs, error: undefined });
      nextBatch.tasks_completed++;
    } else if (outcome.kind === "failed") {
      Object.assign(next, { status: "failed", error: outcome.error });
      nextBatch.tasks_failed++;
    } else {
      Object.assign(next, { status: "pending", error: outcome.error, notBefore: outcome.notBefore });
    }
    const phaseDone = nextBatch.tasks_completed + nextBatch.tasks_failed === nextBatch.tasks_total;
    const advancedTo = phaseDone ? phaseNamed(batch.status).next() ?? undefined : undefined;
    const finishedBatch = phaseDone && !advancedTo;
    if (advancedTo) nextBatch = { ...nextBatch, status: advancedTo, ready: false };
    if (finishedBatch) nextBatch = finishBatch(nextBatch, options.finalizeWanted);
    tx.op.set(keys.task(batchId, taskId), next);
    // Pending retries leave the batch record alone (its version is still checked).
    if (outcome.kind !== "retry") tx.op.set(keys.batch(batchId), nextBatch);
    // A batch waiting for finalize stays indexed, so a restart can still start finalize.
    if (finishedBatch && nextBatch.finalize !== "pending") tx.op.delete(keys.active(batchId));
    return {
      changed: true,
      batch: outcome.kind === "retry" ? batch : nextBatch,
      task: next,
      finishedBatch,
      advancedTo,
    };
  });
}

/** The batch once every task of its last phase is terminal: DONE (finalize pending) or ERROR. */
export function finishBatch(batch: BatchRecord, finalizeWanted: boolean): BatchRecord {
  const finished = { ...batch, ...finishedFields(batch) };
  if (finished.status === "DONE" && finalizeWanted) finished.finalize = "pending";
  return finished;
}

/**
 * Takes the task for `owner` until `until`. Returns null when it is terminal, its batch is
 * terminal, or another live lease holds it (the caller then leaves it alone).
 */
export function leaseTask(
  kv: KvStore,
  batchId: string,
  taskId: string,
  owner: string,
  until: number,
  options: { respectBackoff?: boolean; attempt?: number } = {},
): Promise<{ task: TaskRecord | null; heldBy?: { owner: string; until: number } }> {
  return transact(kv, { name: "preprocess.lease_task" }, async (tx) => {
    const [taskEntry, batchEntry] = await tx.getMany<[TaskRecord, BatchRecord]>([
      keys.task(batchId, taskId),
      keys.batch(batchId),
    ]);
    const task = taskEntry.value;
    const batch = batchEntry.value;
    if (!task || !batch || terminal(task) || isTerminalBatch(batch.status) || !batch.ready) {
      return { task: null };
    }
    const now = Date.now();
    if (task.lease && task.lease.owner !== owner && task.lease.until > now) {
      return { task: null, heldBy: task.lease };
    }
    if (options.respectBackoff && (task.notBefore ?? 0) > now) return { task: null };
    const next: TaskRecord = {
      ...task,
      status: "running",
      attempts: options.attempt ?? (task.lease?.owner === owner ? task.attempts : task.attempts + 1),
      lease: { owner, until },
      updatedAt: now,
    };
    tx.op.set(keys.task(batchId, taskId), next);
    return { task: next };
  });
}

/** Admin reset: the batch becomes ERROR at once; running work finds it terminal and stops. */
export function resetBatch(kv: KvStore, batchId: string, reason: string): Promise<BatchRecord> {
  return transact(kv, { name: "preprocess.reset_batch", serialise: keys.batch(batchId) }, async (tx) => {
    const entry = await tx.get<BatchRecord>(keys.batch(batchId));
    if (!entry.value) throw new KilnError("not_found", "batch_not_found", `No batch ${batchId}.`);
    if (entry.value.status === "ERROR") return entry.value;
    const at = new Date().toISOString();
    const batch: BatchRecord = {
      ...entry.value,
      status: "ERROR",
      error: reason,
      updated_at: at,
      completed_at: entry.value.completed_at ?? at,
      finalize: entry.value.finalize === "acknowledged" ? "acknowledged" : "not_needed",
    };
    tx.op.set(keys.batch(batchId), batch).delete(keys.active(batchId));
    return batch;
  });
}

export function markFinalized(kv: KvStore, batchId: string): Promise<void> {
  return transact(kv, { name: "preprocess.mark_finalized", serialise: keys.batch(batchId) }, async (tx) => {
    const entry = await tx.get<BatchRecord>(keys.batch(batchId));
    if (!entry.value || entry.value.finalize !== "pending") return;
    const batch = { ...entry.value, finalize: "acknowledged" as const };
    tx.op.set(keys.batch(batchId), batch).delete(keys.active(batchId));
  });
}

/**
 * Creating a batch from the seed's queue message: one record for the batch, one per task and one
 * per pass-through file. Large batches take several atomics, so the batch is written first with
 * `ready: false` and only dispatched once everything is stored; a re-post of the same message
 * finishes an interrupted creation, and a re-post with other files is refused.
 */
import { transact } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { sha256Hex } from "../hmac.ts";
import { preprocessKeys as keys } from "./keys.ts";
import { firstPhase, phaseNamed } from "./phases.ts";
import type { BatchFile, BatchMessage, BatchRecord, FinalizeContext, TaskRecord } from "./types.ts";

const mutationsPerCommit = 200;

export async function fingerprintFiles(message: BatchMessage): Promise<string> {
  const canonical = JSON.stringify(
    message.files.map((file) => [file.r2_key, file.file_name, file.file_size]),
  );
  return await sha256Hex(canonical);
}

/** Stores the batch (or finds the existing one); `created` is false for a repeated message. */
export async function createBatch(
  kv: KvStore,
  message: BatchMessage,
  finalizeWanted: boolean,
  now = new Date(),
): Promise<{ batch: BatchRecord; created: boolean; advancedTo?: string }> {
  const batchId = message.batch_id;
  const fingerprint = await fingerprintFiles(message);
  const phase = phaseNamed(firstPhase);
  const taskFiles = phase.discover(message.files);
  const taskSet = new Set(taskFiles);
  const passthrough = message.files.filter((file) => !taskSet.has(file));
  const at = now.toISOString();

  const existing = await kv.get<BatchRecord>(keys.batch(batchId));
  if (existing.value && existing.value.fingerprint !== fingerprint) {
    throw new KilnError("conflict", "batch_exists", `Batch ${batchId} already exists with other files.`);
  }
  // Only a creation interrupted before it finished (first phase, not ready) is picked up again.
  if (existing.value && (existing.value.ready || existing.value.status !== phase.name)) {
    return { batch: existing.value, created: false };
  }

  const batch: BatchRecord = existing.value ?? {
    batch_id: batchId,
    status: phase.name,
    fingerprint,
    ready: false,
    tasks_total: taskFiles.length,
    tasks_completed: 0,
    tasks_failed: 0,
    passthrough_count: passthrough.length,
    started_at: at,
    updated_at: at,
    completed_at: null,
    error: null,
    finalize: "not_needed",
  };
  if (!existing.value) {
    const claimed = await kv.atomic().check({ key: keys.batch(batchId), versionstamp: null })
      .set(keys.batch(batchId), batch).set(keys.active(batchId), true).commit();
    if (!claimed.ok) return await createBatch(kv, message, finalizeWanted, now);
  }

  // Not ready yet, so no task has started: rewriting these records is safe.
  await writeAll(kv, [
    ...taskRecords(batchId, phase.name, taskFiles, now.getTime()),
    ...passthrough.map((file, index): [Deno.KvKey, unknown] => [keys.passthrough(batchId, index), file]),
    ...contextChunks(batchId, message.context),
  ]);

  const name = "preprocess.ready_batch";
  return await transact(kv, { name, serialise: keys.batch(batchId) }, async (tx) => {
    const current = await tx.get<BatchRecord>(keys.batch(batchId));
    if (!current.value) throw new KilnError("conflict", "batch_reset", `Batch ${batchId} was removed.`);
    if (current.value.ready) return { batch: current.value, created: !existing.value };
    const { batch: next, advancedTo } = readied(current.value, finalizeWanted);
    tx.op.set(keys.batch(batchId), next);
    if (isTerminalBatch(next.status) && next.finalize !== "pending") tx.op.delete(keys.active(batchId));
    return { batch: next, created: true, advancedTo };
  });
}

/**
 * The batch once its current phase's tasks are all stored: ready to run, or — when the phase found
 * nothing to do — moved on to the next phase or finished.
 */
export function readied(
  batch: BatchRecord,
  finalizeWanted: boolean,
): { batch: BatchRecord; advancedTo?: string } {
  const next = { ...batch, ready: true, updated_at: new Date().toISOString() };
  if (next.tasks_completed + next.tasks_failed < next.tasks_total) return { batch: next };
  const advancedTo = phaseNamed(batch.status).next() ?? undefined;
  if (advancedTo) return { batch: { ...next, status: advancedTo, ready: false }, advancedTo };
  const finished = { ...next, ...finishedFields(next) };
  if (finished.status === "DONE" && finalizeWanted) finished.finalize = "pending";
  return { batch: finished };
}

export function taskRecords(
  batchId: string,
  phase: string,
  files: BatchFile[],
  now: number,
): [Deno.KvKey, TaskRecord][] {
  return files.map((input, index) => {
    const id = taskId(batchId, phase, index);
    return [keys.task(batchId, id), {
      id,
      batchId,
      phase,
      input,
      status: "pending",
      attempts: 0,
      updatedAt: now,
    }];
  });
}

export async function writeAll(kv: KvStore, writes: [Deno.KvKey, unknown][]): Promise<void> {
  for (let start = 0; start < writes.length; start += mutationsPerCommit) {
    const operation = kv.atomic();
    for (const [key, value] of writes.slice(start, start + mutationsPerCommit)) operation.set(key, value);
    await operation.commit();
  }
}

/** Task ids follow the seed: `<batch>_tiff_<n>`. */
export function taskId(batchId: string, phase: string, index: number): string {
  const short = phase === "TIFF_CONVERSION" ? "tiff" : phase.toLowerCase();
  return `${batchId}_${short}_${index}`;
}

/** The fields a batch gets once every task is terminal: DONE, or ERROR when every task failed. */
export function finishedFields(batch: BatchRecord): Partial<BatchRecord> {
  const at = new Date().toISOString();
  const allFailed = batch.tasks_total > 0 && batch.tasks_failed === batch.tasks_total;
  return allFailed
    ? { status: "ERROR", error: `All ${batch.tasks_total} tasks failed.`, completed_at: at, updated_at: at }
    : { status: "DONE", completed_at: at, updated_at: at };
}

/** 16 000 UTF-16 units are at most 48 KB of UTF-8: each chunk fits a KV value. */
const contextChunkLength = 16_000;

function contextChunks(batchId: string, context: FinalizeContext): [Deno.KvKey, string][] {
  const json = JSON.stringify(context);
  if (json === "{}") return [];
  const chunks: [Deno.KvKey, string][] = [];
  for (let index = 0; index * contextChunkLength < json.length; index++) {
    const chunk = json.slice(index * contextChunkLength, (index + 1) * contextChunkLength);
    chunks.push([keys.contextChunk(batchId, index), chunk]);
  }
  return chunks;
}

/** The finalize context the batch's message carried (`{}` when none). */
export async function readContext(kv: KvStore, batchId: string): Promise<FinalizeContext> {
  let json = "";
  for await (const entry of kv.list<string>({ prefix: keys.context(batchId) })) json += entry.value;
  return json ? JSON.parse(json) : {};
}

export async function getBatch(kv: KvStore, batchId: string): Promise<BatchRecord> {
  const entry = await kv.get<BatchRecord>(keys.batch(batchId));
  if (!entry.value) throw new KilnError("not_found", "batch_not_found", `No batch ${batchId}.`);
  return entry.value;
}

export async function listTasks(kv: KvStore, batchId: string): Promise<TaskRecord[]> {
  const tasks: TaskRecord[] = [];
  for await (const entry of kv.list<TaskRecord>({ prefix: keys.tasks(batchId) })) tasks.push(entry.value);
  return tasks.sort((a, b) => taskOrder(a.id) - taskOrder(b.id));
}

function taskOrder(id: string): number {
  return Number(id.slice(id.lastIndexOf("_") + 1)) || 0;
}

export async function listPassthrough(kv: KvStore, batchId: string) {
  const files = [];
  for await (const entry of kv.list({ prefix: keys.passthroughs(batchId) })) files.push(entry.value);
  return files;
}

export const isTerminalBatch = (status: string) => status === "DONE" || status === "ERROR";

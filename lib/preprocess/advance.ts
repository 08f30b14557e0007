/**
 * Moving a batch into its next phase: the phase discovers its tasks among the files the batch has
 * produced so far (converted outputs and pass-through files), they are stored, and the batch runs
 * again. Like creation, the tasks are written while the batch is not `ready`, so a crash halfway
 * is repaired by running the step again.
 */
import { transact } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { readied, taskRecords, writeAll } from "./batches.ts";
import { processedFiles } from "./finalize.ts";
import { preprocessKeys as keys } from "./keys.ts";
import { phaseNamed } from "./phases.ts";
import type { BatchRecord } from "./types.ts";

export async function advancePhase(
  kv: KvStore,
  batchId: string,
  phaseName: string,
  finalizeWanted: boolean,
): Promise<{ batch: BatchRecord | null; advancedTo?: string }> {
  const phase = phaseNamed(phaseName);
  const start = await kv.get<BatchRecord>(keys.batch(batchId));
  if (!start.value || start.value.status !== phaseName || start.value.ready) return { batch: start.value };
  const { files } = await processedFiles(kv, batchId);
  const discovered = phase.discover(files);
  await writeAll(kv, taskRecords(batchId, phase.name, discovered, Date.now()));

  const name = "preprocess.advance_phase";
  return await transact(kv, { name, serialise: keys.batch(batchId) }, async (tx) => {
    const current = await tx.get<BatchRecord>(keys.batch(batchId));
    if (!current.value || current.value.status !== phaseName || current.value.ready) {
      return { batch: current.value };
    }
    const grown = { ...current.value, tasks_total: current.value.tasks_total + discovered.length };
    const { batch, advancedTo } = readied(grown, finalizeWanted);
    tx.op.set(keys.batch(batchId), batch);
    if ((batch.status === "DONE" || batch.status === "ERROR") && batch.finalize !== "pending") {
      tx.op.delete(keys.active(batchId));
    }
    return { batch, advancedTo };
  });
}

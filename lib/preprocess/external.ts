/**
 * External workers (the seed's Fly machines): `GET /preprocess/tasks/next` leases one pending task
 * and returns the seed's worker contract; the worker converts it and POSTs the seed's success or
 * error payload to the callback URL, signed with PREPROCESS_CALLBACK_SECRET. Callbacks go through
 * the same version-checked transition as local results, so duplicates and late ones are no-ops.
 */
import type { BlobStore } from "../blobs/types.ts";
import { validateBlobKey } from "../blobs/types.ts";
import { KilnError } from "../errors.ts";
import { randomId } from "../ids.ts";
import { isTerminalBatch, listTasks } from "./batches.ts";
import { preprocessKeys as keys } from "./keys.ts";
import { outputKey, phaseNamed } from "./phases.ts";
import type { PreprocessDependencies, PreprocessService } from "./service.ts";
import { leaseTask } from "./tasks.ts";
import type { BatchRecord, CallbackBody, OutputFile, TaskRecord } from "./types.ts";

export interface WorkerContract {
  TASK_ID: string;
  BATCH_ID: string;
  INPUT_R2_KEY: string;
  OUTPUT_R2_KEY: string;
  CALLBACK_URL: string;
  LEASE_ID: string;
  LEASE_EXPIRES_AT: string;
  ATTEMPT: number;
}

/** The next task an external worker may take, or null when none is waiting. */
export async function leaseNextTask(deps: PreprocessDependencies): Promise<WorkerContract | null> {
  for await (const entry of deps.kv.list<boolean>({ prefix: keys.actives() })) {
    const batchId = String(entry.key[2]);
    const batch = (await deps.kv.get<BatchRecord>(keys.batch(batchId))).value;
    if (!batch || !batch.ready || isTerminalBatch(batch.status)) continue;
    const now = Date.now();
    const candidates = (await listTasks(deps.kv, batchId)).filter((task) =>
      (task.status === "pending" || (task.status === "running" && (task.lease?.until ?? 0) <= now)) &&
      (task.notBefore ?? 0) <= now
    );
    for (const candidate of candidates) {
      const leaseId = randomId();
      const until = now + deps.settings.externalLeaseMs;
      const { task } = await leaseTask(deps.kv, batchId, candidate.id, `external:${leaseId}`, until, {
        respectBackoff: true,
      });
      if (!task) continue;
      return {
        TASK_ID: task.id,
        BATCH_ID: batchId,
        INPUT_R2_KEY: task.input.r2_key,
        OUTPUT_R2_KEY: outputKey(task.input.r2_key, 1),
        CALLBACK_URL: `${deps.settings.publicUrl}/preprocess/callback/${batchId}/${task.id}`,
        LEASE_ID: leaseId,
        LEASE_EXPIRES_AT: new Date(until).toISOString(),
        ATTEMPT: task.attempts,
      };
    }
  }
  return null;
}

/** Applies a callback. Returns whether it changed anything (false for duplicates and late ones). */
export async function handleCallback(
  deps: PreprocessDependencies,
  service: PreprocessService,
  batchId: string,
  taskId: string,
  body: CallbackBody,
): Promise<{ applied: boolean; task_status: string }> {
  if (body.batch_id !== batchId || body.task_id !== taskId) {
    throw new KilnError("invalid", "callback_mismatch", "task_id and batch_id must match the callback URL.");
  }
  const task = (await deps.kv.get<TaskRecord>(keys.task(batchId, taskId))).value;
  if (!task) throw new KilnError("not_found", "task_not_found", `No task ${taskId} in batch ${batchId}.`);

  const failure = async (error: string) => {
    const final = task.attempts >= deps.settings.maxAttempts;
    const result = await service.settle(
      batchId,
      taskId,
      final ? { kind: "failed", error } : {
        kind: "retry",
        error,
        notBefore: Date.now() + service.retryDelay(task.attempts),
      },
    );
    return { applied: result.changed, task_status: result.task?.status ?? "unknown" };
  };
  if (body.status === "error") return await failure(body.error);

  const reported: OutputFile[] = body.outputs?.map((output) => ({ ...output })) ??
    [{ key: body.output_r2_key, file_name: body.output_file_name, size: body.output_file_size, page: 1 }];
  const measured = await measureOutputs(deps.blobs, task.input.r2_key, reported);
  if (typeof measured === "string") return await failure(measured);
  const phase = phaseNamed(task.phase);
  const result = await service.settle(batchId, taskId, {
    kind: "completed",
    outputs: phase.handleResult(task.input as never, measured),
  });
  return { applied: result.changed, task_status: result.task?.status ?? "unknown" };
}

/**
 * The reported outputs with the sizes the blob store holds (a worker's claim is not a size), or
 * why the success cannot be taken: an output that is missing or outside the input's directory.
 */
async function measureOutputs(
  blobs: BlobStore,
  inputKey: string,
  reported: OutputFile[],
): Promise<OutputFile[] | string> {
  const directory = inputKey.slice(0, inputKey.lastIndexOf("/") + 1);
  const measured: OutputFile[] = [];
  for (const output of reported) {
    if (!output.key.startsWith(directory)) {
      return `Output ${output.key} is outside ${directory || "the root"}.`;
    }
    const info = await blobs.head(validateBlobKey(output.key));
    if (!info) return `Output ${output.key} is not in the blob store.`;
    measured.push({ ...output, size: info.size });
  }
  return measured;
}

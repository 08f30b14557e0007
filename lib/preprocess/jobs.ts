/**
 * The module's job kinds. `preprocess.dispatch` turns a batch's pending tasks into task jobs (in
 * chunks of BATCH_SIZE_TIFF_CONVERSION); `preprocess.task` converts one file on the worker pool,
 * with the engine's retries as the per-task backoff; `preprocess.finalize` tells ingest once.
 * Every job re-reads the records first, so a recovered or repeated job never redoes finished work.
 */
import { z } from "zod";
import { errorMessage } from "../log.ts";
import { InvalidInputJobError, type JobRecord, PermanentJobError } from "../jobs/types.ts";
import { advancePhase } from "./advance.ts";
import { getBatch, listTasks, readContext } from "./batches.ts";
import { postFinalize, processedFiles } from "./finalize.ts";
import { firstPhase, type PhaseDependencies, phaseNamed } from "./phases.ts";
import { UnconvertibleError } from "./pool.ts";
import type { PreprocessDependencies, PreprocessService } from "./service.ts";
import { leaseTask, markFinalized } from "./tasks.ts";

const BatchInput = z.object({ batchId: z.string().min(1) });
const PhaseInput = z.object({ batchId: z.string().min(1), phase: z.string().min(1) });
const TaskInput = z.object({ batchId: z.string().min(1), taskId: z.string().min(1) });
/** Local runs hold the engine's lease; this task lease only keeps external workers away meanwhile. */
const localLeaseMs = 15 * 60_000;

export function definePreprocessJobs(deps: PreprocessDependencies, service: PreprocessService): void {
  const { kv, jobs, blobs, pool, settings } = deps;
  const backoff = { type: "fixed" as const, delaysMs: settings.retryDelaysMs };

  const phaseDependencies: PhaseDependencies = {
    async read(key) {
      const blob = await blobs.get(key);
      if (!blob) throw new Error(`Failed to download TIFF: ${key} not found`);
      return new Uint8Array(await new Response(blob.body).arrayBuffer());
    },
    async write(key, bytes, contentType) {
      return (await blobs.put(key, bytes, { contentType })).size;
    },
    convert: (tiff, signal) => pool.convert(tiff, signal),
  };

  const enqueueTask = (batchId: string, taskId: string, options: { delay?: number; key?: string } = {}) =>
    jobs.enqueue("preprocess.task", { batchId, taskId }, {
      idempotencyKey: options.key ?? `task:${batchId}:${taskId}`,
      delay: options.delay,
      maxAttempts: settings.maxAttempts,
      backoff,
      concurrency: { key: `preprocess:${batchId}`, limit: Math.max(2, pool.size + 1) },
    });

  jobs.define("preprocess.dispatch", BatchInput, async ({ input, progress }) => {
    if (pool.size === 0) return { dispatched: 0, note: "no local workers; tasks wait for external workers" };
    const pending = (await listTasks(kv, input.batchId)).filter((task) =>
      task.status === "pending" || task.status === "running"
    );
    for (let start = 0; start < pending.length; start += settings.dispatchChunk) {
      for (const task of pending.slice(start, start + settings.dispatchChunk)) {
        await enqueueTask(input.batchId, task.id);
      }
      await progress(
        Math.round((100 * Math.min(pending.length, start + settings.dispatchChunk)) / pending.length),
      );
    }
    return { dispatched: pending.length };
  }, { maxAttempts: 10 });

  jobs.define("preprocess.advance", PhaseInput, async ({ input }) => {
    const { batch, advancedTo } = await advancePhase(
      kv,
      input.batchId,
      input.phase,
      settings.workerUrl !== undefined,
    );
    if (!batch) return { skipped: true };
    await service.publish(batch);
    await service.continueBatch(batch, advancedTo);
    return { status: batch.status, tasks_total: batch.tasks_total };
  }, { maxAttempts: 10 });

  // The engine failed a task itself (its process died converting it): the batch still finishes.
  const settleAbandoned = async (job: JobRecord<z.infer<typeof TaskInput>>) => {
    const error = job.error?.message ?? "The conversion was abandoned.";
    await service.settle(job.input.batchId, job.input.taskId, { kind: "failed", error }, `local:${job.id}`);
  };

  jobs.define("preprocess.task", TaskInput, async ({ input, attempt, signal, jobId }) => {
    const { batchId, taskId } = input;
    const owner = `local:${jobId}`;
    const { task, heldBy } = await leaseTask(kv, batchId, taskId, owner, Date.now() + localLeaseMs, {
      attempt,
    });
    if (!task) {
      // An external worker holds it: look again when its lease runs out (it may never call back).
      if (heldBy) {
        await enqueueTask(batchId, taskId, {
          delay: Math.max(0, heldBy.until - Date.now()) + 50,
          key: `task:${batchId}:${taskId}:after:${heldBy.until}`,
        });
      }
      return { skipped: true };
    }
    const phase = phaseNamed(task.phase);
    try {
      const outputs = await phase.execute(task.input, phaseDependencies, signal);
      await service.settle(batchId, taskId, {
        kind: "completed",
        outputs: phase.handleResult(task.input, outputs),
      }, owner);
      return { pages: outputs.length };
    } catch (error) {
      if (signal.aborted) throw error; // shutdown or cancel: the engine releases the job
      const message = errorMessage(error);
      const permanent = error instanceof UnconvertibleError;
      if (permanent || attempt >= settings.maxAttempts) {
        await service.settle(batchId, taskId, { kind: "failed", error: message }, owner);
        // A file that cannot be converted is the sender's problem; running out of attempts is ours.
        if (permanent) throw new InvalidInputJobError(message, error.code);
        throw new PermanentJobError(message, "task_attempts_exhausted");
      }
      await service.settle(batchId, taskId, {
        kind: "retry",
        error: message,
        notBefore: Date.now() + service.retryDelay(attempt),
      }, owner);
      throw error;
    }
  }, { maxAttempts: settings.maxAttempts, backoff, onAbandoned: settleAbandoned });

  jobs.define("preprocess.finalize", BatchInput, async ({ input, signal }) => {
    const batch = await getBatch(kv, input.batchId);
    if (batch.finalize !== "pending" || !settings.workerUrl) return { skipped: true };
    const { files, failed } = await processedFiles(kv, input.batchId);
    const payload = {
      ...(await readContext(kv, input.batchId)),
      batch_id: batch.batch_id,
      status: batch.status,
      files,
      failed_files: failed,
      tasks_total: batch.tasks_total,
      tasks_completed: batch.tasks_completed,
      tasks_failed: batch.tasks_failed,
      completed_at: batch.completed_at,
    };
    await postFinalize(settings.workerUrl, settings.callbackSecret, input.batchId, payload, signal);
    await markFinalized(kv, input.batchId);
    return { files: files.length };
  }, { maxAttempts: 30, backoff });
}

/** After a restart: batches whose next step (advance, dispatch, finalize) may never have been enqueued get it now. */
export async function resumeBatches(
  deps: PreprocessDependencies,
  service: PreprocessService,
): Promise<number> {
  let resumed = 0;
  for await (const entry of deps.kv.list<boolean>({ prefix: ["preprocess", "active"] })) {
    const batch = await getBatch(deps.kv, String(entry.key[2])).catch(() => null);
    // A batch still being created waits for its creator (or the re-posted message) to finish it.
    if (!batch || (!batch.ready && batch.status === firstPhase)) continue;
    await service.continueBatch(batch);
    resumed++;
  }
  return resumed;
}

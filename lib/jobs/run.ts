/**
 * One claimed job running in this process. Every write it makes (heartbeat, progress, checkpoint,
 * outcome) is serialised and guarded by the record's last versionstamp, which this run keeps in
 * memory: no read on the hot path, and a write that finds the record changed means the job was
 * cancelled or taken over — the handler is aborted and nothing more is committed (exactly-once
 * completion).
 */
import { withoutServerPaths } from "../errors.ts";
import { errorMessage } from "../log.ts";
import { backoffDelay } from "./backoff.ts";
import { type EngineContext, reportFinished, type RunningJob } from "./context.ts";
import { jobKeys } from "./keys.ts";
import { slotMode, stageRelease } from "./slots.ts";
import {
  beginTx,
  checkpointTtlMs,
  commitTx,
  finishedRecord,
  nextRecord,
  stageCheckpointCleanup,
  stageWake,
  stageWrite,
  type Tx,
} from "./transition.ts";
import {
  InvalidInputJobError,
  type JobContext,
  type JobError,
  type JobRecord,
  PermanentJobError,
} from "./types.ts";

const maxCheckpointBytes = 60 * 1024;
const maxErrorMessage = 1_000;

export function startRun(ctx: EngineContext, record: JobRecord, versionstamp: string): RunningJob {
  const id = record.id;
  const key = jobKeys.job(id);
  // deno-lint-ignore no-non-null-assertion -- the claim path only claims defined kinds
  const definition = ctx.definitions.get(record.kind)!;
  const log = ctx.log.child({ jobId: id, kind: record.kind, attempt: record.attempts });
  const controller = new AbortController();
  const startedAt = performance.now();

  let current = record;
  let version = versionstamp;
  /** "running" until an outcome (or a shutdown release) commits. */
  let phase: "running" | "settled" = "running";
  let lost = false;
  let chain: Promise<unknown> = Promise.resolve();
  let pendingProgress: { percent: number; step?: string } | null = null;
  let lastProgressWrite = -Infinity;
  let progressTimer: ReturnType<typeof setTimeout> | undefined;
  let usedCheckpoint = false;

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.then(() => {}, () => {});
    return run;
  };

  const stopTimers = () => {
    clearInterval(heartbeat);
    if (progressTimer !== undefined) clearTimeout(progressTimer);
    progressTimer = undefined;
  };

  const lose = (reason: string) => {
    if (lost) return;
    lost = true;
    stopTimers();
    controller.abort(new DOMException(`Job ${reason}`, "AbortError"));
  };

  /** Commits a change guarded by the record's version; false once the job is no longer ours. */
  const write = async (build: (prev: JobRecord, tx: Tx) => Promise<JobRecord | null>): Promise<boolean> => {
    for (let round = 0; round < 50; round++) {
      if (lost) return false;
      const tx = beginTx(ctx);
      tx.op.check({ key, versionstamp: version });
      const next = await build(current, tx);
      if (next) stageWrite(ctx, tx, current, next);
      const result = await commitTx(ctx, tx);
      if (result.ok) {
        if (next) {
          current = next;
          version = result.versionstamp;
        }
        return true;
      }
      // Either the record changed (cancelled / taken over) or only a slot did (retry).
      const fresh = await ctx.kv.get<JobRecord>(key);
      if (fresh.versionstamp !== version) {
        lose(fresh.value?.status === "cancelled" ? "cancelled" : "lease lost");
        return false;
      }
    }
    throw new Error("job write kept conflicting");
  };

  const beat = () => {
    serial(() =>
      phase === "running"
        ? write((prev) =>
          Promise.resolve(nextRecord(prev, { leaseUntil: ctx.now() + ctx.leaseMs }, ctx.now()))
        )
        : Promise.resolve(false)
    ).catch((error) => log.warn("job_heartbeat_failed", { error: errorMessage(error) }));
  };
  const heartbeat = setInterval(beat, Math.max(10, Math.floor(ctx.leaseMs / 3)));

  const progressChanges = (pending: { percent: number; step?: string } | null): Partial<JobRecord> => {
    if (!pending) return {};
    return pending.step === undefined
      ? { progress: pending.percent }
      : { progress: pending.percent, step: pending.step };
  };

  const flushProgress = () =>
    serial(async () => {
      lastProgressWrite = performance.now();
      const pending = pendingProgress;
      pendingProgress = null;
      if (!pending || phase !== "running") return;
      await write((prev) => Promise.resolve(nextRecord(prev, progressChanges(pending), ctx.now())));
    });

  const context: JobContext<unknown> = {
    jobId: id,
    input: record.input,
    attempt: record.attempts,
    signal: controller.signal,
    log,
    async progress(percent, step) {
      if (lost || phase !== "running" || !Number.isFinite(percent)) return;
      pendingProgress = { percent: Math.min(100, Math.max(0, percent)), step: step ?? pendingProgress?.step };
      if (progressTimer !== undefined) return; // a trailing write is already scheduled
      const wait = lastProgressWrite + ctx.progressIntervalMs - performance.now();
      if (wait <= 0) return await flushProgress();
      progressTimer = setTimeout(() => {
        progressTimer = undefined;
        flushProgress().catch((error) => log.warn("job_progress_failed", { error: errorMessage(error) }));
      }, wait);
    },
    async checkpoint<T>(name: string, fn: () => Promise<T>): Promise<T> {
      controller.signal.throwIfAborted();
      usedCheckpoint = true;
      const stepKey = jobKeys.step(id, name);
      const stored = await ctx.kv.get<{ value: T }>(stepKey);
      if (stored.value !== null) return stored.value.value;
      const json = JSON.stringify(await fn());
      if (json !== undefined && json.length > maxCheckpointBytes) {
        throw new PermanentJobError(
          `Checkpoint "${name}" result is larger than 60 KiB.`,
          "checkpoint_too_large",
        );
      }
      const value = (json === undefined ? undefined : JSON.parse(json)) as T;
      const saved = await serial(() =>
        write((_prev, tx) => {
          tx.op.set(stepKey, { value }, { expireIn: checkpointTtlMs });
          return Promise.resolve(null);
        })
      );
      if (!saved) throw controller.signal.reason ?? new DOMException("Job lost", "AbortError");
      return value;
    },
  };

  /** Commits the outcome once; a cancelled, taken-over or released job commits nothing. */
  const settle = (build: (prev: JobRecord, tx: Tx, now: number) => Promise<JobRecord>) =>
    serial(async () => {
      if (phase !== "running" || lost) return false;
      const ok = await write((prev, tx) => build(prev, tx, ctx.now()));
      if (ok) phase = "settled";
      return ok;
    });

  const succeed = async (result: unknown) => {
    const pending = pendingProgress;
    const ok = await settle(async (prev, tx, now) => {
      await stageRelease(ctx, tx, prev);
      if (usedCheckpoint || prev.attempts > 1) await stageCheckpointCleanup(ctx, tx, id);
      return finishedRecord(prev, "succeeded", {
        ...progressChanges(pending),
        progress: 100,
        result,
        error: undefined,
      }, now);
    });
    if (ok) {
      reportFinished(ctx, current);
      log.info("job_succeeded", { durationMs: Math.round(performance.now() - startedAt) });
    } else log.debug("job_outcome_discarded", { outcome: "succeeded" });
  };

  const fail = async (thrown: unknown) => {
    const pending = pendingProgress;
    const permanent = thrown instanceof PermanentJobError;
    let outcome = "failed" as "failed" | "retry";
    let delayMs = 0;
    const ok = await settle(async (prev, tx, now) => {
      const error = jobError(thrown, prev.attempts, now);
      if (permanent || prev.attempts >= prev.maxAttempts) {
        outcome = "failed";
        await stageRelease(ctx, tx, prev);
        return finishedRecord(prev, "failed", { ...progressChanges(pending), error }, now);
      }
      outcome = "retry";
      delayMs = backoffDelay(prev.backoff, prev.attempts);
      if (prev.concurrency && slotMode(prev.concurrency) === "queue") await stageRelease(ctx, tx, prev);
      stageWake(ctx, tx, id, delayMs);
      return nextRecord(prev, {
        ...progressChanges(pending),
        status: "queued",
        runAt: now + delayMs,
        error,
        leaseUntil: undefined,
        leaseOwner: undefined,
      }, now);
    });
    const fields = { error: errorMessage(thrown), durationMs: Math.round(performance.now() - startedAt) };
    if (!ok) log.debug("job_outcome_discarded", { outcome: "failed", ...fields });
    else if (outcome === "retry") log.warn("job_retry_scheduled", { ...fields, delayMs });
    else {
      reportFinished(ctx, current);
      // Bad input is the caller's problem (a warning); anything else is the service's (an error).
      const level = thrown instanceof InvalidInputJobError ? "warn" : "error";
      log[level]("job_failed", { ...fields, permanent });
    }
  };

  const execute = async () => {
    try {
      let result: unknown;
      try {
        result = await definition.handler(context);
      } catch (thrown) {
        stopTimers();
        await fail(thrown);
        return;
      }
      stopTimers();
      try {
        await succeed(result);
      } catch (error) {
        // A result over KV's size limits would fail the same way on every attempt. Anything else
        // (KV unavailable) propagates: the lease lapses and the sweep recovers the job.
        if (!(error instanceof TypeError && /too large/i.test(error.message))) throw error;
        await fail(
          new PermanentJobError(`Job result is too large to store: ${error.message}`, "result_too_large"),
        );
      }
    } catch (error) {
      log.error("job_settle_failed", { error: errorMessage(error) });
    } finally {
      stopTimers();
      if (ctx.running.get(id) === handle) ctx.running.delete(id);
    }
  };

  const handle: RunningJob = {
    id,
    done: Promise.resolve(),
    lose,
    async release() {
      stopTimers();
      if (!controller.signal.aborted) {
        controller.abort(new DOMException("Engine shutting down", "AbortError"));
      }
      const released = await settle(async (prev, tx, now) => {
        if (prev.concurrency && slotMode(prev.concurrency) === "queue") await stageRelease(ctx, tx, prev);
        // The interrupted attempt does not count against the job: a deploy is not a failure.
        return nextRecord(prev, {
          status: "queued",
          runAt: now,
          attempts: Math.max(0, prev.attempts - 1),
          leaseUntil: undefined,
          leaseOwner: undefined,
        }, now);
      }).catch((error) => log.error("job_release_failed", { error: errorMessage(error) }));
      if (released) log.info("job_released", {});
      if (ctx.running.get(id) === handle) ctx.running.delete(id);
    },
  };
  // Started only now, so the handle exists before the handler can possibly settle.
  handle.done = execute();
  return handle;
}

function jobError(thrown: unknown, attempt: number, at: number): JobError {
  const message = withoutServerPaths(errorMessage(thrown)).slice(0, maxErrorMessage) || "Job failed";
  const code = typeof thrown === "object" && thrown !== null && "code" in thrown &&
      typeof thrown.code === "string"
    ? thrown.code
    : undefined;
  return code === undefined ? { message, attempt, at } : { message, code, attempt, at };
}

/**
 * The job engine: durable records in KV, the queue as the fast wake-up, a sweep as the safety net.
 * This file only wires the parts together; each rule lives in its own file (enqueue, claim, run,
 * sweep, admin).
 */
import type { KvStore } from "../store/types.ts";
import type { ChangeFeed } from "../live/types.ts";
import { randomId } from "../ids.ts";
import { errorMessage, type Logger } from "../log.ts";
import type { Scheduler } from "../scheduler.ts";
import { cancelJob, countJobs, getJob, retryJob } from "./admin.ts";
import { listJobs } from "./list.ts";
import { handleJobMessage } from "./claim.ts";
import { type EngineContext, jobTopic, jobTopicPrefix } from "./context.ts";
import { enqueueJob } from "./enqueue.ts";
import { startPresence } from "./presence.ts";
import { createSweeper } from "./sweep.ts";
import { jobKeys } from "./keys.ts";
import type { JobEngine, JobQueue, JobRecord } from "./types.ts";

export interface JobEngineOptions {
  kv: KvStore;
  queue: JobQueue;
  feed: ChangeFeed;
  scheduler: Scheduler;
  log: Logger;
  /** Names this process in `leaseOwner`; random by default. */
  workerId?: string;
  /** How long a claim lasts without a heartbeat (heartbeats every leaseMs/3). */
  leaseMs?: number;
  sweepIntervalMs?: number;
  /** A queued job this far past due is presumed to have lost its message and is re-sent. */
  pendingGraceMs?: number;
  /** Minimum spacing of progress writes of one job; the latest value is always kept. */
  progressIntervalMs?: number;
  /** How often a job waiting for a "queue" concurrency slot re-checks (a release also wakes it). */
  slotRecheckMs?: number;
  now?: () => number;
  /**
   * Process deaths a job may survive (default 0). A job whose process ended mid-attempt — a crash,
   * an out-of-memory kill, `kill -9` — is otherwise failed with `process_crashed` at the next start
   * instead of being run again, so a poison job cannot crash the server on every restart. Jobs
   * released by a graceful stop, and leases that lapsed while their process lived, are not crashes.
   */
  crashRetries?: number;
  /** Called when a job reaches succeeded, failed or cancelled (e.g. `metrics.jobsFinished.inc`). */
  onFinished?: (job: JobRecord) => void;
  /**
   * Handlers allowed to run at once in this process (default 32). A burst of wake-ups beyond it
   * waits in memory — the jobs stay queued in KV, so nothing is lost if the process dies — and
   * starts as running jobs finish, instead of launching thousands of ffmpeg runs at once.
   */
  maxConcurrentJobs?: number;
}

export function createJobEngine(options: JobEngineOptions): JobEngine {
  const ctx: EngineContext = {
    kv: options.kv,
    queue: options.queue,
    feed: options.feed,
    log: options.log,
    now: options.now ?? Date.now,
    workerId: options.workerId ?? `worker-${randomId(8)}`,
    startedAt: (options.now ?? Date.now)(),
    leaseMs: options.leaseMs ?? 30_000,
    crashRetries: options.crashRetries ?? 0,
    pendingGraceMs: options.pendingGraceMs ?? 10_000,
    progressIntervalMs: options.progressIntervalMs ?? 250,
    slotRecheckMs: options.slotRecheckMs ?? 1_000,
    definitions: new Map(),
    running: new Map(),
    onFinished: options.onFinished,
    stopping: false,
  };
  // Every revision of a record stages its event in the same atomic, so the record is the topic's head.
  options.feed.ownTopics(jobTopicPrefix, {
    key: (id) => jobKeys.job(id),
    seq: (record) => (record as JobRecord).revision,
  });
  const sweepIntervalMs = options.sweepIntervalMs ?? 5_000;
  const sweeper = createSweeper(ctx);
  /** Message handlers in progress (claims are short; stop() waits for them). */
  const claiming = new Set<Promise<void>>();
  const maxConcurrentJobs = options.maxConcurrentJobs ?? 32;
  /** Wake-ups deferred while this process is at capacity, oldest first (a Set drops duplicates). */
  const waiting = new Set<string>();
  let started = false;
  let initialSweep: Promise<void> = Promise.resolve();
  let presence: { stop(): Promise<void> } | undefined;

  const startWaiting = () => {
    for (const id of waiting) {
      if (ctx.stopping || ctx.running.size + claiming.size >= maxConcurrentJobs) return;
      waiting.delete(id);
      void onJob(id);
    }
  };

  const onJob = async (id: string) => {
    if (ctx.stopping) return;
    if (ctx.running.size + claiming.size >= maxConcurrentJobs) {
      waiting.add(id);
      return;
    }
    const claim = handleJobMessage(ctx, id).catch((error) => {
      ctx.log.error("job_claim_failed", { jobId: id, error: errorMessage(error) });
    });
    claiming.add(claim);
    await claim;
    claiming.delete(claim);
    const run = ctx.running.get(id);
    if (run) run.done.then(startWaiting, startWaiting);
    else startWaiting();
  };

  return {
    define(kind, schema, handler, options = {}) {
      if (ctx.definitions.has(kind)) throw new Error(`job kind "${kind}" is already defined`);
      const { onAbandoned, ...defaults } = options;
      ctx.definitions.set(kind, { kind, schema, handler, defaults, hooks: { onAbandoned } });
    },
    enqueue: (kind, input, enqueueOptions) => enqueueJob(ctx, kind, input, enqueueOptions),
    get: (id) => getJob(ctx, id),
    cancel: (id, reason) => cancelJob(ctx, id, reason),
    retry: (id) => retryJob(ctx, id),
    list: (listOptions) => listJobs(ctx, listOptions),
    listFailed: (listOptions) => listJobs(ctx, { ...listOptions, status: "failed" }),
    kinds: () => [...ctx.definitions.keys()].sort(),
    counts: () => countJobs(ctx),
    topic: jobTopic,
    start() {
      if (started) return;
      started = true;
      presence = startPresence(ctx);
      ctx.queue.listen(onJob);
      // A restarted process picks up its work at once; the interval sweep keeps recovering.
      initialSweep = sweeper.sweep({ initial: true }).catch((error) => {
        ctx.log.error("job_sweep_failed", { error: errorMessage(error) });
      });
      options.scheduler.every("jobs.sweep", sweepIntervalMs, () => sweeper.sweep());
    },
    async stop(graceMs = 10_000) {
      if (ctx.stopping) return;
      ctx.stopping = true;
      await Promise.all([...claiming, initialSweep]);
      const running = [...ctx.running.values()];
      if (running.length > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
        await Promise.race([Promise.all(running.map((job) => job.done)), timeout]);
        clearTimeout(timer);
      }
      await Promise.all([...ctx.running.values()].map((job) => job.release()));
      await presence?.stop();
      ctx.log.info("job_engine_stopped", { released: ctx.running.size });
    },
  };
}

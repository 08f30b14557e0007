/** The state the engine's parts share. Internal: only `engine.ts` builds it. */
import type { KvStore } from "../store/types.ts";
import type { ChangeFeed } from "../live/types.ts";
import type { Logger } from "../log.ts";
import type { JobDefinition, JobQueue, JobRecord } from "./types.ts";

/** A job whose handler runs in this process. */
export interface RunningJob {
  id: string;
  /** Resolves once the handler returned and its outcome was committed (or discarded). */
  done: Promise<void>;
  /** The job was cancelled or taken over elsewhere: abort the handler, commit nothing more. */
  lose(reason: string): void;
  /** Graceful shutdown: abort the handler and put the job back in the queue, due now. */
  release(): Promise<void>;
}

export interface EngineContext {
  kv: KvStore;
  queue: JobQueue;
  feed: ChangeFeed;
  log: Logger;
  now: () => number;
  workerId: string;
  /** When this process's engine was created: an attempt claimed before it belongs to a dead predecessor. */
  startedAt: number;
  leaseMs: number;
  /** Process deaths a job may survive before it is quarantined as a poison job. */
  crashRetries: number;
  pendingGraceMs: number;
  progressIntervalMs: number;
  slotRecheckMs: number;
  // deno-lint-ignore no-explicit-any -- definitions of every kind live in one map
  definitions: Map<string, JobDefinition<any, any>>;
  running: Map<string, RunningJob>;
  /** Called once per job that reached a terminal status here (metrics). Must not throw. */
  onFinished?: (job: JobRecord) => void;
  /** Set by stop(): no new claims, no sweeps. */
  stopping: boolean;
}

/** Job topics are `job:<id>`; their head is the job record (`ChangeFeed.ownTopics`). */
export const jobTopicPrefix = "job:";

export function jobTopic(id: string): string {
  return `${jobTopicPrefix}${id}`;
}

/** Reports a terminal job to the optional hook, shielding the engine from a faulty hook. */
export function reportFinished(ctx: EngineContext, job: JobRecord): void {
  try {
    ctx.onFinished?.(job);
  } catch {
    // metrics must never break a job transition
  }
}

/**
 * Telling a dead worker from a slow one. Every engine writes a presence record for its process
 * (`["jobs", "workers", workerId]`: when it started, when it last beat) every `leaseMs / 3` from a
 * timer of its own, and marks it stopped on graceful shutdown. When a running job's lease has lapsed,
 * the claim path asks `ownerState`:
 *
 * - **alive** — the owner beat after the lease ran out (its job heartbeat failed, or the lease
 *   lapsed under load) or it stopped gracefully: the job is recovered as before;
 * - **dead** — no presence, a presence that went stale before the lease ran out, or an owner that
 *   restarted since the attempt began: the process ended mid-attempt, and the job may be what
 *   killed it (a poison job), so the claim path quarantines it instead of running it blindly;
 * - **undecided** — too early to tell (the owner's next beat is not due yet): `decideInMs` says
 *   when the owner will be overdue, and the claim path asks again then.
 */
import { errorMessage } from "../log.ts";
import type { EngineContext } from "./context.ts";
import { jobKeys } from "./keys.ts";
import type { JobRecord } from "./types.ts";

export interface WorkerPresence {
  startedAt: number;
  beatAt: number;
  /** Set by a graceful stop: whatever it still held was being released, not crashed on. */
  stopped?: boolean;
}

export type OwnerState = "alive" | "dead" | { decideInMs: number };

/** Presence records outlive any lease check by far; a missing one means a long-gone process. */
const presenceTtlMs = 24 * 60 * 60 * 1000;

export function startPresence(ctx: EngineContext): { stop(): Promise<void> } {
  const write = (stopped: boolean) => {
    const value: WorkerPresence = stopped
      ? { startedAt: ctx.startedAt, beatAt: ctx.now(), stopped }
      : { startedAt: ctx.startedAt, beatAt: ctx.now() };
    return ctx.kv.set(jobKeys.worker(ctx.workerId), value, { expireIn: presenceTtlMs });
  };
  const beat = () =>
    write(false).catch((error) => ctx.log.warn("job_presence_failed", { error: errorMessage(error) }));
  void beat();
  const timer = setInterval(beat, Math.max(10, Math.floor(ctx.leaseMs / 3)));
  return {
    async stop() {
      clearInterval(timer);
      await write(true).catch((error) => ctx.log.warn("job_presence_failed", { error: errorMessage(error) }));
    },
  };
}

/** Whether the process that held `record`'s lapsed lease is still alive (see the file comment). */
export async function ownerState(ctx: EngineContext, record: JobRecord, now: number): Promise<OwnerState> {
  const attemptStartedAt = record.startedAt ?? 0;
  if (record.leaseOwner === ctx.workerId) {
    return ctx.startedAt <= attemptStartedAt ? "alive" : "dead";
  }
  if (!record.leaseOwner) return "dead";
  const presence = (await ctx.kv.get<WorkerPresence>(jobKeys.worker(record.leaseOwner))).value;
  if (!presence || presence.startedAt > attemptStartedAt) return "dead";
  if (presence.stopped || presence.beatAt >= (record.leaseUntil ?? 0)) return "alive";
  const overdueAt = presence.beatAt + ctx.leaseMs;
  return now > overdueAt ? "dead" : { decideInMs: overdueAt - now + 1 };
}

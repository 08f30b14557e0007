/**
 * The safety net under the queue: messages can be lost (a crash between commit and send, a queue
 * backend without delivery guarantees) and workers can die holding a lease. The sweep only re-sends
 * wake-ups; the claim path decides, from the record, whether and how to run the job.
 */
import type { EngineContext } from "./context.ts";
import { jobKeys } from "./keys.ts";

/** Entries looked at per index and sweep; the next sweep continues with the rest. */
const batchLimit = 1_000;

export interface Sweeper {
  /**
   * `initial`: the start-up sweep of a (re)started process — every pending job gets a wake-up for
   * its due time, since the previous process's messages may be gone with it.
   */
  sweep(options?: { initial?: boolean }): Promise<void>;
}

export function createSweeper(ctx: EngineContext): Sweeper {
  /** Job id → when we last re-sent it, so a backlog that is merely slow is not re-sent every sweep. */
  const resent = new Map<string, number>();

  return {
    async sweep({ initial = false } = {}) {
      if (ctx.stopping) return;
      const now = ctx.now();
      for (const [id, at] of resent) if (at <= now - ctx.pendingGraceMs) resent.delete(id);
      const wakes: { id: string; delayMs: number }[] = [];

      const pendingEnd = initial ? [...jobKeys.pendingPrefix, Infinity] : [
        ...jobKeys.pendingPrefix,
        now - ctx.pendingGraceMs,
      ];
      for await (
        const entry of ctx.kv.list<string>({ prefix: jobKeys.pendingPrefix, end: pendingEnd }, {
          limit: batchLimit,
        })
      ) {
        const [, , runAt, id] = entry.key as [string, string, number, string];
        if (resent.has(id)) continue;
        wakes.push({ id, delayMs: Math.max(0, runAt - now) });
      }
      for await (
        const entry of ctx.kv.list<string>({
          prefix: jobKeys.leasePrefix,
          end: [...jobKeys.leasePrefix, now],
        }, {
          limit: batchLimit,
        })
      ) {
        const id = entry.key[3] as string;
        if (resent.has(id) || ctx.running.has(id)) continue; // our own heartbeat is behind, not dead
        wakes.push({ id, delayMs: 0 });
      }
      if (wakes.length === 0 || ctx.stopping) return;

      for (const { id } of wakes) resent.set(id, now);
      await sendAll(ctx, wakes);
      ctx.log.info("job_sweep_resent", { count: wakes.length, initial });
    },
  };
}

/** Sends many wake-ups, in atomics of 100 when the queue can stage them (one commit, not 100). */
async function sendAll(ctx: EngineContext, wakes: { id: string; delayMs: number }[]): Promise<void> {
  for (let i = 0; i < wakes.length; i += 100) {
    const op = ctx.kv.atomic();
    const unstaged = wakes.slice(i, i + 100).filter(({ id, delayMs }) => !ctx.queue.stage?.(op, id, delayMs));
    await op.commit();
    await Promise.all(unstaged.map(({ id, delayMs }) => ctx.queue.send(id, delayMs)));
  }
}

/**
 * Periodic background work (job sweeps, hold expiry, session cleanup). An interface so a
 * multi-process deployment can swap in a leader-elected or database-backed scheduler; the default
 * runs timers in this process, never overlapping a task with itself.
 */
import { errorMessage, type Logger } from "./log.ts";

export interface Scheduler {
  /** Runs `task` every `intervalMs` (first run after one interval unless `runNow`). */
  every(name: string, intervalMs: number, task: () => Promise<void>, options?: { runNow?: boolean }): void;
  /** Stops every timer and waits for runs in progress. */
  stop(): Promise<void>;
}

export function createIntervalScheduler(log: Logger): Scheduler {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  return {
    every(name, intervalMs, task, options = {}) {
      const run = async () => {
        if (stopped) return;
        const running = task().catch((error) =>
          log.error("scheduler_task_failed", { task: name, error: errorMessage(error) })
        );
        inFlight.add(running);
        await running;
        inFlight.delete(running);
        if (!stopped) schedule();
      };
      const schedule = (delay = intervalMs) => {
        const id = setTimeout(() => {
          timers.delete(id);
          run();
        }, delay);
        timers.add(id);
      };
      schedule(options.runNow ? 0 : intervalMs);
    },
    async stop() {
      stopped = true;
      for (const id of timers) clearTimeout(id);
      timers.clear();
      await Promise.all(inFlight);
    },
  };
}

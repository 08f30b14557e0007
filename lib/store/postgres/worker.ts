/**
 * Graphile Worker as the cluster's queue and clock. One runner per instance takes:
 * - `kiln_queue`: the messages `kv.enqueue` / `atomic().enqueue` added (in the writing transaction);
 *   Graphile locks each job row, so a message runs on exactly one instance;
 * - `kiln_schedule`: crontab items for periodic tasks whose interval is whole minutes — Graphile's
 *   crontab fires once per cluster, not once per instance;
 * - `kiln_timer`: sub-minute periodic tasks (the job sweep). The crontab cannot express seconds, so
 *   each such task is one Graphile job with a fixed `job_key`: whoever runs it first re-adds the next
 *   occurrence (even while shutting down — another instance will run it), then runs the task. Still
 *   once per cluster per interval. Graphile keeps a job locked by a dead worker for hours, so every
 *   instance also re-adds each timer with `preserve_run_at` every few seconds: a no-op while the
 *   timer is healthy, a fresh timer when its holder died between taking it and re-adding it.
 */
import { Logger as GraphileLogger, parseCronItems, run, type Runner } from "graphile-worker";
import type pg from "pg";
import { errorMessage, type Logger } from "../../log.ts";
import type { Scheduler } from "../../scheduler.ts";
import { sleep } from "../../sleep.ts";
import type { SchemaNames } from "./schema.ts";

export interface GraphileRuntime {
  scheduler: Scheduler;
  /** Starts the runner with `onMessage` as the queue consumer; resolves when the runner stops. */
  listen(onMessage: (message: unknown) => Promise<void> | void): Promise<void>;
  stop(): Promise<void>;
}

interface Periodic {
  intervalMs: number;
  task: () => Promise<void>;
  runNow: boolean;
}

/** How often each instance makes sure every sub-minute timer exists (see the module comment). */
const timerHealMs = 5_000;

/** Minute intervals the crontab can express exactly (`*\/m * * * *`). */
const cronMinutes = new Set([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30]);

export function createGraphileRuntime(
  pool: pg.Pool,
  names: SchemaNames,
  log: Logger,
  options: { concurrency: number },
): GraphileRuntime {
  const periodic = new Map<string, Periodic>();
  const inFlight = new Set<Promise<void>>();
  let runner: Runner | null = null;
  let listening: Promise<void> | null = null;
  let stopped = false;
  let stopping: Promise<void> | null = null;
  let healTimer: ReturnType<typeof setInterval> | undefined;
  let schedulerStopped = false;

  const runPeriodic = async (name: string) => {
    const entry = periodic.get(name);
    if (!entry || schedulerStopped) return;
    const running = entry.task().catch((error) =>
      log.error("scheduler_task_failed", { task: name, error: errorMessage(error) })
    );
    inFlight.add(running);
    await running;
    inFlight.delete(running);
  };

  const addTimer = (name: string, delayMs: number, mode: "replace" | "preserve_run_at") =>
    pool.query(
      `SELECT ${names.workerSchema}.add_job('kiln_timer', $1::json,
         run_at => now() + $2 * interval '1 millisecond', job_key => $3, job_key_mode => $4)`,
      [JSON.stringify({ name }), delayMs, `kiln_timer:${name}`, mode],
    );

  const isCron = (intervalMs: number) => intervalMs % 60_000 === 0 && cronMinutes.has(intervalMs / 60_000);

  const scheduler: Scheduler = {
    every(name, intervalMs, task, everyOptions = {}) {
      if (listening) throw new Error(`scheduled task "${name}" registered after the worker started`);
      periodic.set(name, { intervalMs, task, runNow: everyOptions.runNow ?? false });
    },
    async stop() {
      schedulerStopped = true;
      await Promise.all(inFlight);
    },
  };

  const timers = () => [...periodic].filter(([, entry]) => !isCron(entry.intervalMs));

  const startRunner = (onMessage: (message: unknown) => Promise<void> | void): Promise<Runner> =>
    run({
      pgPool: pool,
      schema: names.workerSchema,
      concurrency: options.concurrency,
      noHandleSignals: true,
      // Fetch (and lock) a few wake-ups at a time and complete them in batches: one round trip for
      // many messages. A crash can leave fetched messages locked, which costs nothing here — the
      // job records' pending index and the sweep re-send any wake-up that never ran.
      preset: {
        worker: { localQueue: { size: options.concurrency + 1 }, completeJobBatchDelay: 0 },
      },
      // Graphile arms (and never clears) an abort timer of this length on shutdown. Our tasks are
      // short hand-offs that ignore the signal, so 0 lets the timer fire at once instead of
      // keeping a stopped instance's timer alive for 5 s.
      gracefulShutdownAbortTimeout: 0,
      // New due-now jobs arrive by LISTEN at once; delayed ones (retries, timers) only by polling.
      pollInterval: 500,
      logger: graphileLogger(log),
      parsedCronItems: parseCronItems(
        [...periodic].filter(([, entry]) => isCron(entry.intervalMs)).map(([name, entry]) => ({
          task: "kiln_schedule",
          match: `*/${entry.intervalMs / 60_000} * * * *`,
          identifier: name,
          payload: { name },
          options: { backfillPeriod: 0, maxAttempts: 1 },
        })),
      ),
      taskList: {
        kiln_queue: async (payload) => await onMessage(payload),
        kiln_schedule: (payload) => runPeriodic(String((payload as { name?: unknown }).name)),
        kiln_timer: async (payload) => {
          const name = String((payload as { name?: unknown }).name);
          const entry = periodic.get(name);
          if (!entry) return;
          await addTimer(name, entry.intervalMs, "replace");
          await runPeriodic(name);
        },
      },
    });

  /**
   * Runs the runner until `stop()`. Graphile shuts a runner down by itself when any process on the
   * database announces a breaking migration (a first install in another schema does), so an
   * unexpected end is logged and the runner started again instead of leaving the queue unserved.
   */
  async function serve(onMessage: (message: unknown) => Promise<void> | void): Promise<void> {
    for (const [name, entry] of timers()) {
      await addTimer(name, entry.runNow ? 0 : entry.intervalMs, "preserve_run_at");
    }
    if (timers().length > 0) {
      healTimer = setInterval(() => {
        for (const [name, entry] of timers()) {
          addTimer(name, entry.intervalMs, "preserve_run_at").catch((error) =>
            log.warn("scheduler_timer_heal_failed", { task: name, error: errorMessage(error) })
          );
        }
      }, timerHealMs);
    }
    while (!stopped) {
      runner = await startRunner(onMessage);
      if (stopped) break; // stop() ran while the runner started: it is stopped below
      await runner.promise.catch((error) => log.error("graphile_worker", { message: errorMessage(error) }));
      if (stopped) return;
      log.warn("graphile_runner_restarting", {});
      await sleep(1_000);
    }
    await stopRunner();
  }

  async function stopRunner(): Promise<void> {
    try {
      await runner?.stop();
    } catch { /* it had already shut itself down */ }
  }

  return {
    scheduler,
    listen(onMessage) {
      if (listening) throw new Error("the queue consumer is already listening");
      listening = serve(onMessage);
      return listening;
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        schedulerStopped = true;
        clearInterval(healTimer);
        await stopRunner();
        await listening?.catch(() => {});
        clearInterval(healTimer);
        await Promise.all(inFlight);
      })();
      return stopping;
    },
  };
}

/** Graphile's own warnings and errors go to Kiln's log; its per-job info lines are dropped. */
function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger(() => (level, message) => {
    if (level === "error") log.error("graphile_worker", { message });
    else if (level === "warning") log.warn("graphile_worker", { message });
  });
}

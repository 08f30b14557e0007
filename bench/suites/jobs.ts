/**
 * Job engine throughput (SPEC §3: ≥ 1,000 jobs/s enqueue→complete on one core, none lost or
 * duplicated). The real engine, KV queue and change feed run in this process on a temporary KV
 * file (production's storage), then on `:memory:` for comparison. 10,000 no-op jobs are enqueued
 * (32 enqueuers at a time) while the engine already works on them; the clock stops when every
 * handler has run and `counts()` shows nothing queued or running. Then each job's record is read
 * back: a job that is not `succeeded` is lost; a job whose handler ran twice is duplicated.
 */
import { z } from "zod";
import { createJobEngine } from "../../lib/jobs/engine.ts";
import { createKvJobQueue, createQueueDispatcher } from "../../lib/jobs/kv_queue.ts";
import { createKvChangeFeed } from "../../lib/live/kv_feed.ts";
import { silentLogger } from "../../lib/log.ts";
import { createIntervalScheduler } from "../../lib/scheduler.ts";
import { openDenoKv } from "../../lib/store/open.ts";
import { delay, mapConcurrently, type Row, row, tempDir, withDeadline } from "../support.ts";

const jobCount = 10_000;
const enqueuers = 32;
/** Generous: 10,000 jobs at the 1,000 jobs/s target take 10 s. */
const deadlineMs = 30_000;
const kind = "bench.noop";

interface EngineRun {
  jobsPerSecond: number;
  /** Time until the last enqueue returned (ms). */
  enqueueMs: number;
  lost: number;
  duplicated: number;
  timedOut: boolean;
}

async function measure(kvPath: string): Promise<EngineRun> {
  const log = silentLogger;
  const { kv, close } = await openDenoKv(kvPath);
  const feed = createKvChangeFeed({ kv, log });
  const dispatcher = createQueueDispatcher(kv, log);
  const scheduler = createIntervalScheduler(log);
  const jobs = createJobEngine({
    kv,
    queue: createKvJobQueue(kv, dispatcher, log),
    feed,
    scheduler,
    log,
    leaseMs: 30_000,
    sweepIntervalMs: 5_000,
  });

  /** Handler runs per job id. */
  const runs = new Map<string, number>();
  let allRan!: () => void;
  const allRanPromise = new Promise<void>((resolve) => (allRan = resolve));
  jobs.define(kind, z.object({ i: z.number().int() }), ({ jobId }) => {
    const count = (runs.get(jobId) ?? 0) + 1;
    runs.set(jobId, count);
    if (count === 1 && runs.size === jobCount) allRan();
    return Promise.resolve(undefined);
  });

  try {
    jobs.start();
    dispatcher.start();

    const started = performance.now();
    const ids = await mapConcurrently(jobCount, enqueuers, async (i) => (await jobs.enqueue(kind, { i })).id);
    const enqueueMs = performance.now() - started;

    let timedOut = false;
    try {
      const remaining = Math.max(0, deadlineMs - (performance.now() - started));
      await withDeadline(allRanPromise, remaining, `${jobCount} handler runs`);
      // The handler has returned; the `succeeded` commit follows. Done when nothing is queued or running.
      while (true) {
        const counts = await jobs.counts();
        if (counts.queued === 0 && counts.running === 0) break;
        if (performance.now() - started > deadlineMs) {
          throw new Error("jobs still queued or running at the deadline");
        }
        await delay(1);
      }
    } catch {
      timedOut = true;
    }
    const elapsedMs = performance.now() - started;

    let succeeded = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const records = await Promise.all(ids.slice(i, i + 100).map((id) => jobs.get(id)));
      for (const record of records) if (record?.status === "succeeded") succeeded++;
    }
    console.error(
      `bench: jobs ${kvPath === ":memory:" ? ":memory:" : "file"}: enqueued in ${
        (enqueueMs / 1000).toFixed(2)
      } s, ` +
        `all succeeded after ${(elapsedMs / 1000).toFixed(2)} s`,
    );
    let duplicated = 0;
    for (const count of runs.values()) if (count > 1) duplicated++;
    return {
      jobsPerSecond: succeeded / (elapsedMs / 1000),
      enqueueMs,
      lost: jobCount - succeeded,
      duplicated,
      timedOut,
    };
  } finally {
    await feed.close();
    await jobs.stop(0);
    await scheduler.stop();
    close();
    await dispatcher.closed;
  }
}

export async function run(): Promise<Row[]> {
  let file: EngineRun;
  {
    await using dir = await tempDir("kiln-bench-jobs-");
    file = await measure(`${dir.path}/jobs.sqlite3`);
  }
  const memory = await measure(":memory:");
  const note = (r: EngineRun) => r.timedOut ? ` (deadline ${deadlineMs / 1000} s hit)` : "";
  return [
    row(
      `jobs KV file: enqueue→succeeded, ${jobCount} no-op jobs${note(file)}`,
      file.jobsPerSecond,
      "jobs/s",
      {
        target: { op: ">=", value: 1_000 },
      },
    ),
    row("jobs KV file: lost (never succeeded)", file.lost, "jobs", { target: { op: "==", value: 0 } }),
    row("jobs KV file: duplicated (handler ran twice)", file.duplicated, "jobs", {
      target: { op: "==", value: 0 },
    }),
    row(`jobs KV :memory:: enqueue→succeeded${note(memory)}`, memory.jobsPerSecond, "jobs/s", {
      target: { op: ">=", value: 1_000 },
    }),
    row("jobs KV :memory:: lost", memory.lost, "jobs", { target: { op: "==", value: 0 } }),
    row("jobs KV :memory:: duplicated", memory.duplicated, "jobs", { target: { op: "==", value: 0 } }),
  ];
}

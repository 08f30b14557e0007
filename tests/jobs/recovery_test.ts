import { z } from "zod";
import { jobKeys } from "../../lib/jobs/keys.ts";
import { newTestLocation, removeTestLocation } from "../support/backend.ts";
import type { JobRecord } from "../../lib/jobs/types.ts";
import type { KvStore } from "../../lib/store/types.ts";
import {
  assert,
  assertStrictEquals,
  deferred,
  harness,
  memoryQueue,
  waitFor,
  waitForStatus,
} from "./helpers.ts";

const Input = z.object({ n: z.number() });

Deno.test("a lost wake-up is recovered by the sweep", async () => {
  const queue = memoryQueue();
  let calls = 0;
  const app = await harness({
    queue,
    pendingGraceMs: 50,
    sweepIntervalMs: 25,
    setup: (engine) =>
      engine.define("orphan", Input, () => {
        calls++;
        return Promise.resolve("found");
      }),
  });
  try {
    queue.drop(1); // the enqueue's send is lost, as in a crash right after the commit
    const job = await app.engine.enqueue("orphan", { n: 1 });
    const done = await waitForStatus(app.engine, job.id, "succeeded");
    assertStrictEquals(queue.dropped, 1);
    assertStrictEquals(calls, 1);
    assertStrictEquals(done.attempts, 1);
  } finally {
    await app.close();
  }
});

/** What a worker leaves behind mid-attempt: a running record whose lease ran out 100 ms ago. */
async function plantRunning(
  kv: KvStore,
  kind: string,
  fields: Partial<JobRecord> & { id: string },
): Promise<JobRecord> {
  const now = Date.now();
  const record: JobRecord = {
    kind,
    input: { n: 1 },
    status: "running",
    attempts: 1,
    maxAttempts: 3,
    backoff: { type: "fixed", delaysMs: [10] },
    progress: 40,
    createdAt: now - 1_000,
    updatedAt: now - 500,
    startedAt: now - 500,
    runAt: now - 1_000,
    leaseUntil: now - 100,
    leaseOwner: "worker-gone",
    ttlMs: 60_000,
    revision: 3,
    ...fields,
  };
  await kv.atomic()
    .set(jobKeys.job(record.id), record)
    .set(jobKeys.lease(record.leaseUntil!, record.id), record.id)
    .commit();
  return record;
}

Deno.test("a job whose process died mid-attempt is quarantined: process_crashed, never run, hook told once", async () => {
  let calls = 0;
  const abandoned: JobRecord[] = [];
  const app = await harness({
    leaseMs: 200,
    sweepIntervalMs: 25,
    setup: (engine) =>
      engine.define(
        "orphaned",
        Input,
        () => {
          calls++;
          return Promise.resolve("ran");
        },
        { onAbandoned: (job) => Promise.resolve(void abandoned.push(job)) },
      ),
  });
  try {
    await plantRunning(app.kv, "orphaned", { id: "deadworkerjob" }); // its worker left no presence
    const failed = await waitForStatus(app.engine, "deadworkerjob", "failed");
    assertStrictEquals(failed.error?.code, "process_crashed");
    assertStrictEquals(failed.attempts, 1);
    assertStrictEquals(calls, 0);
    assertStrictEquals((await app.engine.listFailed()).map((job) => job.id).join(), "deadworkerjob");
    await waitFor("the abandoned hook", () => abandoned.length === 1);
    assertStrictEquals(abandoned[0].error?.code, "process_crashed");
    // An admin who judges it safe retries it, with a fresh crash budget.
    await app.engine.retry("deadworkerjob");
    const done = await waitForStatus(app.engine, "deadworkerjob", "succeeded");
    assertStrictEquals(done.crashes, undefined);
    assertStrictEquals(calls, 1);
  } finally {
    await app.close();
  }
});

Deno.test("with crashRetries 1 a dead worker's job runs again once; dying a second time quarantines it", async () => {
  const app = await harness({
    leaseMs: 200,
    sweepIntervalMs: 25,
    crashRetries: 1,
    setup: (engine) => engine.define("orphaned", Input, ({ attempt }) => Promise.resolve(attempt)),
  });
  try {
    await plantRunning(app.kv, "orphaned", { id: "firstcrash" });
    await plantRunning(app.kv, "orphaned", { id: "secondcrash", attempts: 2, crashes: 1 });
    const done = await waitForStatus(app.engine, "firstcrash", "succeeded");
    assertStrictEquals(done.result, 2);
    assertStrictEquals(done.crashes, 1);
    assertStrictEquals(done.revision, 5); // 3 left by the dead worker, then recovery claim and success
    const failed = await waitForStatus(app.engine, "secondcrash", "failed");
    assertStrictEquals(failed.error?.code, "process_crashed");
  } finally {
    await app.close();
  }
});

Deno.test("a lease that lapsed while its owner lived, or during its graceful stop, is recovered, not quarantined", async () => {
  const app = await harness({
    leaseMs: 200,
    sweepIntervalMs: 25,
    setup: (engine) => engine.define("orphaned", Input, ({ attempt }) => Promise.resolve(attempt)),
  });
  try {
    const now = Date.now();
    const lapsed = { startedAt: now - 500, leaseUntil: now - 100 }; // judged against the same clock reading
    // Still beating after the lease ran out: the owner lives (its job heartbeat failed, or it was slow).
    await app.kv.set(jobKeys.worker("worker-slow"), { startedAt: now - 5_000, beatAt: now });
    await app.kv.set(jobKeys.worker("worker-stopped"), {
      startedAt: now - 5_000,
      beatAt: now - 150,
      stopped: true,
    });
    await plantRunning(app.kv, "orphaned", { id: "slowowner", leaseOwner: "worker-slow", ...lapsed });
    await plantRunning(app.kv, "orphaned", { id: "stoppedowner", leaseOwner: "worker-stopped", ...lapsed });
    for (const id of ["slowowner", "stoppedowner"]) {
      const done = await waitForStatus(app.engine, id, "succeeded");
      assertStrictEquals(done.result, 2);
      assertStrictEquals(done.crashes, undefined);
    }
  } finally {
    await app.close();
  }
});

Deno.test("an owner whose next beat is not yet due is given until it is overdue before its job is judged", async () => {
  const app = await harness({
    leaseMs: 300,
    sweepIntervalMs: 25,
    setup: (engine) => engine.define("orphaned", Input, () => Promise.resolve("ran")),
  });
  try {
    const beatAt = Date.now();
    await app.kv.set(jobKeys.worker("worker-quiet"), { startedAt: beatAt - 5_000, beatAt });
    await plantRunning(app.kv, "orphaned", {
      id: "quietowner",
      leaseOwner: "worker-quiet",
      leaseUntil: beatAt + 50, // lapses long before the owner is overdue (beatAt + leaseMs)
    });
    const failed = await waitForStatus(app.engine, "quietowner", "failed");
    assertStrictEquals(failed.error?.code, "process_crashed");
    assert(failed.finishedAt! - beatAt > 300, `judged ${failed.finishedAt! - beatAt} ms after the last beat`);
  } finally {
    await app.close();
  }
});

Deno.test("heartbeats keep a long job's lease, so the sweep never steals it", async () => {
  let calls = 0;
  const app = await harness({
    leaseMs: 240,
    sweepIntervalMs: 20,
    setup: (engine) =>
      engine.define("long", Input, async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 800)); // over three leases long
        return "done";
      }),
  });
  try {
    const job = await app.engine.enqueue("long", { n: 1 });
    const done = await waitForStatus(app.engine, job.id, "succeeded");
    assertStrictEquals(calls, 1);
    assertStrictEquals(done.attempts, 1);
    assert(done.revision >= 5, `expected heartbeat writes, got revision ${done.revision}`);
  } finally {
    await app.close();
  }
});

Deno.test("graceful stop releases a running job, which then finishes on a new engine over the same KV", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kiln-jobs-" });
  const location = newTestLocation(dir);
  try {
    const started = deferred<void>();
    const first = await harness({
      location,
      setup: (engine) =>
        engine.define("resumable", Input, async ({ signal }) => {
          started.resolve();
          await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
          throw signal.reason;
        }),
    });
    let id: string;
    try {
      id = (await first.engine.enqueue("resumable", { n: 1 })).id;
      await started.promise;
      await first.engine.stop(50);
      const released = await first.engine.get(id);
      assertStrictEquals(released?.status, "queued");
      assertStrictEquals(released?.attempts, 0);
      assertStrictEquals(released?.leaseUntil, undefined);
      assertStrictEquals((await first.engine.counts()).queued, 1);
    } finally {
      await first.close();
    }

    const second = await harness({
      location,
      setup: (engine) =>
        engine.define("resumable", Input, ({ attempt }) => Promise.resolve(`finished on attempt ${attempt}`)),
    });
    try {
      const done = await waitForStatus(second.engine, id, "succeeded", 2_000);
      assertStrictEquals(done.result, "finished on attempt 1");
    } finally {
      await second.close();
    }
  } finally {
    await removeTestLocation(location);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a job whose worker died in its final attempt becomes a dead letter instead of running again", async () => {
  let calls = 0;
  const app = await harness({
    sweepIntervalMs: 25,
    crashRetries: 1, // the death itself is forgiven; the attempt budget is not
    setup: (engine) =>
      engine.define("poison", Input, () => {
        calls++;
        return Promise.resolve(1);
      }),
  });
  try {
    const now = Date.now();
    const record: JobRecord = {
      id: "poisonjob",
      kind: "poison",
      input: { n: 1 },
      status: "running",
      attempts: 3,
      maxAttempts: 3,
      backoff: { type: "fixed", delaysMs: [10] },
      progress: 0,
      createdAt: now - 1_000,
      updatedAt: now - 500,
      runAt: now - 1_000,
      leaseUntil: now - 100,
      leaseOwner: "worker-gone",
      ttlMs: 60_000,
      revision: 7,
    };
    await app.kv.atomic().set(jobKeys.job(record.id), record).set(
      jobKeys.lease(now - 100, record.id),
      record.id,
    ).commit();
    const failed = await waitForStatus(app.engine, record.id, "failed");
    assertStrictEquals(failed.error?.code, "worker_lost");
    assertStrictEquals(calls, 0);
    assertStrictEquals((await app.engine.counts()).running, 0);
  } finally {
    await app.close();
  }
});

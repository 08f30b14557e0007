import { z } from "zod";
import { jobKeys } from "../../lib/jobs/keys.ts";
import { newTestLocation, removeTestLocation } from "../support/backend.ts";
import type { JobRecord } from "../../lib/jobs/types.ts";
import { assert, assertStrictEquals, deferred, harness, memoryQueue, waitForStatus } from "./helpers.ts";

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

Deno.test("a running job whose worker vanished is recovered once its lease expires", async () => {
  const app = await harness({
    leaseMs: 200,
    sweepIntervalMs: 25,
    setup: (engine) => engine.define("orphaned", Input, ({ attempt }) => Promise.resolve(attempt)),
  });
  try {
    // What a dead worker leaves behind: a running record and a lease index entry in the past.
    const now = Date.now();
    const record: JobRecord = {
      id: "deadworkerjob",
      kind: "orphaned",
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
    };
    await app.kv.atomic()
      .set(jobKeys.job(record.id), record)
      .set(jobKeys.lease(now - 100, record.id), record.id)
      .commit();
    const done = await waitForStatus(app.engine, record.id, "succeeded");
    assertStrictEquals(done.attempts, 2);
    assertStrictEquals(done.result, 2);
    assertStrictEquals(done.revision, 5); // 3 left by the dead worker, then recovery claim and success
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

import { z } from "zod";
import { KilnError } from "../../lib/errors.ts";
import { jobKeys } from "../../lib/jobs/keys.ts";
import { PermanentJobError } from "../../lib/jobs/types.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
  deferred,
  harness,
  memoryQueue,
  waitFor,
  waitForStatus,
} from "./helpers.ts";

const Numbers = z.object({ n: z.number().int() });

Deno.test("a job succeeds with its result, and every revision is a live event of its public view", async () => {
  const app = await harness({
    setup: (engine) =>
      engine.define("double", Numbers, async ({ input, progress }) => {
        await progress(10, "Reading");
        return { doubled: input.n * 2 };
      }),
  });
  try {
    const queued = await app.engine.enqueue("double", { n: 21 }, { owner: "user:1" });
    assertStrictEquals(queued.status, "queued");
    assertStrictEquals(queued.revision, 1);
    const done = await waitForStatus(app.engine, queued.id, "succeeded");
    assertEquals(done.result, { doubled: 42 });
    assertStrictEquals(done.progress, 100);
    assertStrictEquals(done.step, "Reading");
    assertStrictEquals(done.attempts, 1);
    assertStrictEquals(done.leaseUntil, undefined);
    assert(done.finishedAt !== undefined && done.expiresAt === done.finishedAt + 24 * 60 * 60 * 1000);

    const events = await app.feed.events(app.kv, app.engine.topic(queued.id));
    assertEquals(events.map((event) => event.seq), events.map((_, i) => i + 1));
    assertStrictEquals(events.length, done.revision);
    assertEquals(events.map((event) => (event.data as { status: string }).status), [
      "queued",
      "running",
      "running",
      "succeeded",
    ]);
    for (const event of events) {
      assertStrictEquals(event.type, "job");
      const data = event.data as Record<string, unknown>;
      for (const hidden of ["input", "result", "owner", "leaseOwner", "leaseUntil"]) {
        assert(!(hidden in data), hidden);
      }
    }
    assertStrictEquals((events[2].data as { progress: number }).progress, 10);
    assertEquals(await app.engine.counts(), { queued: 0, running: 0, failed: 0 });
  } finally {
    await app.close();
  }
});

Deno.test("a failing job retries with its backoff and then succeeds", async () => {
  let calls = 0;
  const app = await harness({
    setup: (engine) =>
      engine.define("flaky", Numbers, ({ attempt }) => {
        calls++;
        if (attempt < 3) {
          return Promise.reject(Object.assign(new Error(`boom ${attempt}`), { code: "flaky" }));
        }
        return Promise.resolve("ok");
      }, { backoff: { type: "fixed", delaysMs: [20, 40] } }),
  });
  try {
    const job = await app.engine.enqueue("flaky", { n: 1 });
    const done = await waitForStatus(app.engine, job.id, "succeeded");
    assertStrictEquals(done.attempts, 3);
    assertStrictEquals(calls, 3);
    assertStrictEquals(done.error, undefined);
    const events = await app.feed.events(app.kv, app.engine.topic(job.id));
    const retries = events.map((e) => e.data as { status: string; error?: string }).filter((d) =>
      d.status === "queued" && d.error
    );
    assertEquals(retries.map((d) => d.error), ["boom 1", "boom 2"]);
  } finally {
    await app.close();
  }
});

Deno.test("retries exhausted: the job is a dead letter with its error, and an admin retry runs it again", async () => {
  let healthy = false;
  let calls = 0;
  const finished: string[] = [];
  const app = await harness({
    onFinished: (job) => finished.push(`${job.kind}:${job.status}`),
    setup: (engine) =>
      engine.define("fragile", Numbers, () => {
        calls++;
        return healthy ? Promise.resolve("fixed") : Promise.reject(new Error("upstream down"));
      }, { maxAttempts: 2, backoff: { type: "fixed", delaysMs: [10] } }),
  });
  try {
    const job = await app.engine.enqueue("fragile", { n: 1 });
    const failed = await waitForStatus(app.engine, job.id, "failed");
    assertStrictEquals(failed.attempts, 2);
    assertEquals(failed.error && { message: failed.error.message, attempt: failed.error.attempt }, {
      message: "upstream down",
      attempt: 2,
    });
    assert(failed.expiresAt === (failed.finishedAt ?? 0) + 7 * 24 * 60 * 60 * 1000);
    assertEquals((await app.engine.listFailed()).map((j) => j.id), [job.id]);
    assertEquals((await app.engine.listFailed({ kind: "other" })).length, 0);
    assertEquals(await app.engine.counts(), { queued: 0, running: 0, failed: 1 });

    healthy = true;
    const requeued = await app.engine.retry(job.id);
    assertStrictEquals(requeued.status, "queued");
    assertStrictEquals(requeued.attempts, 0);
    assertStrictEquals(requeued.lastError?.message, "upstream down");
    const done = await waitForStatus(app.engine, job.id, "succeeded");
    assertStrictEquals(done.result, "fixed");
    assertStrictEquals(done.attempts, 1);
    assertStrictEquals(calls, 3);
    // The hook hears of a finished job just after its record commits.
    await waitFor("the second finished report", () => finished.length >= 2);
    assertEquals(finished, ["fragile:failed", "fragile:succeeded"]);
    assertEquals(await app.engine.listFailed(), []);
    assertEquals(await app.engine.counts(), { queued: 0, running: 0, failed: 0 });
    await assertRejects(
      app.engine.retry(job.id),
      (e: KilnError) => e.kind === "conflict" && e.code === "job_not_failed",
    );
    await assertRejects(app.engine.retry("nope"), (e: KilnError) => e.code === "job_not_found");
  } finally {
    await app.close();
  }
});

Deno.test("a PermanentJobError fails the job at once", async () => {
  let calls = 0;
  const app = await harness({
    setup: (engine) =>
      engine.define("strict", Numbers, () => {
        calls++;
        return Promise.reject(new PermanentJobError("document is empty", "empty_document"));
      }),
  });
  try {
    const job = await app.engine.enqueue("strict", { n: 1 });
    const failed = await waitForStatus(app.engine, job.id, "failed");
    assertStrictEquals(calls, 1);
    assertStrictEquals(failed.attempts, 1);
    assertStrictEquals(failed.error?.code, "empty_document");
  } finally {
    await app.close();
  }
});

Deno.test("idempotent enqueue: sequential and 20 concurrent duplicates give one job that runs once", async () => {
  let calls = 0;
  const app = await harness({
    setup: (engine) =>
      engine.define("once", Numbers, () => {
        calls++;
        return Promise.resolve("done");
      }),
  });
  try {
    const first = await app.engine.enqueue("once", { n: 1 }, { idempotencyKey: "k1" });
    const again = await app.engine.enqueue("once", { n: 1 }, { idempotencyKey: "k1" });
    assertStrictEquals(again.id, first.id);

    const racing = await Promise.all(
      Array.from({ length: 20 }, () => app.engine.enqueue("once", { n: 2 }, { idempotencyKey: "k2" })),
    );
    assertStrictEquals(new Set(racing.map((job) => job.id)).size, 1);
    assert(racing[0].id !== first.id);
    await waitForStatus(app.engine, first.id, "succeeded");
    await waitForStatus(app.engine, racing[0].id, "succeeded");
    assertStrictEquals(calls, 2);
    let records = 0;
    for await (const _ of app.kv.list({ prefix: ["jobs", "job"] })) records++;
    assertStrictEquals(records, 2);
    // A finished job still answers for its key.
    assertStrictEquals((await app.engine.enqueue("once", { n: 1 }, { idempotencyKey: "k1" })).id, first.id);
  } finally {
    await app.close();
  }
});

Deno.test("unknown kinds, invalid input and invalid options are rejected", async () => {
  const app = await harness({
    setup: (engine) => {
      engine.define("typed", Numbers, () => Promise.resolve(1));
      engine.define("text", z.object({ text: z.string() }), () => Promise.resolve(1));
    },
  });
  try {
    await assertRejects(
      app.engine.enqueue("missing", {}),
      (e: KilnError) => e instanceof KilnError && e.kind === "invalid" && e.code === "unknown_job_kind",
    );
    await assertRejects(app.engine.enqueue("typed", { n: "x" }), (e: KilnError) => {
      const issues = e.details?.issues as { path: string[] }[];
      return e.kind === "invalid" && e.code === "invalid_job_input" && issues[0].path[0] === "n";
    });
    await assertRejects(
      app.engine.enqueue("typed", { n: 1 }, { maxAttempts: 0 }),
      (e: KilnError) => e.code === "invalid_job_options",
    );
    await assertRejects(
      app.engine.enqueue("text", { text: "x".repeat(60_000) }),
      (e: KilnError) => e.kind === "too_large",
    );
    assertEquals(await app.engine.counts(), { queued: 0, running: 0, failed: 0 });
    assertThrows(() => app.engine.define("typed", Numbers, () => Promise.resolve(1)), /already defined/);
  } finally {
    await app.close();
  }
});

Deno.test("cancelling a queued job: its handler never runs, even when the wake-up arrives", async () => {
  let calls = 0;
  const queue = memoryQueue();
  const app = await harness({
    queue,
    setup: (engine) =>
      engine.define("later", Numbers, () => {
        calls++;
        return Promise.resolve(1);
      }),
  });
  try {
    const job = await app.engine.enqueue("later", { n: 1 }, { delay: 30 });
    const cancelled = await app.engine.cancel(job.id, "user changed their mind");
    assertStrictEquals(cancelled?.status, "cancelled");
    assertStrictEquals(cancelled?.error?.message, "Cancelled: user changed their mind");
    await queue.send(job.id, 0); // a wake-up after the cancel (and the original one at 30 ms)
    await waitFor("both wake-ups to be handled", () => queue.handled >= 2);
    assertEquals(await app.engine.counts(), { queued: 0, running: 0, failed: 0 });
    assertStrictEquals((await app.engine.cancel(job.id))?.status, "cancelled"); // terminal: no-op
    assertStrictEquals(await app.engine.cancel("unknown"), null);
    await app.close();
    assertStrictEquals(calls, 0);
  } finally {
    await app.close();
  }
});

Deno.test("cancelling a running job aborts its handler and the late result does not overwrite cancelled", async () => {
  const started = deferred<void>();
  const finished = deferred<string>();
  const app = await harness({
    setup: (engine) =>
      engine.define("long", Numbers, async ({ signal }) => {
        started.resolve();
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        finished.resolve(String((signal.reason as Error).message));
        return "late result";
      }),
  });
  try {
    const job = await app.engine.enqueue("long", { n: 1 });
    await started.promise;
    const cancelled = await app.engine.cancel(job.id);
    assertStrictEquals(cancelled?.status, "cancelled");
    assertStrictEquals(await finished.promise, "Job cancelled");
    await app.engine.stop(); // waits for the handler's outcome to be (not) committed
    const after = await app.engine.get(job.id);
    assertStrictEquals(after?.status, "cancelled");
    assertStrictEquals(after?.result, undefined);
    assertEquals(await app.engine.counts(), { queued: 0, running: 0, failed: 0 });
  } finally {
    await app.close();
  }
});

Deno.test("a job cancelled elsewhere is aborted here by its next heartbeat", async () => {
  const started = deferred<void>();
  const aborted = deferred<void>();
  const app = await harness({
    leaseMs: 150,
    setup: (engine) =>
      engine.define("watched", Numbers, async ({ signal }) => {
        started.resolve();
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        aborted.resolve();
        throw signal.reason;
      }),
  });
  try {
    const job = await app.engine.enqueue("watched", { n: 1 });
    await started.promise;
    // Another process cancels: only the KV record changes.
    const entry = await app.kv.get<Record<string, unknown>>(jobKeys.job(job.id));
    await app.kv.set(jobKeys.job(job.id), { ...entry.value, status: "cancelled", revision: 99 });
    await aborted.promise;
    await app.engine.stop();
    assertStrictEquals(
      (await app.kv.get<{ status: string }>(jobKeys.job(job.id))).value?.status,
      "cancelled",
    );
  } finally {
    await app.close();
  }
});

Deno.test("a finished job is unreadable after its ttl, and its idempotency key is free again", async () => {
  let clock = Date.now();
  const app = await harness({
    now: () => clock,
    setup: (engine) => engine.define("short", Numbers, ({ input }) => Promise.resolve(input.n)),
  });
  try {
    const job = await app.engine.enqueue("short", { n: 1 }, { ttl: 60_000, idempotencyKey: "same" });
    await waitForStatus(app.engine, job.id, "succeeded");
    clock += 59_000;
    assert(await app.engine.get(job.id));
    clock += 2_000;
    assertStrictEquals(await app.engine.get(job.id), null);
    const fresh = await app.engine.enqueue("short", { n: 2 }, { ttl: 60_000, idempotencyKey: "same" });
    assert(fresh.id !== job.id);
    assertStrictEquals((await waitForStatus(app.engine, fresh.id, "succeeded")).result, 2);
  } finally {
    await app.close();
  }
});

Deno.test("a checkpoint runs once across retries and is cleaned up on success", async () => {
  let effects = 0;
  const app = await harness({
    setup: (engine) =>
      engine.define("charge", Numbers, async ({ attempt, checkpoint }) => {
        const receipt = await checkpoint("charge", () => Promise.resolve({ receipt: ++effects }));
        if (attempt === 1) throw new Error("crashed after charging");
        return receipt;
      }, { backoff: { type: "fixed", delaysMs: [10] } }),
  });
  try {
    const job = await app.engine.enqueue("charge", { n: 1 });
    const done = await waitForStatus(app.engine, job.id, "succeeded");
    assertStrictEquals(effects, 1);
    assertEquals(done.result, { receipt: 1 });
    assertStrictEquals(done.attempts, 2);
    let steps = 0;
    for await (const _ of app.kv.list({ prefix: jobKeys.stepPrefix(job.id) })) steps++;
    assertStrictEquals(steps, 0);
  } finally {
    await app.close();
  }
});

Deno.test("progress in a tight loop is throttled, and the last value is kept", async () => {
  const app = await harness({
    progressIntervalMs: 50,
    setup: (engine) =>
      engine.define("busy", Numbers, async ({ progress }) => {
        for (let i = 0; i < 1_000; i++) await progress(i / 10, `item ${i}`);
        return "ok";
      }),
  });
  try {
    const job = await app.engine.enqueue("busy", { n: 1 });
    const done = await waitForStatus(app.engine, job.id, "succeeded");
    assertStrictEquals(done.step, "item 999");
    assert(done.revision < 10, `expected few writes, got revision ${done.revision}`);
  } finally {
    await app.close();
  }
});

Deno.test("duplicate wake-ups of one job run its handler once", async () => {
  let calls = 0;
  const gate = deferred<void>();
  const app = await harness({
    setup: (engine) =>
      engine.define("single", Numbers, async () => {
        calls++;
        await gate.promise;
        return "ok";
      }),
  });
  try {
    const job = await app.engine.enqueue("single", { n: 1 });
    await Promise.all(Array.from({ length: 10 }, () => app.kv.enqueue({ type: "job", id: job.id })));
    await waitForStatus(app.engine, job.id, "running");
    await Promise.all(Array.from({ length: 10 }, () => app.kv.enqueue({ type: "job", id: job.id })));
    await waitFor(
      "every duplicate to be handled",
      async () => (await app.engine.get(job.id))?.status === "running",
    );
    gate.resolve();
    await waitForStatus(app.engine, job.id, "succeeded");
    assertStrictEquals(calls, 1);
  } finally {
    await app.close();
  }
});

Deno.test("a result too large for KV fails the job permanently instead of retrying forever", async () => {
  let calls = 0;
  const app = await harness({
    setup: (engine) =>
      engine.define("huge", Numbers, () => {
        calls++;
        return Promise.resolve("x".repeat(70_000));
      }),
  });
  try {
    const job = await app.engine.enqueue("huge", { n: 1 });
    const failed = await waitForStatus(app.engine, job.id, "failed");
    assertStrictEquals(failed.error?.code, "result_too_large");
    assertStrictEquals(calls, 1);
  } finally {
    await app.close();
  }
});

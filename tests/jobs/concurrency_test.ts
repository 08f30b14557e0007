import { z } from "zod";
import type { KilnError } from "../../lib/errors.ts";
import { jobKeys } from "../../lib/jobs/keys.ts";
import type { JobRecord } from "../../lib/jobs/types.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  deferred,
  harness,
  waitFor,
  waitForStatus,
} from "./helpers.ts";

const Input = z.object({ n: z.number() });

Deno.test('concurrency "queue": limit 2, five jobs — never more than two run at once and all finish', async () => {
  let active = 0;
  let peak = 0;
  const app = await harness({
    slotRecheckMs: 2_000, // prove that a freed slot wakes the next job, not the periodic re-check
    setup: (engine) =>
      engine.define("render", Input, async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 30)); // the "work"
        active--;
        return "ok";
      }),
  });
  try {
    const concurrency = { key: "ip:203.0.113.7", limit: 2 };
    const jobs = await Promise.all(
      Array.from({ length: 5 }, (_, n) => app.engine.enqueue("render", { n }, { concurrency })),
    );
    const started = performance.now();
    for (const job of jobs) await waitForStatus(app.engine, job.id, "succeeded");
    assertStrictEquals(peak, 2);
    assert(performance.now() - started < 1_900, "waiting jobs were woken by the releases");
    assertStrictEquals((await app.kv.get(jobKeys.slot(concurrency.key))).value, null);
    // Another key is not limited by this one.
    const other = await app.engine.enqueue("render", { n: 9 }, {
      concurrency: { key: "ip:other", limit: 1 },
    });
    await waitForStatus(app.engine, other.id, "succeeded");
  } finally {
    await app.close();
  }
});

Deno.test('concurrency "reject": a third job is refused with rate_limited until a slot frees', async () => {
  const gates = new Map<number, ReturnType<typeof deferred<void>>>();
  const app = await harness({
    setup: (engine) =>
      engine.define("video", Input, async ({ input }) => {
        await gates.get(input.n)?.promise;
        return input.n;
      }),
  });
  try {
    gates.set(1, deferred());
    gates.set(2, deferred());
    const concurrency = { key: "ip:198.51.100.1", limit: 2, mode: "reject" as const };
    const first = await app.engine.enqueue("video", { n: 1 }, { concurrency });
    const second = await app.engine.enqueue("video", { n: 2 }, { concurrency });
    await assertRejects(app.engine.enqueue("video", { n: 3 }, { concurrency }), (e: KilnError) => {
      return e.kind === "rate_limited" && e.code === "concurrency_limit" && (e.retryAfterSeconds ?? 0) > 0;
    });
    // Counted once both are running (two list reads can see a job mid-claim in both indexes).
    await waitForStatus(app.engine, first.id, "running");
    await waitForStatus(app.engine, second.id, "running");
    assertEquals(await app.engine.counts().then((c) => c.queued + c.running), 2);

    gates.get(1)?.resolve();
    await waitForStatus(app.engine, first.id, "succeeded");
    const third = await app.engine.enqueue("video", { n: 3 }, { concurrency });
    await waitForStatus(app.engine, third.id, "succeeded");
    gates.get(2)?.resolve();
    await waitFor(
      "the slot to empty",
      async () => (await app.kv.get(jobKeys.slot(concurrency.key))).value === null,
    );
  } finally {
    await app.close();
  }
});

Deno.test('concurrency "reject": cancelling a queued job frees its slot', async () => {
  const app = await harness({ setup: (engine) => engine.define("slow", Input, () => Promise.resolve(1)) });
  try {
    const concurrency = { key: "user:7", limit: 1, mode: "reject" as const };
    const held = await app.engine.enqueue("slow", { n: 1 }, { concurrency, delay: 60_000 });
    await assertRejects(
      app.engine.enqueue("slow", { n: 2 }, { concurrency }),
      (e: KilnError) => e.kind === "rate_limited",
    );
    await app.engine.cancel(held.id);
    const next = await app.engine.enqueue("slow", { n: 2 }, { concurrency });
    await waitForStatus(app.engine, next.id, "succeeded");
  } finally {
    await app.close();
  }
});

Deno.test("a stale slot holder (its job is gone) does not block the key forever", async () => {
  const app = await harness({ setup: (engine) => engine.define("fast", Input, () => Promise.resolve(1)) });
  try {
    await app.kv.set(jobKeys.slot("k"), { holders: ["ghost-job"] });
    const job = await app.engine.enqueue("fast", { n: 1 }, {
      concurrency: { key: "k", limit: 1, mode: "reject" },
    });
    await waitForStatus(app.engine, job.id, "succeeded");
    const queued = await app.engine.enqueue("fast", { n: 2 }, { concurrency: { key: "k2", limit: 1 } });
    await app.kv.set(jobKeys.slot("k2"), { holders: ["ghost-job"] });
    await waitForStatus(app.engine, queued.id, "succeeded");
  } finally {
    await app.close();
  }
});

Deno.test("a process runs at most maxConcurrentJobs handlers; the rest wait queued and all finish", async () => {
  let active = 0;
  let peak = 0;
  const app = await harness({
    maxConcurrentJobs: 3,
    setup: (engine) =>
      engine.define("convert", Input, async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 10)); // the "work"
        active--;
        return "ok";
      }),
  });
  try {
    const jobs = await Promise.all(
      Array.from({ length: 12 }, (_, n) => app.engine.enqueue("convert", { n })),
    );
    for (const job of jobs) await waitForStatus(app.engine, job.id, "succeeded");
    assertStrictEquals(peak, 3);
  } finally {
    await app.close();
  }
});

Deno.test("enqueue's staged writes commit with the job: a refused or deduplicated enqueue writes none", async () => {
  const gate = deferred();
  const app = await harness({
    setup: (engine) => engine.define("video", Input, async ({ input }) => (await gate.promise, input.n)),
  });
  try {
    const concurrency = { key: "ip:203.0.113.9", limit: 1, mode: "reject" as const };
    const stage = (name: string) => (operation: Deno.AtomicOperation, job: JobRecord) =>
      void operation.set(["staged", name], job.id);
    const first = await app.engine.enqueue("video", { n: 1 }, {
      concurrency,
      idempotencyKey: "one",
      stage: stage("first"),
    });
    assertEquals((await app.kv.get(["staged", "first"])).value, first.id);
    await assertRejects(
      app.engine.enqueue("video", { n: 2 }, { concurrency, stage: stage("refused") }),
      (e: KilnError) => e.code === "concurrency_limit",
    );
    const again = await app.engine.enqueue("video", { n: 1 }, {
      concurrency,
      idempotencyKey: "one",
      stage: stage("duplicate"),
    });
    assertEquals(again.id, first.id);
    assertEquals((await app.kv.get(["staged", "refused"])).value, null);
    assertEquals((await app.kv.get(["staged", "duplicate"])).value, null);
    gate.resolve();
    await waitForStatus(app.engine, first.id, "succeeded");
  } finally {
    await app.close();
  }
});

import { backoffDelay } from "../../lib/jobs/backoff.ts";
import { createKvJobQueue, createQueueDispatcher } from "../../lib/jobs/kv_queue.ts";
import { createLogger } from "../../lib/log.ts";
import { openTestStore } from "../support/backend.ts";
import { assert, assertEquals, assertStrictEquals, assertThrows, deferred, waitFor } from "./helpers.ts";

Deno.test("the dispatcher routes messages by type and logs and drops unknown or malformed ones", async () => {
  const store = await openTestStore();
  const { kv } = store;
  const lines: string[] = [];
  const log = createLogger({ level: "debug", sink: (line) => lines.push(line) });
  const dispatcher = createQueueDispatcher(kv, log);
  try {
    const jobIds: string[] = [];
    const webhooks: unknown[] = [];
    const queue = createKvJobQueue(kv, dispatcher, log);
    queue.listen((id) => {
      jobIds.push(id);
      return Promise.resolve();
    });
    const off = dispatcher.on("webhook", (message) => {
      webhooks.push(message);
    });
    assertThrows(() => dispatcher.on("webhook", () => {}), /already registered/);
    dispatcher.start();
    dispatcher.start(); // idempotent: listenQueue is called once per handle

    await queue.send("job-1");
    await kv.enqueue({ type: "webhook", url: "https://example.test" });
    await kv.enqueue({ type: "mystery" });
    await kv.enqueue("not an object");
    await kv.enqueue({ type: "job", id: 42 });
    // A delayed wake-up is a KV message committed with the caller's atomic; an immediate one is
    // handed to this process's consumer after the commit instead.
    const atomic = kv.atomic();
    assert(queue.stage?.(atomic, "job-2", 1));
    assert((await atomic.commit()).ok);
    assertEquals(queue.stage?.(kv.atomic(), "job-3", 0), false);

    await waitFor("both job messages", () => jobIds.length === 2);
    assertEquals(jobIds.sort(), ["job-1", "job-2"]);
    assertEquals(webhooks, [{ type: "webhook", url: "https://example.test" }]);
    await waitFor(
      "the unknown messages to be logged",
      () => lines.filter((l) => /queue_message/.test(l)).length === 3,
    );
    assert(lines.some((line) => line.includes("queue_message_unrouted") && line.includes("mystery")));

    off();
    const again = deferred<void>();
    dispatcher.on("webhook", () => again.resolve()); // can re-register after unregistering
    await kv.enqueue({ type: "webhook" });
    await again.promise;
  } finally {
    await store.close();
    await dispatcher.closed;
  }
});

Deno.test("a handler that throws is logged and the listener keeps delivering", async () => {
  const store = await openTestStore();
  const { kv } = store;
  const lines: string[] = [];
  const dispatcher = createQueueDispatcher(kv, createLogger({ sink: (line) => lines.push(line) }));
  try {
    let calls = 0;
    dispatcher.on("boom", () => {
      calls++;
      throw new Error("handler bug");
    });
    dispatcher.start();
    await kv.enqueue({ type: "boom" });
    await waitFor(
      "the failure to be logged",
      () => lines.some((line) => line.includes("queue_handler_failed")),
    );
    await kv.enqueue({ type: "boom" });
    await waitFor("the next message", () => calls === 2);
  } finally {
    await store.close();
    await dispatcher.closed;
  }
});

Deno.test("backoff: fixed schedules repeat their last entry; exponential doubles, caps and jitters ±20 %", () => {
  const fixed = { type: "fixed" as const, delaysMs: [2_000, 4_000, 8_000] };
  assertEquals([1, 2, 3, 4, 9].map((n) => backoffDelay(fixed, n)), [2_000, 4_000, 8_000, 8_000, 8_000]);

  const exponential = { type: "exponential" as const, baseMs: 1_000, maxMs: 10_000 };
  const middle = () => 0.5;
  assertEquals([1, 2, 3, 4, 5, 30].map((n) => backoffDelay(exponential, n, middle)), [
    1_000,
    2_000,
    4_000,
    8_000,
    10_000,
    10_000,
  ]);
  assertStrictEquals(backoffDelay(exponential, 2, () => 0), 1_600);
  assertStrictEquals(backoffDelay(exponential, 2, () => 0.999999), 2_400);
  assertStrictEquals(backoffDelay(exponential, 10, () => 0.999999), 10_000); // jitter never exceeds the cap
  for (let i = 0; i < 100; i++) {
    const delay = backoffDelay({ type: "exponential", baseMs: 1_000 }, 3);
    assert(delay >= 3_200 && delay <= 4_800, `delay ${delay}`);
  }
});

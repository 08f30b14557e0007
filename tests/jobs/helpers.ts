/** Test kit for the job engine: a real engine over KV with fakes only where a test needs control. */
import type { KvStore } from "../../lib/store/types.ts";
import { openTestStore } from "../support/backend.ts";
import { waitFor } from "../support/wait.ts";
import { createJobEngine, type JobEngineOptions } from "../../lib/jobs/engine.ts";
import { createKvJobQueue, createQueueDispatcher, type QueueDispatcher } from "../../lib/jobs/kv_queue.ts";
import type { JobEngine, JobQueue, JobRecord, JobStatus } from "../../lib/jobs/types.ts";
import type { ChangeFeed, LiveEvent } from "../../lib/live/types.ts";
import { silentLogger } from "../../lib/log.ts";
import { createIntervalScheduler, type Scheduler } from "../../lib/scheduler.ts";

export {
  deepEqual as assertEquals,
  equal as assertStrictEquals,
  ok as assert,
  rejects as assertRejects,
  throws as assertThrows,
} from "node:assert/strict";

/** Waits until the job reaches `status` and returns the record. */
export async function waitForStatus(
  engine: JobEngine,
  id: string,
  status: JobStatus,
  timeoutMs?: number,
): Promise<JobRecord> {
  let seen: string | undefined;
  try {
    return await waitFor(`job ${id} to be ${status}`, async () => {
      const job = await engine.get(id);
      seen = job?.status;
      return job?.status === status ? job : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; it is ${seen ?? "missing"}`);
  }
}

/** A promise with its resolver, for handlers that wait on the test (or the test on them). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A ChangeFeed that stages events as plain KV rows under ["test_feed", topic, seq], so a test reads
 * exactly the events that committed with the job's state changes.
 */
export function recordingFeed(): ChangeFeed & { events(kv: KvStore, topic: string): Promise<LiveEvent[]> } {
  const unsupported = () => Promise.reject(new Error("not used by the job engine"));
  return {
    stage(operation, topic, event) {
      return operation.set(["test_feed", topic, event.seq], event);
    },
    async events(kv, topic) {
      const out: LiveEvent[] = [];
      for await (const entry of kv.list<LiveEvent>({ prefix: ["test_feed", topic] })) out.push(entry.value);
      return out;
    },
    ownTopics() {},
    publish: unsupported,
    since: unsupported,
    head: unsupported,
    subscribe: () => ({ close() {} }),
    stats: () => ({ topics: 0, subscribers: 0 }),
    close: () => Promise.resolve(),
  };
}

/**
 * An in-memory JobQueue (no `stage`, so the engine sends after commit). `drop(n)` loses the next n
 * sends, like a crash between commit and send.
 */
export function memoryQueue(): JobQueue & {
  sent: number;
  dropped: number;
  /** Wake-ups whose handling finished. */
  handled: number;
  drop(n: number): void;
  close(): void;
} {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let onJob: ((id: string) => Promise<void>) | null = null;
  let toDrop = 0;
  const queue = {
    sent: 0,
    dropped: 0,
    handled: 0,
    drop(n: number) {
      toDrop += n;
    },
    send(id: string, delayMs = 0) {
      queue.sent++;
      if (toDrop > 0) {
        toDrop--;
        queue.dropped++;
        return Promise.resolve();
      }
      const timer = setTimeout(async () => {
        timers.delete(timer);
        await onJob?.(id);
        queue.handled++;
      }, delayMs);
      timers.add(timer);
      return Promise.resolve();
    },
    listen(handler: (id: string) => Promise<void>) {
      onJob = handler;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
  return queue;
}

export interface Harness {
  kv: KvStore;
  engine: JobEngine;
  feed: ReturnType<typeof recordingFeed>;
  scheduler: Scheduler;
  /** Stops the engine, scheduler and queue, closes KV and waits for the queue listener to end. */
  close(graceMs?: number): Promise<void>;
}

export interface HarnessOptions extends Partial<Omit<JobEngineOptions, "kv" | "feed" | "scheduler" | "log">> {
  /** A shared store location (`newTestLocation`), kept on close; default: a fresh store. */
  location?: string;
  /** Use this queue instead of KV queues. */
  queue?: JobQueue & { close?(): void };
  /** Register job kinds before start(). */
  setup?: (engine: JobEngine) => void;
}

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const { location, queue: customQueue, setup, ...engineOptions } = options;
  const store = await openTestStore({ location, keep: location !== undefined });
  const { kv } = store;
  let dispatcher: QueueDispatcher | null = null;
  let queue: JobQueue;
  if (customQueue) queue = customQueue;
  else {
    dispatcher = createQueueDispatcher(kv, silentLogger);
    queue = createKvJobQueue(kv, dispatcher, silentLogger, { localHandOff: !store.shared });
  }
  const feed = recordingFeed();
  const scheduler = createIntervalScheduler(silentLogger);
  const engine = createJobEngine({
    kv,
    queue,
    feed,
    scheduler,
    log: silentLogger,
    sweepIntervalMs: 100,
    ...engineOptions,
  });
  setup?.(engine);
  engine.start();
  dispatcher?.start();
  let closed = false;
  return {
    kv,
    engine,
    feed,
    scheduler,
    async close(graceMs = 0) {
      if (closed) return;
      closed = true;
      await engine.stop(graceMs);
      await scheduler.stop();
      customQueue?.close?.();
      await store.close();
      await dispatcher?.closed;
    },
  };
}

export { waitFor };

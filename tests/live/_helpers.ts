/** Shared test helpers for lib/live: a :memory: feed, deadlines, event collectors, a log capture. */
import { createLogger, type Logger } from "../../lib/log.ts";
import { createKvChangeFeed, type KvChangeFeedOptions } from "../../lib/live/kv_feed.ts";
import type { ChangeFeed, LiveEvent, LiveReset } from "../../lib/live/types.ts";

export const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);

/** Resolves with `promise`, or fails naming `what` once `ms` pass (the timer never outlives it). */
export async function deadline<T>(promise: Promise<T>, what: string, ms = 3_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until `condition()` holds, re-checking every few ms. Only for state that has no event to
 * wait on (e.g. a server noticing a disconnect); fails with `what` at the deadline.
 */
export async function until(condition: () => boolean, what: string, ms = 3_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A listener that records events and lets a test await the n-th one. */
export function collector(name = "subscriber") {
  const events: LiveEvent[] = [];
  const resets: LiveReset[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const wake = () => {
    for (const waiter of [...waiters]) {
      if (events.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  return {
    events,
    resets,
    seqs: () => events.map((event) => event.seq),
    listener: (event: LiveEvent) => {
      events.push(event);
      wake();
    },
    onReset: (reset: LiveReset) => resets.push(reset),
    /** Resolves once `count` events have arrived. */
    waitFor(count: number, ms?: number): Promise<void> {
      if (events.length >= count) return Promise.resolve();
      const arrived = new Promise<void>((resolve) => waiters.push({ count, resolve }));
      return deadline(arrived, `${name} to receive ${count} events (has ${events.length})`, ms);
    },
  };
}

export interface TestFeed extends AsyncDisposable {
  kv: Deno.Kv;
  feed: ChangeFeed;
  logs: { level: string; event: string; [field: string]: unknown }[];
}

/** A feed on a fresh :memory: KV; `await using` closes the feed, then the KV. */
export async function testFeed(options: Partial<KvChangeFeedOptions> = {}): Promise<TestFeed> {
  const kv = await Deno.openKv(":memory:");
  const logs: TestFeed["logs"] = [];
  const log: Logger = createLogger({ level: "debug", sink: (line) => logs.push(JSON.parse(line)) });
  const feed = createKvChangeFeed({ kv, log, ...options });
  return {
    kv,
    feed,
    logs,
    async [Symbol.asyncDispose]() {
      await feed.close();
      kv.close();
    },
  };
}

/** Publishes `count` events on `topic`, one after another, with `data = {n}`. */
export async function publishMany(feed: ChangeFeed, topic: string, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) await feed.publish(topic, "tick", { n });
}

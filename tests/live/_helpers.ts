/** Shared test helpers for lib/live: a :memory: feed, deadlines, event collectors, a log capture. */
import { openTestStore } from "../support/backend.ts";
import type { KvStore } from "../../lib/store/types.ts";
import { deadline, until } from "../support/wait.ts";
import { createLogger, type Logger } from "../../lib/log.ts";
import { createKvChangeFeed, type KvChangeFeedOptions } from "../../lib/live/kv_feed.ts";
import type { ChangeFeed, LiveEvent, LiveReset } from "../../lib/live/types.ts";

export const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);

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
      return deadline(arrived, () => `${name} to receive ${count} events (has ${events.length})`, ms);
    },
  };
}

export interface TestFeed extends AsyncDisposable {
  kv: KvStore;
  feed: ChangeFeed;
  logs: { level: string; event: string; [field: string]: unknown }[];
}

/** A feed on a fresh store of the backend under test; `await using` closes the feed, then the KV. */
export async function testFeed(options: Partial<KvChangeFeedOptions> = {}): Promise<TestFeed> {
  const store = await openTestStore();
  const { kv } = store;
  const logs: TestFeed["logs"] = [];
  const log: Logger = createLogger({ level: "debug", sink: (line) => logs.push(JSON.parse(line)) });
  const feed = createKvChangeFeed({ kv, log, ...options });
  return {
    kv,
    feed,
    logs,
    async [Symbol.asyncDispose]() {
      await feed.close();
      await store.close();
    },
  };
}

/** Publishes `count` events on `topic`, one after another, with `data = {n}`. */
export async function publishMany(feed: ChangeFeed, topic: string, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) await feed.publish(topic, "tick", { n });
}

export { deadline, until };

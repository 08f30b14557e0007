/**
 * One topic's fan-out: a single watcher on the topic's head key and every local subscriber of it.
 *
 * Why it is shaped like this:
 * - Reads are serialised in one "pump" per topic. Each round reads the events after the lowest
 *   cursor among the subscribers ONCE and hands each event to every subscriber whose cursor is below
 *   it; the cursor only moves forward, so delivery is exactly-once and in order by construction.
 * - A joining subscriber is not read for separately. It is parked in `joining` and merged at the
 *   start of the next round, so the backlog read and the live stream are the same read: there is no
 *   window between "backlog done" and "live started" where an event could be lost or doubled. A
 *   reconnect storm of N clients also costs one read, not N.
 * - The watcher only sets a dirty flag; rounds re-run while it is set, so a burst of head changes
 *   coalesces into a few range reads (kv.watch itself may skip intermediate values, which is fine
 *   because we read ranges, not head values).
 * - Fan-out is a loop over subscribers per event: O(subscribers), no per-subscriber KV reads.
 */
import { errorMessage, type Logger } from "../log.ts";
import type { LiveEvent, LiveReset, SubscribeOptions, Subscription } from "./types.ts";

/** Events read per KV list call. */
export const PAGE_SIZE = 500;

/** What a hub needs from storage (the KV feed provides it; tests could fake it). */
export interface HubSource {
  /** Events with `seq >= fromSeq`, oldest first, at most `limit`. */
  read(fromSeq: number, limit: number): Promise<LiveEvent[]>;
  /** The topic's current head seq (0 when none). */
  head(): Promise<number>;
  /** A stream that yields whenever the topic's head may have changed. */
  watch(): ReadableStream<unknown>;
}

export interface TopicHub {
  readonly topic: string;
  size(): number;
  add(afterSeq: number, listener: (event: LiveEvent) => void, options?: SubscribeOptions): Subscription;
  /** Forces a re-read (the feed's safety-net heartbeat; also picks up writes the watcher missed). */
  poke(): void;
  /** Ends the watcher; with `notify`, calls every subscriber's `onClose`. Resolves when idle. */
  stop(notify: boolean): Promise<void>;
}

interface Subscriber {
  /** Highest seq delivered (or the resume point). */
  cursor: number;
  /** False while a resuming subscriber's continuity with `cursor` is unproven (see `deliver`). */
  verified: boolean;
  closed: boolean;
  listener: (event: LiveEvent) => void;
  options: SubscribeOptions;
}

export interface TopicHubOptions {
  topic: string;
  source: HubSource;
  log: Logger;
  /**
   * Called when the hub has no more use: the last subscriber left (the owner then stops it), or the
   * watcher died and the hub stopped itself. The owner forgets the hub either way.
   */
  onIdle(hub: TopicHub): void;
}

export function createTopicHub({ topic, source, log, onIdle }: TopicHubOptions): TopicHub {
  const subscribers = new Set<Subscriber>();
  const joining = new Set<Subscriber>();
  let stopped = false;
  let dirty = false;
  let running = false;
  let pumpDone: Promise<void> = Promise.resolve();
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopDone: Promise<void> | undefined;

  const hub: TopicHub = {
    topic,
    size: () => subscribers.size + joining.size,
    add(afterSeq, listener, options = {}) {
      const cursor = Number.isSafeInteger(afterSeq) && afterSeq > 0 ? afterSeq : 0;
      const subscriber: Subscriber = { cursor, verified: cursor === 0, closed: false, listener, options };
      joining.add(subscriber);
      schedule();
      return { close: () => remove(subscriber) };
    },
    poke: schedule,
    stop(notify) {
      if (stopDone) return stopDone;
      stopped = true;
      clearTimeout(retryTimer);
      const all = [...subscribers, ...joining];
      subscribers.clear();
      joining.clear();
      for (const subscriber of all) {
        subscriber.closed = true;
        if (notify) guard(subscriber, () => subscriber.options.onClose?.(), false);
      }
      reader.cancel().catch(() => {});
      stopDone = Promise.all([watchDone, pumpDone]).then(() => {});
      return stopDone;
    },
  };

  const reader = source.watch().getReader();
  const watchDone: Promise<void> = (async () => {
    try {
      while (true) {
        const { done } = await reader.read();
        if (done) break;
        schedule();
      }
    } catch (error) {
      if (!stopped) log.error("live.watch_failed", { topic, error: errorMessage(error) });
    }
    // The watch ended without us asking (KV closed, backend error): end the subscriptions so their
    // clients reconnect and get a fresh watcher, rather than hang silently.
    if (!stopped) {
      void hub.stop(true);
      onIdle(hub);
    }
  })();

  function remove(subscriber: Subscriber) {
    if (subscriber.closed) return;
    subscriber.closed = true;
    subscribers.delete(subscriber);
    joining.delete(subscriber);
    if (!stopped && hub.size() === 0) onIdle(hub);
  }

  /** Runs subscriber code; a throw removes that subscriber only. */
  function guard(subscriber: Subscriber, call: () => void, removeOnThrow = true) {
    try {
      call();
    } catch (error) {
      log.warn("live.listener_failed", { topic, error: errorMessage(error) });
      if (removeOnThrow) remove(subscriber);
    }
  }

  function schedule() {
    if (stopped) return;
    dirty = true;
    if (running) return;
    running = true;
    pumpDone = pump();
  }

  async function pump() {
    try {
      while (dirty && !stopped) {
        dirty = false;
        await round();
        failures = 0;
      }
    } catch (error) {
      // A failed read leaves cursors where they were; retry with backoff so a resuming subscriber
      // is not left waiting for the next publish.
      failures++;
      log.warn("live.read_failed", { topic, attempt: failures, error: errorMessage(error) });
      if (!stopped) {
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          schedule();
        }, Math.min(5_000, 50 * 2 ** failures));
      }
    } finally {
      running = false;
    }
  }

  async function round() {
    for (const subscriber of joining) subscribers.add(subscriber);
    joining.clear();
    if (subscribers.size === 0) return;
    // Unverified subscribers need their own resume event re-read, hence `cursor` not `cursor + 1`.
    let from = Infinity;
    let unverified = false;
    for (const subscriber of subscribers) {
      from = Math.min(from, subscriber.verified ? subscriber.cursor + 1 : subscriber.cursor);
      if (!subscriber.verified) unverified = true;
    }
    while (true) {
      const page = await source.read(from, PAGE_SIZE);
      if (stopped) return;
      for (const event of page) deliver(event);
      if (page.length < PAGE_SIZE) break;
      from = page[page.length - 1].seq + 1;
    }
    if (unverified) await settle();
  }

  /**
   * Hands one event to every subscriber that has not seen it. A resuming subscriber (cursor `a`,
   * unverified) is continuous if event `a` is still retained (the range read starts at `a` for it,
   * so it shows up here first) or if the next event is `a + 1`. Otherwise the events in between
   * expired: it gets an `expired` reset, then the rest. Retention drops oldest first, so once `a`
   * or `a + 1` is seen, nothing later can be missing.
   */
  function deliver(event: LiveEvent) {
    for (const subscriber of subscribers) {
      if (subscriber.closed || event.seq < subscriber.cursor) continue;
      if (event.seq === subscriber.cursor) {
        subscriber.verified = true;
        continue;
      }
      if (!subscriber.verified) {
        subscriber.verified = true;
        if (event.seq > subscriber.cursor + 1) {
          const reset: LiveReset = { reason: "expired", afterSeq: subscriber.cursor, firstSeq: event.seq };
          guard(subscriber, () => subscriber.options.onReset?.(reset));
          if (subscriber.closed) continue;
        }
      }
      subscriber.cursor = event.seq;
      guard(subscriber, () => subscriber.listener(event));
    }
  }

  /**
   * After a round, resuming subscribers that saw no event are compared with the head (read after
   * the range, so it is at least as new): at the head means nothing was missed; beyond the head
   * means the client's id is not from this topic's current life, so it restarts from the oldest
   * retained event with an `ahead` reset. Below the head is left for the next round: the events
   * in between either just arrived (the watcher will fire) or expired (the next event proves it).
   */
  async function settle() {
    const pending = [...subscribers].filter((subscriber) => !subscriber.verified);
    if (pending.length === 0) return;
    const head = await source.head();
    if (stopped) return;
    for (const subscriber of pending) {
      if (subscriber.closed || subscriber.verified) continue;
      if (subscriber.cursor === head) subscriber.verified = true;
      else if (subscriber.cursor > head) {
        const reset: LiveReset = { reason: "ahead", afterSeq: subscriber.cursor, head };
        subscriber.cursor = 0;
        subscriber.verified = true;
        guard(subscriber, () => subscriber.options.onReset?.(reset));
        dirty = true;
      }
    }
  }

  return hub;
}

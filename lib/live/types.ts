/**
 * Live updates: topics of ordered events. The KV implementation (`kv_feed.ts`) stores each event
 * under its sequence number and bumps a per-topic head key that one `kv.watch` per topic follows;
 * a PostgreSQL LISTEN/NOTIFY feed could implement the same interface for scale-out.
 */

/** One event on a topic. `seq` is strictly increasing per topic and doubles as the SSE event id. */
export interface LiveEvent<T = unknown> {
  seq: number;
  /** Event name (SSE `event:` field), e.g. "update", "job". */
  type: string;
  data: T;
  /** Epoch milliseconds when the event was published. */
  at: number;
}

export interface Subscription {
  /** Stops delivery; idempotent. */
  close(): void;
}

/**
 * Why a resuming subscriber cannot be given an exact continuation. Events live for a retention
 * window only, so a client that was away longer than that has missed events it can never replay;
 * it must refetch the full state (the SSE/WebSocket layers forward this as a `reset` message).
 * - `expired`: events after `afterSeq` were dropped by retention; delivery continues at `firstSeq`.
 * - `ahead`: `afterSeq` is beyond the topic's head (the topic expired and started again at 1, or the
 *   client sent a made-up id); delivery restarts from the oldest retained event.
 */
export type LiveReset =
  | { reason: "expired"; afterSeq: number; firstSeq: number }
  | { reason: "ahead"; afterSeq: number; head: number };

export interface SubscribeOptions {
  /** Called at most once, before the first event that follows the discontinuity. */
  onReset?(reset: LiveReset): void;
  /** Called when the feed ends the subscription (shutdown, lost watcher), not on `close()`. */
  onClose?(): void;
}

/** Where an owned topic's head lives: a record key, and the seq read from that record. */
export interface TopicOwner {
  key(name: string): Deno.KvKey;
  /** The topic's head seq, read from the record (the feed counts a missing record as 0). */
  seq(value: unknown): number;
}

export interface ChangeFeed {
  /** Appends an event with the next sequence number of `topic` and wakes its subscribers. */
  publish<T>(topic: string, type: string, data: T): Promise<LiveEvent<T>>;
  /**
   * Adds the writes for an event to an atomic operation owned by the caller, for domains that
   * already serialise a per-topic counter in their own version-checked record (a job's revision, a
   * conversation's seq): the event commits together with the state change or not at all.
   * The caller guarantees `event.seq` is greater than every earlier seq of the topic.
   */
  stage(operation: Deno.AtomicOperation, topic: string, event: LiveEvent): Deno.AtomicOperation;
  /**
   * Hands the head of every topic starting with `prefix` to a domain record that already counts
   * the topic's seq and is written in the same atomic as each of its events (a job's revision):
   * the feed then writes no head key of its own for those topics — one row less per event — and
   * follows `owner.key(rest of the topic)` instead. Such topics are staged, never `publish`ed.
   */
  ownTopics(prefix: string, owner: TopicOwner): void;
  /** Events with `seq > afterSeq`, oldest first, at most `limit` (default 500). */
  since(topic: string, afterSeq: number, limit?: number): Promise<LiveEvent[]>;
  /** Highest seq published on the topic (0 when none). */
  head(topic: string): Promise<number>;
  /**
   * Delivers every event with `seq > afterSeq` (the retained backlog first, then live ones) in
   * order, exactly once, to `listener`. All subscribers of a topic share one underlying watcher.
   * `afterSeq = 0` means "everything still retained" and never reports a reset; a larger value that
   * cannot be continued exactly is reported through `options.onReset` (see `LiveReset`).
   * The listener runs synchronously inside the fan-out: it must not block, and if it throws the
   * subscription is removed (and logged) while the others continue.
   */
  subscribe(
    topic: string,
    afterSeq: number,
    listener: (event: LiveEvent) => void,
    options?: SubscribeOptions,
  ): Subscription;
  /** Current number of subscribers and watched topics (for /metrics and /health). */
  stats(): { topics: number; subscribers: number };
  /** Closes every watcher and subscription (graceful shutdown). */
  close(): Promise<void>;
}

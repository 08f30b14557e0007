/**
 * The KV layout of live topics, in one place:
 * - `["live","event",topic,seq]` → `LiveEvent`, written with `expireIn` (the replay window);
 * - `["live","head",topic]` → `{ seq, at }`, the highest seq. It is the one key each topic's watcher
 *   follows, so every event write must also write the head (`stageEvent` does both) — except on
 *   topics whose head is a domain record's (`ChangeFeed.ownTopics`), where the record is followed.
 *
 * The head outlives the events (`headRetentionMs`, default 7 days, refreshed by every event) so
 * that `publish` keeps counting up across quiet periods instead of restarting at 1 and colliding
 * with a reconnecting client's `Last-Event-ID`; it still expires so that per-job and per-session
 * topics do not pile up forever. A topic quiet for longer than that restarts at 1 and resuming
 * clients get an `ahead` reset.
 */
import type { LiveEvent } from "./types.ts";

/** How long events stay replayable by default: 1 hour. */
export const DEFAULT_RETENTION_MS = 60 * 60 * 1000;
/** How long an idle topic keeps its counter by default: 7 days. */
export const DEFAULT_HEAD_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface LiveHead {
  seq: number;
  at: number;
}

export const liveKeys = {
  /** Prefix of every event of a topic (for `kv.list`). */
  events: (topic: string): Deno.KvKey => ["live", "event", topic],
  event: (topic: string, seq: number): Deno.KvKey => ["live", "event", topic, seq],
  head: (topic: string): Deno.KvKey => ["live", "head", topic],
};

export interface Retention {
  retentionMs: number;
  headRetentionMs: number;
}

/**
 * Adds an event and its head bump to `operation` (no head for a topic whose head is a domain
 * record's: `ChangeFeed.ownTopics`). Checks nothing: ordering is the caller's (the publish loop's
 * version check, or a domain record that already serialises the topic's seq).
 */
export function stageEvent(
  operation: Deno.AtomicOperation,
  topic: string,
  event: LiveEvent,
  retention: Retention,
  writeHead = true,
): Deno.AtomicOperation {
  operation.set(liveKeys.event(topic, event.seq), event, { expireIn: retention.retentionMs });
  if (!writeHead) return operation;
  const head: LiveHead = { seq: event.seq, at: event.at };
  return operation.set(liveKeys.head(topic), head, { expireIn: retention.headRetentionMs });
}

/** Rejects topics and seqs that would make unusable keys, with a message naming the caller's mistake. */
export function assertTopic(topic: string): void {
  if (typeof topic !== "string" || topic.length === 0 || topic.length > 512) {
    throw new TypeError(`live topic must be a non-empty string of at most 512 characters`);
  }
}

export function assertSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new TypeError(`live event seq must be a positive safe integer, got ${seq}`);
  }
}

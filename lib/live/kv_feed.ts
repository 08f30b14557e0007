/**
 * The Deno KV change feed. Writes are plain KV (an event key plus a head bump, `keys.ts`); reads are
 * range lists; wake-ups come from ONE `kv.watch` per topic, shared by all of the topic's local
 * subscribers through a `TopicHub` (`hub.ts`). kv.watch only fires in the process that wrote, which
 * is why the server, the job engine and every subscriber live in one process (SPEC §1);
 * `heartbeatMs` adds a periodic re-read as a safety net for writes the watcher cannot see.
 */
import { transact } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { createTopicHub, type TopicHub } from "./hub.ts";
import {
  assertSeq,
  assertTopic,
  DEFAULT_HEAD_RETENTION_MS,
  DEFAULT_RETENTION_MS,
  type LiveHead,
  liveKeys,
  type Retention,
  stageEvent,
} from "./keys.ts";
import type { ChangeFeed, LiveEvent, TopicOwner } from "./types.ts";

export interface KvChangeFeedOptions {
  kv: KvStore;
  log: Logger;
  /** How long events stay replayable (ms). Default 1 hour. */
  retentionMs?: number;
  /** How long an idle topic keeps its seq counter (ms); at least `retentionMs`. Default 7 days. */
  headRetentionMs?: number;
  /**
   * Safety-net re-read of every watched topic every `heartbeatMs` (0 = off, the default). Only
   * needed when events can be written by something whose writes the watcher does not see, e.g.
   * another process on the same KV file; in one process the watcher alone is complete.
   */
  heartbeatMs?: number;
  /** Version-conflict retries of `publish` before it gives up with `contention` (default 100). */
  maxPublishAttempts?: number;
}

/** Most events `since` returns in one call. */
const MAX_LIMIT = 1_000;

export function createKvChangeFeed(options: KvChangeFeedOptions): ChangeFeed {
  const { kv, log } = options;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const retention: Retention = {
    retentionMs,
    headRetentionMs: Math.max(options.headRetentionMs ?? DEFAULT_HEAD_RETENTION_MS, retentionMs),
  };
  const maxAttempts = options.maxPublishAttempts ?? 100;
  const hubs = new Map<string, TopicHub>();
  /** Hubs being stopped after their last subscriber left; `close()` waits for them. */
  const stopping = new Set<Promise<void>>();
  let closed = false;

  let heartbeat: ReturnType<typeof setInterval> | undefined;
  if (options.heartbeatMs && options.heartbeatMs > 0) {
    heartbeat = setInterval(() => {
      for (const hub of hubs.values()) hub.poke();
    }, options.heartbeatMs);
    Deno.unrefTimer(heartbeat);
  }

  function assertOpen() {
    if (closed) throw new KilnError("unavailable", "live_closed", "the live feed is shut down");
  }

  async function read(topic: string, fromSeq: number, limit: number): Promise<LiveEvent[]> {
    const events: LiveEvent[] = [];
    const entries = kv.list<LiveEvent>(
      { prefix: liveKeys.events(topic), start: liveKeys.event(topic, fromSeq) },
      { limit, batchSize: Math.min(limit, 500) },
    );
    // Expired events may linger briefly (expireIn is lazy); replaying one is harmless, so no filter.
    for await (const entry of entries) events.push(entry.value);
    return events;
  }

  /** Topics whose head is a domain record's, by prefix (`ownTopics`). */
  const owners = new Map<string, TopicOwner>();

  /** The owner of `topic` and the record it names, when a domain owns the topic. */
  function ownerOf(topic: string): { owner: TopicOwner; name: string } | undefined {
    for (const [prefix, owner] of owners) {
      if (topic.startsWith(prefix)) return { owner, name: topic.slice(prefix.length) };
    }
  }

  /** The key a topic's watcher follows, and how its head seq is read from that key's value. */
  function headOf(topic: string): { key: Deno.KvKey; seq(value: unknown): number } {
    const owned = ownerOf(topic);
    if (owned) {
      return {
        key: owned.owner.key(owned.name),
        seq: (value) => value === null ? 0 : owned.owner.seq(value),
      };
    }
    return { key: liveKeys.head(topic), seq: (value) => (value as LiveHead | null)?.seq ?? 0 };
  }

  async function head(topic: string): Promise<number> {
    assertTopic(topic);
    const { key, seq } = headOf(topic);
    return seq((await kv.get(key)).value);
  }

  function hubFor(topic: string): TopicHub {
    const existing = hubs.get(topic);
    if (existing) return existing;
    const hub = createTopicHub({
      topic,
      log,
      source: {
        read: (fromSeq, limit) => read(topic, fromSeq, limit),
        head: () => head(topic),
        watch: () => kv.watch([headOf(topic).key]),
      },
      onIdle(idle) {
        if (hubs.get(topic) === idle) hubs.delete(topic);
        const done = idle.stop(false).finally(() => stopping.delete(done));
        stopping.add(done);
      },
    });
    hubs.set(topic, hub);
    return hub;
  }

  return {
    async publish<T>(topic: string, type: string, data: T): Promise<LiveEvent<T>> {
      assertOpen();
      assertTopic(topic);
      if (ownerOf(topic)) {
        throw new TypeError(`live topic "${topic}" is owned by a domain record: stage its events`);
      }
      // The head's versionstamp is the lock: concurrent publishers each read it, one commits, the
      // others see a conflict and retry with the new head, so seqs are distinct and consecutive.
      // In this process, publishers of one topic queue on it instead.
      const head = liveKeys.head(topic);
      return await transact(kv, { name: "live.publish", serialise: head, maxAttempts, log }, async (tx) => {
        const current = await tx.get<LiveHead>(head);
        const event: LiveEvent<T> = { seq: (current.value?.seq ?? 0) + 1, type, data, at: Date.now() };
        stageEvent(tx.op, topic, event, retention);
        return event;
      });
    },

    stage(operation, topic, event) {
      assertTopic(topic);
      assertSeq(event.seq);
      return stageEvent(operation, topic, event, retention, !ownerOf(topic));
    },

    ownTopics(prefix, owner) {
      if (!prefix) throw new TypeError("an owned topic prefix must not be empty");
      owners.set(prefix, owner);
    },

    since(topic, afterSeq, limit = 500) {
      assertTopic(topic);
      const after = Number.isSafeInteger(afterSeq) && afterSeq > 0 ? afterSeq : 0;
      const bounded = Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit) || 1));
      return read(topic, after + 1, bounded);
    },

    head,

    subscribe(topic, afterSeq, listener, subscribeOptions) {
      assertOpen();
      assertTopic(topic);
      return hubFor(topic).add(afterSeq, listener, subscribeOptions);
    },

    stats() {
      let subscribers = 0;
      for (const hub of hubs.values()) subscribers += hub.size();
      return { topics: hubs.size, subscribers };
    },

    async close() {
      closed = true;
      clearInterval(heartbeat);
      const all = [...hubs.values()];
      hubs.clear();
      await Promise.all([...all.map((hub) => hub.stop(true)), ...stopping]);
    },
  };
}

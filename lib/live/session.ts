/**
 * One client's live session on a ChangeFeed topic, whatever carries it: the initial state, the
 * resume point, the subscription, heartbeats and the ways a session ends. SSE (`sse.ts`) and
 * WebSocket (`websocket.ts`) are thin transports over it: they only say how each of these looks on
 * their wire and how a slow client is detected, so the two cannot drift apart (before, the WebSocket
 * copy of this logic ignored `KILN_LIVE_HEARTBEAT_MS`; `heartbeatMs` is now required).
 */
import { errorMessage, type Logger, silentLogger } from "../log.ts";
import type { ChangeFeed, LiveEvent, LiveReset, Subscription } from "./types.ts";

export interface LiveSessionOptions {
  feed: ChangeFeed;
  topic: string;
  /** Resume point (SSE `Last-Event-ID`, a WebSocket cursor); 0 for "everything retained". */
  afterSeq: number;
  /** Interval of heartbeats (`KILN_LIVE_HEARTBEAT_MS` in routes): proxies keep idle connections. */
  heartbeatMs: number;
  /**
   * Called once before live events. Return LiveEvents (e.g. a state snapshot with the record's
   * current seq) to send them as ordinary events and continue after the highest of their seqs; or
   * return any other value to send it as a snapshot; `undefined` sends nothing.
   */
  initial?: () => Promise<LiveEvent[] | unknown>;
  log?: Logger;
}

/**
 * Why a session ended on its own (not by `close()`): the initial state could not be read, the feed
 * refused the subscription (shutting down), or the feed ended it (shutdown, lost watcher).
 */
export type LiveEndReason = "snapshot_failed" | "unavailable" | "feed_closed";

/** How one transport puts each part of a session on its wire. */
export interface LiveTransport {
  event(event: LiveEvent): void;
  snapshot(value: unknown): void;
  reset(reset: LiveReset): void;
  heartbeat(): void;
  /** The session has ended (see LiveEndReason); the transport tells the client and hangs up. */
  end(reason: LiveEndReason): void;
}

export interface LiveSession {
  /** Sends the initial state, then subscribes and starts the heartbeats. */
  start(): Promise<void>;
  /** Restarts delivery after `afterSeq` (a client that asks to resume from its own cursor). */
  resume(afterSeq: number): void;
  /** Stops delivery and heartbeats; idempotent, and never calls `transport.end`. */
  close(): void;
}

export function openLiveSession(options: LiveSessionOptions, transport: LiveTransport): LiveSession {
  const { feed, topic } = options;
  const log = options.log ?? silentLogger;
  let subscription: Subscription | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let started = false;
  let closed = false;
  /** A resume asked for while the initial state was still being read: it wins over the initial seq. */
  let requestedAfter: number | undefined;

  function close() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    subscription?.close();
  }

  function end(reason: LiveEndReason) {
    if (closed) return;
    close();
    transport.end(reason);
  }

  /** Subscribes from `after` (replacing any earlier subscription); false when the session ended. */
  function subscribe(after: number): boolean {
    subscription?.close();
    try {
      subscription = feed.subscribe(topic, after, transport.event, {
        onReset: transport.reset,
        onClose: () => end("feed_closed"),
      });
      return true;
    } catch (error) {
      log.warn("live.subscribe_failed", { topic, error: errorMessage(error) });
      end("unavailable");
      return false;
    }
  }

  /** Sends `initial()` and returns the seq to continue after; undefined when the session ended. */
  async function sendInitial(): Promise<number | undefined> {
    let after = options.afterSeq;
    if (!options.initial) return after;
    try {
      const value = await options.initial();
      if (closed) return undefined;
      if (isEventList(value)) {
        for (const event of value) {
          transport.event(event);
          if (closed) return undefined;
          after = Math.max(after, event.seq);
        }
      } else if (value !== undefined) transport.snapshot(value);
      return after;
    } catch (error) {
      log.error("live.initial_failed", { topic, error: errorMessage(error) });
      end("snapshot_failed");
      return undefined;
    }
  }

  return {
    async start() {
      if (started || closed) return;
      started = true;
      const after = await sendInitial();
      if (after === undefined || closed) return;
      if (!subscribe(requestedAfter ?? after)) return;
      heartbeat = setInterval(transport.heartbeat, options.heartbeatMs);
    },
    resume(afterSeq) {
      if (closed) return;
      // Before `start` subscribed, remember the point; afterwards, restart delivery from it.
      if (subscription) subscribe(afterSeq);
      else requestedAfter = afterSeq;
    },
    close,
  };
}

function isEventList(value: unknown): value is LiveEvent[] {
  return Array.isArray(value) &&
    value.every((item) =>
      typeof item === "object" && item !== null && Number.isSafeInteger(item.seq) &&
      typeof item.type === "string" && "data" in item
    );
}

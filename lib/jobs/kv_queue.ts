/**
 * KV queues as the job engine's wake-up channel, plus the one dispatcher that owns
 * `kv.listenQueue`. KV allows a single listener per handle and delivers in-process only, so every
 * message type in the app (jobs, webhooks, …) is routed through this dispatcher by its `type`.
 */
import type { KvStore } from "../store/types.ts";
import { z } from "zod";
import { errorMessage, type Logger } from "../log.ts";
import type { JobQueue } from "./types.ts";

/** The envelope every queue message carries: a `type` to route by, anything else alongside. */
const envelopeSchema = z.looseObject({ type: z.string().min(1).max(100) });
const jobMessageSchema = z.object({ type: z.literal("job"), id: z.string().min(1).max(200) });

export type QueueMessage = z.infer<typeof envelopeSchema>;
export type QueueMessageHandler = (message: QueueMessage) => Promise<void> | void;

export interface QueueDispatcher {
  /** Routes messages of `type` to `handler`. One handler per type; returns an unregister function. */
  on(type: string, handler: QueueMessageHandler): () => void;
  /**
   * Calls `kv.listenQueue` (once; later calls are no-ops). Call it after every module registered
   * its handlers: a message whose type has no handler yet is logged and dropped.
   */
  start(): void;
  /** Resolves when the listener ends (the KV handle was closed). */
  readonly closed: Promise<void>;
}

export function createQueueDispatcher(kv: KvStore, log: Logger): QueueDispatcher {
  const handlers = new Map<string, QueueMessageHandler>();
  let listening: Promise<void> | null = null;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  const route = async (raw: unknown) => {
    const parsed = envelopeSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn("queue_message_invalid", { issues: parsed.error.issues.length });
      return;
    }
    const handler = handlers.get(parsed.data.type);
    if (!handler) {
      log.warn("queue_message_unrouted", { type: parsed.data.type });
      return;
    }
    try {
      await handler(parsed.data);
    } catch (error) {
      // Not rethrown: KV would redeliver on its own schedule, but every domain here keeps its state
      // in records and recovers lost work with a sweep, so a redelivery only adds noise.
      log.error("queue_handler_failed", { type: parsed.data.type, error: errorMessage(error) });
    }
  };

  return {
    on(type, handler) {
      if (handlers.has(type)) throw new Error(`queue handler for "${type}" already registered`);
      handlers.set(type, handler);
      return () => {
        if (handlers.get(type) === handler) handlers.delete(type);
      };
    },
    start() {
      if (listening) return;
      listening = kv.listenQueue(route).catch((error) => {
        log.error("queue_listener_failed", { error: errorMessage(error) });
      }).finally(resolveClosed);
    },
    closed,
  };
}

/**
 * The job wake-up over the store's queue: messages are `{ type: "job", id }`, staged in the same
 * atomic as the record (on PostgreSQL: a Graphile Worker job added in the same transaction).
 *
 * With `localHandOff` (the default, for a store only this process uses) an immediate wake-up is
 * instead handed straight to the local consumer after the commit: Deno KV's queue costs two more
 * disk writes per message and tops out near 1,200 messages/s on a file, while the job's pending
 * index already makes the hand-off recoverable — if the process dies first, the start-up sweep
 * re-sends every pending job. On a shared store it is off, so any instance may take the job.
 */
export function createKvJobQueue(
  kv: KvStore,
  dispatcher: QueueDispatcher,
  log?: Logger,
  options: { localHandOff?: boolean } = {},
): JobQueue {
  const localHandOff = options.localHandOff ?? true;
  let local: ((jobId: string) => Promise<void>) | undefined;
  const handOff = (jobId: string) =>
    queueMicrotask(() => {
      local!(jobId).catch((error) =>
        log?.error("queue_handler_failed", { type: "job", error: String(error) })
      );
    });
  return {
    async send(jobId, delayMs = 0) {
      if (local && clampDelay(delayMs) === 0) return handOff(jobId);
      await kv.enqueue({ type: "job", id: jobId }, { delay: clampDelay(delayMs) });
    },
    stage(operation, jobId, delayMs = 0) {
      if (local && clampDelay(delayMs) === 0) return false;
      operation.enqueue({ type: "job", id: jobId }, { delay: clampDelay(delayMs) });
      return true;
    },
    listen(onJob) {
      if (localHandOff) local = onJob;
      dispatcher.on("job", async (message) => {
        const parsed = jobMessageSchema.safeParse(message);
        if (!parsed.success) {
          log?.warn("queue_message_invalid", { type: "job" });
          return;
        }
        await onJob(parsed.data.id);
      });
    },
  };
}

/** KV accepts delays up to 30 days; longer waits are re-sent by the claim path when they arrive. */
const maxDelayMs = 30 * 24 * 60 * 60 * 1000;

function clampDelay(delayMs: number): number {
  if (!Number.isFinite(delayMs) || delayMs <= 0) return 0;
  return Math.min(Math.ceil(delayMs), maxDelayMs);
}

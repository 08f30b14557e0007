/**
 * The preprocessing service the routes call: submit a batch, read its status, reset it, and the
 * plumbing shared by the job handlers and external-worker callbacks (publishing progress,
 * settling a task, starting finalize).
 */
import type { KvStore } from "../store/types.ts";
import { listPage } from "../store/page.ts";
import type { BlobStore } from "../blobs/types.ts";
import type { JobEngine } from "../jobs/types.ts";
import type { ChangeFeed } from "../live/types.ts";
import type { Logger } from "../log.ts";
import { createBatch, getBatch, isTerminalBatch, listTasks } from "./batches.ts";
import { preprocessKeys, preprocessTopic } from "./keys.ts";
import type { ConversionPool } from "./pool.ts";
import { batchViewToken } from "./signing.ts";
import { resetBatch, settleTask, type TaskOutcome, type TransitionResult } from "./tasks.ts";
import { type QueueMessage, resolveMessage } from "./message.ts";
import { type BatchRecord, type BatchStatusView, statusView, type TaskView, taskView } from "./types.ts";
import { secretsEqual } from "../http/auth.ts";

export interface PreprocessSettings {
  workerUrl?: string;
  maxAttempts: number;
  retryDelaysMs: number[];
  dispatchChunk: number;
  callbackSecret: string;
  publicUrl: string;
  /** How long an external worker holds a leased task before it may be handed out again. */
  externalLeaseMs: number;
}

export interface PreprocessDependencies {
  kv: KvStore;
  jobs: JobEngine;
  live: ChangeFeed;
  blobs: BlobStore;
  pool: ConversionPool;
  log: Logger;
  settings: PreprocessSettings;
}

export type PreprocessService = ReturnType<typeof createPreprocessService>;

export function createPreprocessService(deps: PreprocessDependencies) {
  const { kv, jobs, live, settings } = deps;

  const publish = async (batch: BatchRecord) => {
    await live.publish(preprocessTopic(batch.batch_id), "status", statusView(batch));
  };

  const links = async (batchId: string) => {
    const token = await batchViewToken(settings.callbackSecret, batchId);
    const base = `${settings.publicUrl}/preprocess`;
    return {
      status_url: `${base}/status/${batchId}?token=${token}`,
      page_url: `${base}/${batchId}?token=${token}`,
      events_url: `${base}/events/${batchId}?token=${token}`,
    };
  };

  return {
    settings,
    pool: deps.pool,
    blobs: deps.blobs,

    /** Starts a batch from any form of Arke's queue message (see `message.ts`). */
    async submit(queued: QueueMessage): Promise<{ created: boolean; body: Record<string, unknown> }> {
      const message = await resolveMessage(queued, deps.blobs);
      const { batch, created, advancedTo } = await createBatch(kv, message, settings.workerUrl !== undefined);
      await this.continueBatch(batch, advancedTo);
      if (created) await publish(batch);
      return { created, body: { ...statusView(batch), ...(await links(batch.batch_id)) } };
    },

    async status(batchId: string, detail: boolean): Promise<BatchStatusView & { tasks?: TaskView[] }> {
      const batch = await getBatch(kv, batchId);
      if (!detail) return statusView(batch);
      return { ...statusView(batch), tasks: (await listTasks(kv, batchId)).map(taskView) };
    },

    /** Batches in id order, each with its links (the admin console's list). */
    async list(options: { limit: number; cursor?: string }) {
      const page = await listPage<BatchRecord>(kv, { prefix: preprocessKeys.batches() }, options);
      const items = await Promise.all(
        page.items.map(async (batch) => ({ ...statusView(batch), ...(await links(batch.batch_id)) })),
      );
      return { items, nextCursor: page.cursor ?? null };
    },

    async reset(batchId: string): Promise<BatchStatusView> {
      const batch = await resetBatch(kv, batchId, "Reset by an administrator.");
      await publish(batch);
      return statusView(batch);
    },

    /** Applies a task outcome, publishes progress, and starts finalize when it ended the batch. */
    async settle(
      batchId: string,
      taskId: string,
      outcome: TaskOutcome,
      owner?: string,
    ): Promise<TransitionResult> {
      const result = await settleTask(kv, batchId, taskId, outcome, {
        owner,
        finalizeWanted: settings.workerUrl !== undefined,
      });
      if (result.changed && result.batch && outcome.kind !== "retry") await publish(result.batch);
      if (result.changed && result.batch && (result.finishedBatch || result.advancedTo)) {
        await this.continueBatch(result.batch, result.advancedTo);
      }
      return result;
    },

    /** Starts whatever the batch needs next: its next phase, dispatching its tasks, or finalize. */
    async continueBatch(batch: BatchRecord, advancedTo?: string): Promise<void> {
      const batchId = batch.batch_id;
      if (advancedTo || (!batch.ready && !isTerminalBatch(batch.status))) {
        await jobs.enqueue("preprocess.advance", { batchId, phase: batch.status }, {
          idempotencyKey: `advance:${batchId}:${batch.status}`,
        });
      } else if (!isTerminalBatch(batch.status)) {
        await jobs.enqueue("preprocess.dispatch", { batchId }, {
          idempotencyKey: `dispatch:${batchId}:${batch.status}`,
        });
      } else if (batch.finalize === "pending") await this.startFinalize(batchId);
    },

    async startFinalize(batchId: string): Promise<void> {
      await jobs.enqueue("preprocess.finalize", { batchId }, { idempotencyKey: `finalize:${batchId}` });
    },

    /** Backoff before attempt `attempt + 1` (2/4/8/16 s by default, the last repeating). */
    retryDelay(attempt: number): number {
      const delays = settings.retryDelaysMs;
      return delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
    },

    viewToken: (batchId: string) => batchViewToken(settings.callbackSecret, batchId),
    async canView(batchId: string, token: string | undefined): Promise<boolean> {
      return token !== undefined &&
        await secretsEqual(token, await batchViewToken(settings.callbackSecret, batchId));
    },
    links,
    publish,
  };
}

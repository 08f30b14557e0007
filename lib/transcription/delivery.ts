/**
 * Webhook delivery to the business engine as its own durable job: signed (Standard Webhooks +
 * X-TTTranscribe-Signature + X-Idempotency-Key), retried with exponential backoff until a 2xx.
 * Every attempt is recorded so `GET /tttranscribe/status/:id` shows how delivery went. The
 * message id is fixed per transcription and outcome, so the engine can deduplicate retries.
 */
import { transact } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { z } from "zod";
import type { JobEngine } from "../jobs/types.ts";
import type { Logger } from "../log.ts";
import { signWebhook } from "../webhooks/standard.ts";
import { transcriptionKeys } from "./keys.ts";
import type { TranscriptionSettings } from "./settings.ts";
import { TranscriptionWebhook } from "./webhook_payload.ts";

export const webhookJobKind = "tttranscribe.webhook";
export const webhookMaxAttempts = 12;
const deliveryTimeoutMs = 10_000;
const keptAttempts = 20;

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  /** HTTP status of the receiver's answer, when there was one. */
  status?: number;
  error?: string;
}

export interface DeliveryLog {
  messageId: string;
  url: string;
  state: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
}

const WebhookJobInput = z.object({ messageId: z.string(), payload: TranscriptionWebhook });

export function webhookMessageId(payload: TranscriptionWebhook): string {
  return `msg_${payload.id}_${payload.status}`;
}

/** Queues the delivery once per transcription and outcome (a retried job does not send twice). */
export async function enqueueWebhook(jobs: JobEngine, payload: TranscriptionWebhook): Promise<void> {
  const messageId = webhookMessageId(payload);
  await jobs.enqueue(webhookJobKind, { messageId, payload }, { idempotencyKey: messageId });
}

export function defineWebhookJob(
  dependencies: {
    kv: KvStore;
    jobs: JobEngine;
    log: Logger;
    settings: TranscriptionSettings;
    send: (input: string, init: RequestInit) => Promise<Response>;
  },
): void {
  const { kv, jobs, settings, send } = dependencies;
  jobs.define(webhookJobKind, WebhookJobInput, async ({ input, attempt, signal, log }) => {
    const signed = await signWebhook(settings.webhookSecret, input.payload, { messageId: input.messageId });
    const record: DeliveryAttempt = { attempt, at: new Date().toISOString() };
    try {
      const response = await send(settings.webhookUrl, {
        method: "POST",
        headers: signed.headers,
        body: signed.body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(deliveryTimeoutMs)]),
      });
      await response.body?.cancel();
      record.status = response.status;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    const delivered = record.status !== undefined && record.status >= 200 && record.status < 300;
    const state = delivered ? "delivered" : attempt >= webhookMaxAttempts ? "failed" : "pending";
    await appendAttempt(
      kv,
      input.payload.id,
      { messageId: input.messageId, url: settings.webhookUrl, state },
      record,
    );
    log.info(delivered ? "webhook_delivered" : "webhook_attempt_failed", {
      transcriptionId: input.payload.id,
      attempt,
      status: record.status,
    });
    if (!delivered) throw new Error(`Webhook delivery failed: ${record.error ?? `HTTP ${record.status}`}`);
  }, {
    maxAttempts: webhookMaxAttempts,
    backoff: { type: "exponential", baseMs: 1_000, maxMs: 5 * 60_000 },
    ttl: 48 * 60 * 60 * 1000,
  });
}

/** Version-checked append, so concurrent attempts of different outcomes never lose an entry. */
function appendAttempt(
  kv: KvStore,
  transcriptionId: string,
  summary: Omit<DeliveryLog, "attempts">,
  attempt: DeliveryAttempt,
): Promise<void> {
  const key = transcriptionKeys.deliveries(transcriptionId);
  return transact(kv, { name: "transcription.delivery_log" }, async (tx) => {
    const current = await tx.get<DeliveryLog>(key);
    const attempts = [...(current.value?.attempts ?? []), attempt].slice(-keptAttempts);
    tx.op.set(key, { ...summary, attempts }, { expireIn: 7 * 24 * 60 * 60 * 1000 });
  });
}

export async function readDeliveryLog(kv: KvStore, transcriptionId: string): Promise<DeliveryLog | null> {
  return (await kv.get<DeliveryLog>(transcriptionKeys.deliveries(transcriptionId))).value;
}

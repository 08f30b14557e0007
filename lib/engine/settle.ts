/**
 * Settling metered transcriptions: the transcription service's webhook (completed → charge
 * `max(1, ceil(minutes × rate[model]))` of the measured audio and release the hold; failed →
 * release in full) and the sweep that releases holds nobody settled in time. Never a discount: a
 * price the hold and the available balance cannot pay (a result that arrives after its hold
 * expired, or from a service that skipped the duration check) settles as refused — nothing charged,
 * no transcript kept. The request record is checked in the same
 * commit as the ledger entries, so twenty concurrent deliveries of one webhook charge once.
 */
import { transact } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { z } from "zod";
import type { Logger } from "../log.ts";
import { updateAccount } from "./credits.ts";
import { engineKeys } from "./keys.ts";
import { releaseHold } from "./metered.ts";
import { type CreditRates, creditsFor } from "./pricing.ts";
import type { MeteredRequest } from "./requests.ts";

/** The webhook body (tttranscribe.md integration): loose, because the sender may add fields. */
export const TranscriptionWebhook = z.looseObject({
  event: z.string().optional(),
  requestId: z.string().min(1).max(200),
  jobId: z.string().optional(),
  id: z.string().optional(),
  status: z.enum(["completed", "failed"]),
  model: z.string().optional(),
  durationSeconds: z.number().nonnegative().optional(),
  result: z.looseObject({
    transcription: z.string().optional(),
    transcript: z.string().optional(),
    summary: z.string().nullish(),
    language: z.string().nullish(),
    durationSeconds: z.number().nonnegative().nullish(),
    truncated: z.boolean().optional(),
    model: z.string().nullish(),
    confidence: z.number().min(0).max(1).nullish(),
    segments: z.array(z.object({
      start: z.number().nonnegative(),
      end: z.number().nonnegative(),
      text: z.string(),
      words: z.array(z.object({
        start: z.number().nonnegative(),
        end: z.number().nonnegative(),
        word: z.string(),
        confidence: z.number().min(0).max(1).optional(),
      })).optional(),
    })).optional(),
  }).nullish(),
  error: z.union([z.string(), z.looseObject({ message: z.string().optional(), code: z.string().optional() })])
    .nullish(),
});
export type TranscriptionWebhook = z.infer<typeof TranscriptionWebhook>;

/** Sent (signed, synchronously) once the audio is measured and before it is recognised. */
export const MeasuredDuration = z.object({
  type: z.literal("transcription.measured"),
  requestId: z.string().min(1).max(200),
  id: z.string().optional(),
  durationSeconds: z.number().nonnegative(),
});

export interface SettleOutcome {
  requestId: string;
  status: "completed" | "failed" | "ignored" | "duplicate";
  chargedCredits?: number;
  releasedCredits?: number;
}

export async function settleFromWebhook(
  kv: KvStore,
  rates: CreditRates,
  payload: TranscriptionWebhook,
  webhookId: string,
  log: Logger,
): Promise<SettleOutcome> {
  const { requestId } = payload;
  const first = await kv.get<MeteredRequest>(engineKeys.request(requestId));
  if (!first.value) {
    log.warn("webhook_unknown_request", { requestId, webhookId });
    return { requestId, status: "ignored" };
  }
  if (payload.status === "failed") {
    const message = typeof payload.error === "string"
      ? payload.error
      : payload.error?.message ?? "transcription failed";
    const released = await releaseHold(kv, requestId, "failed", message);
    if (!released) return markFailedWithoutHold(kv, first.value, message);
    return { requestId, status: "failed", releasedCredits: first.value.heldCredits, chargedCredits: 0 };
  }

  const reported = payload.result?.durationSeconds ?? payload.durationSeconds ?? 0;
  const model = payload.result?.model ?? payload.model;
  const { outcome } = await updateAccount<SettleOutcome>(kv, first.value.userId, async (account) => {
    const stored = await kv.get<MeteredRequest>(engineKeys.request(requestId));
    const record = stored.value!;
    if (record.status === "completed" || record.status === "failed") {
      return { done: { requestId, status: "duplicate", chargedCredits: record.chargedCredits } };
    }
    // The authorised measurement, unless the result reports more audio: the larger is the price.
    const seconds = Math.max(record.measuredDurationSeconds ?? 0, reported);
    const price = creditsFor(seconds, model ?? undefined, rates);
    const release = record.holdActive ? record.heldCredits : 0;
    const chargeable = account.balance - (account.held - release);
    const now = new Date().toISOString();
    if (price > chargeable) return refusedUnpaid(record, stored, { release, price, seconds, webhookId, now });
    const charged = price;
    const next: MeteredRequest = {
      ...record,
      status: "completed",
      holdActive: false,
      chargedCredits: charged,
      releasedCredits: release,
      transcript: payload.result?.transcription ?? payload.result?.transcript ?? "",
      summary: payload.result?.summary ?? undefined,
      language: payload.result?.language ?? undefined,
      truncated: payload.result?.truncated,
      segments: payload.result?.segments ?? [],
      confidence: payload.result?.confidence ?? undefined,
      durationSeconds: seconds,
      model: model ?? undefined,
      webhookId,
      updatedAt: now,
      settledAt: now,
    };
    const entries = [
      ...(release > 0
        ? [{
          type: "release" as const,
          amount: release,
          reason: "transcription_settled",
          reference: requestId,
        }]
        : []),
      ...(charged > 0
        ? [{ type: "charge" as const, amount: charged, reason: "transcription", reference: requestId }]
        : []),
    ];
    return {
      entries,
      checks: [stored],
      sets: () => [{ key: engineKeys.request(requestId), value: next }],
      deletes: [engineKeys.holdByTime(Date.parse(record.createdAt), requestId)],
      outcome: { requestId, status: "completed", chargedCredits: charged, releasedCredits: release },
    };
  });
  if (outcome.status === "completed") log.info("metered_transcription_settled", { ...outcome, webhookId });
  return outcome;
}

/** A result nobody can pay for: release the hold, charge nothing, keep no transcript. */
function refusedUnpaid(
  record: MeteredRequest,
  stored: Deno.KvEntryMaybe<MeteredRequest>,
  facts: { release: number; price: number; seconds: number; webhookId: string; now: string },
) {
  const next: MeteredRequest = {
    ...record,
    status: "failed",
    holdActive: false,
    chargedCredits: 0,
    releasedCredits: facts.release,
    durationSeconds: facts.seconds,
    error:
      `insufficient_credits: the result costs ${facts.price} credits, more than were held and available.`,
    webhookId: facts.webhookId,
    updatedAt: facts.now,
    settledAt: facts.now,
  };
  return {
    entries: facts.release > 0
      ? [{ type: "release" as const, amount: facts.release, reason: "unpaid", reference: record.requestId }]
      : [],
    checks: [stored],
    sets: () => [{ key: engineKeys.request(record.requestId), value: next }],
    deletes: [engineKeys.holdByTime(Date.parse(record.createdAt), record.requestId)],
    outcome: {
      requestId: record.requestId,
      status: "failed" as const,
      chargedCredits: 0,
      releasedCredits: facts.release,
    },
  };
}

/** A failure reported after the hold already expired: record it, nothing left to release. */
async function markFailedWithoutHold(
  kv: KvStore,
  record: MeteredRequest,
  message: string,
): Promise<SettleOutcome> {
  if (record.status === "completed" || record.status === "failed") {
    return { requestId: record.requestId, status: "duplicate" };
  }
  const key = engineKeys.request(record.requestId);
  await transact(kv, { name: "engine.request_failed" }, async (tx) => {
    const stored = await tx.get<MeteredRequest>(key);
    if (!stored.value || stored.value.status === "completed") return;
    tx.op.set(key, {
      ...stored.value,
      status: "failed",
      error: message,
      updatedAt: new Date().toISOString(),
    });
  });
  return { requestId: record.requestId, status: "failed", releasedCredits: 0, chargedCredits: 0 };
}

/** Releases holds older than `ttlMs` that no webhook settled. Returns how many were released. */
export async function sweepExpiredHolds(
  kv: KvStore,
  ttlMs: number,
  log: Logger,
  now = Date.now(),
): Promise<number> {
  let released = 0;
  const iterator = kv.list<{ userId: string }>({
    start: engineKeys.holdsByTimePrefix(),
    end: [...engineKeys.holdsByTimePrefix(), now - ttlMs],
  }, { limit: 500 });
  for await (const entry of iterator) {
    const requestId = String(entry.key[3]);
    if (await releaseHold(kv, requestId, "expired", "No result within the hold period; credits released.")) {
      released++;
    } else await kv.delete(entry.key); // already settled: the index entry is stale
  }
  if (released > 0) log.info("engine_holds_expired", { released });
  return released;
}

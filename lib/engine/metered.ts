/**
 * The metered flow (`POST /transcribe`): estimate → hold the estimate → forward to the
 * transcription service with our requestId and `authorizeDuration` → the service measures the
 * audio and, before recognising a second of it, asks us to authorise that duration: the hold is
 * raised to the price of the measured duration, or the work stops with 402 (authorizeMeasured) →
 * the signed webhook settles (settle.ts). The estimate (from a HEAD the media server controls) is
 * never what a user pays. The hold and the request record are one commit, so credits are never held
 * without a record that will release them (by the webhook, or by the expiry sweep).
 */
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { randomId } from "../ids.ts";
import type { Logger } from "../log.ts";
import { available, updateAccount } from "./credits.ts";
import { transact } from "../store/transaction.ts";
import { engineKeys } from "./keys.ts";
import { type CreditRates, creditsFor } from "./pricing.ts";
import type { MeteredRequest } from "./requests.ts";
import type { UpstreamClient } from "./upstream/client.ts";

export interface MeteredDependencies {
  kv: KvStore;
  upstream: UpstreamClient;
  rates: CreditRates;
  transcribeTimeoutMs: number;
  log: Logger;
}

export interface Estimate {
  url: string;
  estimatedCredits: number;
  estimatedDurationSeconds: number | null;
  upstream: Record<string, unknown>;
}

export async function estimate(
  deps: MeteredDependencies,
  url: string,
  requestId?: string,
): Promise<Estimate> {
  const answer = await deps.upstream.request("POST", "/estimate", { body: { url }, requestId });
  const seconds = numberOr(answer.json.estimatedDurationSeconds);
  const upstreamCredits = numberOr(answer.json.estimatedCredits);
  const ours = seconds !== undefined ? creditsFor(seconds, undefined, deps.rates) : undefined;
  return {
    url,
    estimatedCredits: Math.max(1, ours ?? Math.ceil(upstreamCredits ?? 1)),
    estimatedDurationSeconds: seconds ?? null,
    upstream: answer.json,
  };
}

export async function startMetered(
  deps: MeteredDependencies,
  userId: string,
  url: string,
): Promise<{ request: MeteredRequest; estimate: Estimate }> {
  const { kv } = deps;
  const quote = await estimate(deps, url);
  const requestId = randomId();
  const now = new Date();
  const record: MeteredRequest = {
    requestId,
    userId,
    url,
    status: "holding",
    heldCredits: quote.estimatedCredits,
    holdActive: true,
    estimatedDurationSeconds: quote.estimatedDurationSeconds ?? undefined,
    chargedCredits: 0,
    releasedCredits: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await updateAccount(kv, userId, (account) => {
    if (available(account) < record.heldCredits) {
      throw new KilnError(
        "payment_required",
        "insufficient_credits",
        "Not enough credits for this transcription.",
        {
          details: {
            required: record.heldCredits,
            available: available(account),
            heldCredits: account.held,
            balance: account.balance,
          },
        },
      );
    }
    return Promise.resolve({
      entries: [{ type: "hold", amount: record.heldCredits, reason: "transcription", reference: requestId }],
      checks: [{ key: engineKeys.request(requestId), versionstamp: null }],
      sets: () => [
        { key: engineKeys.request(requestId), value: record },
        { key: engineKeys.holdByTime(now.getTime(), requestId), value: { userId } },
      ],
      outcome: undefined,
    });
  });

  let jobId: string;
  try {
    const answer = await deps.upstream.request("POST", "/transcribe", {
      body: { url, requestId, authorizeDuration: true },
      timeoutMs: deps.transcribeTimeoutMs,
      requestId,
    });
    jobId = String(answer.json.id ?? answer.json.jobId ?? "");
    if (!jobId) {
      throw new KilnError("upstream", "upstream_malformed", "The transcription service returned no job id.");
    }
  } catch (error) {
    await releaseHold(
      kv,
      requestId,
      "forward_failed",
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  }
  const updated = await updateRequest(
    kv,
    requestId,
    (current) =>
      current.status === "holding" ? { ...current, status: "queued", jobId } : { ...current, jobId },
  );
  deps.log.info("metered_transcription_started", { requestId, jobId, heldCredits: record.heldCredits });
  return { request: updated ?? { ...record, jobId, status: "queued" }, estimate: quote };
}

/** Version-checked read-modify-write of a request record; returns the new record (undefined if absent). */
export function updateRequest(
  kv: KvStore,
  requestId: string,
  change: (current: MeteredRequest) => MeteredRequest,
): Promise<MeteredRequest | undefined> {
  return transact(kv, { name: "engine.request_update" }, async (tx) => {
    const stored = await tx.get<MeteredRequest>(engineKeys.request(requestId));
    if (!stored.value) return undefined;
    const next = { ...change(stored.value), updatedAt: new Date().toISOString() };
    tx.op.set(engineKeys.request(requestId), next);
    return next;
  });
}

/** Releases an active hold in full and gives the request its final status (failure paths, sweep). */
export async function releaseHold(
  kv: KvStore,
  requestId: string,
  status: "failed" | "expired" | "forward_failed",
  error?: string,
): Promise<boolean> {
  const first = await kv.get<MeteredRequest>(engineKeys.request(requestId));
  if (!first.value) return false;
  const { outcome } = await updateAccount<boolean>(kv, first.value.userId, async () => {
    const stored = await kv.get<MeteredRequest>(engineKeys.request(requestId));
    const record = stored.value!;
    if (!record.holdActive) return { done: false };
    const now = new Date().toISOString();
    const next: MeteredRequest = {
      ...record,
      status,
      holdActive: false,
      releasedCredits: record.heldCredits,
      error: error ?? record.error,
      updatedAt: now,
      settledAt: status === "expired" ? record.settledAt : now,
    };
    return {
      entries: [{ type: "release", amount: record.heldCredits, reason: status, reference: requestId }],
      checks: [stored],
      sets: () => [{ key: engineKeys.request(requestId), value: next }],
      deletes: [engineKeys.holdByTime(Date.parse(record.createdAt), requestId)],
      outcome: true,
    };
  });
  return outcome;
}

export interface MeasuredAuthorization {
  requestId: string;
  durationSeconds: number;
  priceCredits: number;
  heldCredits: number;
}

/**
 * The transcription service measured `durationSeconds` of audio for `requestId`: the hold becomes
 * the price of exactly that (raised from the estimate, taking the difference from the available
 * balance), or — when hold plus available cannot pay it — 402 and the work stops. Repeating it
 * (a retried job) changes nothing more.
 */
export async function authorizeMeasured(
  kv: KvStore,
  rates: CreditRates,
  requestId: string,
  durationSeconds: number,
): Promise<MeasuredAuthorization> {
  const first = await kv.get<MeteredRequest>(engineKeys.request(requestId));
  if (!first.value) throw new KilnError("not_found", "request_not_found", "No such transcription request.");
  const price = creditsFor(durationSeconds, undefined, rates);
  const { outcome } = await updateAccount<MeasuredAuthorization>(kv, first.value.userId, async (account) => {
    const stored = await kv.get<MeteredRequest>(engineKeys.request(requestId));
    const record = stored.value!;
    if (!record.holdActive) {
      throw new KilnError(
        "conflict",
        "hold_not_active",
        "This request no longer holds credits; start it again.",
      );
    }
    const extra = Math.max(0, price - record.heldCredits);
    if (extra > available(account)) {
      throw new KilnError(
        "payment_required",
        "insufficient_credits",
        `The media is ${
          Math.round(durationSeconds)
        } s long and costs ${price} credits; ${record.heldCredits} are held and ${
          available(account)
        } more are available.`,
        {
          details: {
            required: price,
            heldCredits: record.heldCredits,
            available: available(account),
            durationSeconds,
          },
        },
      );
    }
    const next: MeteredRequest = {
      ...record,
      heldCredits: record.heldCredits + extra,
      measuredDurationSeconds: durationSeconds,
      updatedAt: new Date().toISOString(),
    };
    return {
      entries: extra > 0
        ? [{ type: "hold", amount: extra, reason: "transcription_measured", reference: requestId }]
        : [],
      checks: [stored],
      sets: () => [{ key: engineKeys.request(requestId), value: next }],
      outcome: { requestId, durationSeconds, priceCredits: price, heldCredits: next.heldCredits },
    };
  });
  return outcome;
}

export async function readOwnedRequest(
  kv: KvStore,
  userId: string,
  requestId: string,
): Promise<MeteredRequest> {
  const record = (await kv.get<MeteredRequest>(engineKeys.request(requestId))).value;
  // Someone else's request answers exactly like a missing one: ids are not an oracle.
  if (!record || record.userId !== userId) {
    throw new KilnError("not_found", "request_not_found", "No such transcription request.");
  }
  return record;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * `POST /v1/vend-token`: one credit buys one 15-minute service token (scope ttt:transcribe). The
 * charge entry, the account update and (with a clientRequestId) the per-user vend record are one
 * atomic commit, so a replay returns the very same token, costs nothing, and a replay by another
 * user can never see it (the record is keyed by user). The hourly quota counter is part of the same
 * commit: one KV write per vend, and only vends that happened count against the limit.
 */
import type { KvStore } from "../store/types.ts";
import { randomId } from "../ids.ts";
import { type RateLimitDecision, rateLimitError } from "../http/rate_limit.ts";
import { available, insufficientCredits, updateAccount } from "./credits.ts";
import { engineKeys } from "./keys.ts";
import { serviceScope, serviceTokenSeconds, type TokenAuthority } from "./tokens.ts";

export interface VendedToken {
  token: string;
  expiresIn: number;
  expiresAt: string;
  scope: string;
  balanceAfter: number;
  requestId: string;
}

/** Long enough for any client retry; the token inside expires after 15 minutes regardless. */
const vendRecordMs = 24 * 60 * 60 * 1000;
const hourMs = 60 * 60 * 1000;

interface VendWindow {
  windowStart: number;
  count: number;
}

function quotaDecision(limit: number, used: number, windowStart: number, now: number): RateLimitDecision {
  const resetSeconds = Math.ceil((windowStart + hourMs - now) / 1000);
  return {
    allowed: used < limit,
    limit,
    remaining: Math.max(0, limit - used),
    resetSeconds,
    retryAfterSeconds: used < limit ? 0 : resetSeconds,
    policy: `${limit};w=3600`,
  };
}

export async function vendToken(
  kv: KvStore,
  tokens: TokenAuthority,
  userId: string,
  options: { clientRequestId?: string; limitPerHour: number },
): Promise<{ vended: VendedToken; replayed: boolean; quota?: RateLimitDecision }> {
  const { clientRequestId, limitPerHour } = options;
  const recordKey = clientRequestId ? engineKeys.vend(userId, clientRequestId) : undefined;
  const windowKey = engineKeys.vendWindow(userId);
  let quota: RateLimitDecision | undefined;
  const result = await updateAccount<VendedToken>(kv, userId, async (account) => {
    // One round trip for both records (without a clientRequestId the window key just repeats).
    const [previous, window] = await kv.getMany<[VendedToken, VendWindow]>([
      recordKey ?? windowKey,
      windowKey,
    ]);
    if (recordKey && previous.value) return { done: previous.value };
    const now = Date.now();
    const windowStart = Math.floor(now / hourMs) * hourMs;
    const used = window.value?.windowStart === windowStart ? window.value.count : 0;
    const decision = quotaDecision(limitPerHour, used, windowStart, now);
    if (!decision.allowed) throw rateLimitError(decision);
    if (available(account) < 1) throw insufficientCredits(account, 1);
    quota = quotaDecision(limitPerHour, used + 1, windowStart, now);
    const requestId = randomId();
    const signed = await tokens.signService(userId, requestId);
    const vended: VendedToken = {
      token: signed.token,
      expiresIn: serviceTokenSeconds,
      expiresAt: new Date(signed.expiresAt * 1000).toISOString(),
      scope: serviceScope,
      balanceAfter: account.balance - 1,
      requestId,
    };
    return {
      entries: [{ type: "charge", amount: 1, reason: "vend", reference: requestId }],
      checks: [window, ...(recordKey ? [{ key: recordKey, versionstamp: null }] : [])],
      sets: () => [
        {
          key: windowKey,
          value: { windowStart, count: used + 1 } satisfies VendWindow,
          expireIn: 2 * hourMs,
        },
        ...(recordKey ? [{ key: recordKey, value: vended, expireIn: vendRecordMs }] : []),
      ],
      outcome: vended,
    };
  });
  return { vended: result.outcome, replayed: result.replayed, quota: result.replayed ? undefined : quota };
}

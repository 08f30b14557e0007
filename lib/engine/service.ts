/**
 * The engine API its routes call (`services.module(engineModule)`): every operation the routes call, wired to KV,
 * the token authority, the upstream client and the metadata provider chosen in setup.ts.
 */
import type { KvStore } from "../store/types.ts";
import type { Logger } from "../log.ts";
import { getBalance, grantCredits, listTransactions } from "./ledger.ts";
import { listAccounts, listHolds, userDetail } from "./admin.ts";
import { authorizeMeasured, estimate, readOwnedRequest, startMetered } from "./metered.ts";
import { lookupMetadata, type MetadataProvider } from "./meta/mod.ts";
import { proxyStatus, proxyTranscribe } from "./proxy.ts";
import type { CreditRates } from "./pricing.ts";
import { requestView } from "./requests.ts";
import { MeasuredDuration, settleFromWebhook, sweepExpiredHolds, TranscriptionWebhook } from "./settle.ts";
import type { TokenAuthority } from "./tokens.ts";
import type { CircuitBreaker } from "./upstream/breaker.ts";
import type { UpstreamClient } from "./upstream/client.ts";
import { vendToken } from "./vend.ts";
import { verifyWebhook } from "../webhooks/standard.ts";
import { validate } from "../http/body.ts";
import { type RateLimiter, rateLimitError, type RateLimitRule } from "../http/rate_limit.ts";
import { createUpstreamProber } from "./upstream/probe.ts";

export interface EngineSettings {
  rates: CreditRates;
  transcribesPerMinute: number;
  transcribeTimeoutMs: number;
  holdTtlMs: number;
  vendLimitPerHour: number;
}

export interface EngineDependencies {
  kv: KvStore;
  log: Logger;
  tokens: TokenAuthority;
  upstream: UpstreamClient;
  breaker: CircuitBreaker;
  metadata: MetadataProvider;
  webhookSecret: string;
  settings: EngineSettings;
  limiter: RateLimiter;
  /** Transport to the transcription service (in-process for a local TTT_BASE). */
  send: (input: string, init: RequestInit) => Promise<Response>;
}

export function createEngineService(deps: EngineDependencies) {
  const { kv, log, settings } = deps;
  const metered = {
    kv,
    upstream: deps.upstream,
    rates: settings.rates,
    transcribeTimeoutMs: settings.transcribeTimeoutMs,
    log,
  };
  const transcribeRule: RateLimitRule = {
    name: "engine_transcribe",
    algorithm: "token_bucket",
    capacity: settings.transcribesPerMinute,
    refillPerMinute: settings.transcribesPerMinute,
  };
  /** The per-user limit, taken before anything is forwarded: the service behind never sees a burst. */
  const spendTranscribeToken = async (userId: string) => {
    const decision = await deps.limiter.consume(transcribeRule, `user:${userId}`);
    if (!decision.allowed) throw rateLimitError(decision);
  };
  return {
    tokens: deps.tokens,
    upstream: deps.upstream,
    breaker: deps.breaker,
    metadata: deps.metadata,
    settings,
    probeUpstream: createUpstreamProber(deps.upstream.baseUrl, deps.send),
    vendToken: (userId: string, clientRequestId?: string) =>
      vendToken(kv, deps.tokens, userId, { clientRequestId, limitPerHour: settings.vendLimitPerHour }),
    grant: (input: Parameters<typeof grantCredits>[1]) => grantCredits(kv, input),
    balance: (userId: string) => getBalance(kv, userId),
    transactions: (userId: string, options: { limit: number; cursor?: string }) =>
      listTransactions(kv, userId, options),
    accounts: (options: { limit: number; cursor?: string }) => listAccounts(kv, options),
    holds: (options: { userId?: string; limit: number }) => listHolds(kv, options),
    userDetail: (userId: string, options: { limit: number; cursor?: string }) =>
      userDetail(kv, userId, options),
    estimate: (url: string) => estimate(metered, url),
    startTranscription: async (userId: string, url: string) => {
      await spendTranscribeToken(userId);
      const started = await startMetered(metered, userId, url);
      return { ...requestView(started.request), estimate: started.estimate };
    },
    async status(userId: string, requestId: string) {
      const record = await readOwnedRequest(kv, userId, requestId);
      if (!record.jobId || !["queued", "holding"].includes(record.status)) return requestView(record);
      try {
        const live = await deps.upstream.request("GET", `/status/${encodeURIComponent(record.jobId)}`);
        return requestView(record, live.json);
      } catch {
        return requestView(record); // the stored state is still right; progress is a nicety
      }
    },
    /**
     * Verifies signature and timestamp (±5 min) on the raw body, then settles once — or, for a
     * `transcription.measured` message, authorises the measured duration (402 stops the work).
     */
    async receiveWebhook(rawBody: string, headers: Headers | Record<string, string>) {
      const verified = await verifyWebhook(deps.webhookSecret, rawBody, headers);
      const measured = MeasuredDuration.safeParse(verified.payload);
      if (measured.success) {
        return authorizeMeasured(kv, settings.rates, measured.data.requestId, measured.data.durationSeconds);
      }
      const payload = validate(TranscriptionWebhook, verified.payload, "body");
      return settleFromWebhook(kv, settings.rates, payload, verified.messageId, log);
    },
    proxyTranscribe: async (caller: { userId: string; tokenId: string }, url: string) => {
      await spendTranscribeToken(caller.userId);
      return proxyTranscribe(kv, deps.upstream, caller, url, settings.transcribeTimeoutMs);
    },
    proxyStatus: (userId: string, jobId: string) => proxyStatus(kv, deps.upstream, userId, jobId),
    sweepHolds: (now?: number) => sweepExpiredHolds(kv, settings.holdTtlMs, log, now),
    lookupMetadata: (url: string) => lookupMetadata(kv, deps.metadata, url),
  };
}

export type EngineService = ReturnType<typeof createEngineService>;

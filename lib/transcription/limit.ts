/**
 * The per-client token bucket on transcribe and estimate (status polling is exempt; so are calls
 * this process's own engine makes in-process). Runs the
 * platform limiter with a rule built from RATE_LIMIT_CAPACITY / RATE_LIMIT_REFILL_PER_MIN — the
 * route spec's static `rateLimit` cannot read configuration, so routes wrap their work in this.
 * RateLimit-* headers go on every answer, errors included, as the platform's own limiter does.
 */
import { KilnError } from "../errors.ts";
import { ipRateLimitKey } from "../http/client_ip.ts";
import { isInProcess } from "../http/in_process.ts";
import {
  type RateLimiter,
  rateLimitError,
  rateLimitHeaders,
  type RateLimitRule,
} from "../http/rate_limit.ts";

export async function withTranscriptionToken<T>(
  limiter: RateLimiter,
  rule: RateLimitRule,
  caller: { request: Request; clientIp: string },
  work: () => Promise<T>,
): Promise<{ value: T; headers: Record<string, string> }> {
  // This process's own engine limits each user before it forwards; the per-address bucket is for
  // outside callers, and spending it on the engine would make a burst of users an outage for all.
  if (isInProcess(caller.request)) return { value: await work(), headers: {} };
  const decision = await limiter.consume(rule, `ip:${ipRateLimitKey(caller.clientIp)}`);
  const headers = rateLimitHeaders(decision);
  if (!decision.allowed) throw rateLimitError(decision);
  try {
    return { value: await work(), headers };
  } catch (error) {
    if (!(error instanceof KilnError)) throw error;
    throw new KilnError(error.kind, error.code, error.message, {
      details: error.details,
      retryAfterSeconds: error.retryAfterSeconds,
      headers: { ...headers, ...error.headers },
      cause: error,
    });
  }
}

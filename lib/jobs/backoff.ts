/**
 * Retry delays. Jitter comes from the CSPRNG so many jobs that failed together (an upstream outage)
 * do not retry in lock-step, and so the schedule cannot be predicted from outside.
 */
import { randomFraction } from "../ids.ts";
import type { Backoff } from "./types.ts";

const defaultMaxMs = 5 * 60_000;

export const defaultBackoff: Backoff = { type: "exponential", baseMs: 1_000, maxMs: defaultMaxMs };

/** Share of the delay the jitter may add or remove. */
const jitterShare = 0.2;

/** Delay before retry number `attempt` (1 = the retry after the first failed attempt). */
export function backoffDelay(
  backoff: Backoff,
  attempt: number,
  random: () => number = randomFraction,
): number {
  const n = Math.max(1, Math.floor(attempt));
  if (backoff.type === "fixed") {
    const delays = backoff.delaysMs;
    if (delays.length === 0) return 0;
    return Math.max(0, delays[Math.min(n, delays.length) - 1]);
  }
  const maxMs = backoff.maxMs ?? defaultMaxMs;
  const raw = Math.min(maxMs, backoff.baseMs * 2 ** Math.min(n - 1, 52));
  const jitter = (random() * 2 - 1) * jitterShare * raw;
  return Math.max(0, Math.min(maxMs, Math.round(raw + jitter)));
}

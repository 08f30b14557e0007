/**
 * Circuit breaker for the transcription service: after `threshold` consecutive failures it opens
 * and refuses calls for `openMs` (503 + Retry-After, no upstream traffic); then it lets `probes`
 * calls through half-open — all succeed → closed, any fails → open again. Every transition is
 * logged and kept for `GET /health/services`.
 */
import { KilnError } from "../../errors.ts";
import type { Logger } from "../../log.ts";

export type BreakerState = "closed" | "open" | "half_open";

export interface BreakerOptions {
  name: string;
  threshold: number;
  openMs: number;
  probes: number;
  log: Logger;
  now?: () => number;
}

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  reason: string;
  at: string;
}

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  openUntil?: string;
  retryAfterSeconds?: number;
  halfOpenProbes?: { started: number; succeeded: number; needed: number };
  transitions: BreakerTransition[];
}

export interface CircuitBreaker {
  /** Admits one call or throws 503 `upstream_circuit_open`. */
  admit(): void;
  success(): void;
  failure(reason: string): void;
  snapshot(): BreakerSnapshot;
}

export function createCircuitBreaker(options: BreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now;
  let state: BreakerState = "closed";
  let consecutiveFailures = 0;
  let openedAt = 0;
  let probesStarted = 0;
  let probesSucceeded = 0;
  const transitions: BreakerTransition[] = [];

  const moveTo = (to: BreakerState, reason: string) => {
    if (to === state) return;
    const transition = { from: state, to, reason, at: new Date(now()).toISOString() };
    transitions.push(transition);
    if (transitions.length > 20) transitions.shift();
    options.log.warn("circuit_breaker_transition", {
      breaker: options.name,
      ...transition,
      consecutiveFailures,
    });
    state = to;
    if (to === "open") openedAt = now();
    if (to === "half_open") probesStarted = probesSucceeded = 0;
    if (to === "closed") consecutiveFailures = 0;
  };

  const retryAfterSeconds = () => Math.max(1, Math.ceil((openedAt + options.openMs - now()) / 1000));

  return {
    admit() {
      if (state === "open" && now() - openedAt >= options.openMs) moveTo("half_open", "open period over");
      if (state === "open" || (state === "half_open" && probesStarted >= options.probes)) {
        const wait = state === "open" ? retryAfterSeconds() : 1;
        throw new KilnError(
          "unavailable",
          "upstream_circuit_open",
          `The transcription service is unavailable (circuit ${state}); retry later.`,
          {
            retryAfterSeconds: wait,
            details: { upstream: options.name, breaker: state },
          },
        );
      }
      if (state === "half_open") probesStarted++;
    },
    success() {
      consecutiveFailures = 0;
      if (state !== "half_open") return;
      probesSucceeded++;
      if (probesSucceeded >= options.probes) {
        moveTo("closed", `${probesSucceeded} half-open probes succeeded`);
      }
    },
    failure(reason) {
      consecutiveFailures++;
      if (state === "half_open") moveTo("open", `half-open probe failed: ${reason}`);
      else if (state === "closed" && consecutiveFailures >= options.threshold) {
        moveTo("open", `${consecutiveFailures} consecutive failures, last: ${reason}`);
      }
    },
    snapshot() {
      if (state === "open" && now() - openedAt >= options.openMs) moveTo("half_open", "open period over");
      return {
        state,
        consecutiveFailures,
        ...(state === "open"
          ? {
            openUntil: new Date(openedAt + options.openMs).toISOString(),
            retryAfterSeconds: retryAfterSeconds(),
          }
          : {}),
        ...(state === "half_open"
          ? { halfOpenProbes: { started: probesStarted, succeeded: probesSucceeded, needed: options.probes } }
          : {}),
        transitions: [...transitions],
      };
    },
  };
}

/**
 * HTTP client for the transcription service: `X-Engine-Auth`, a per-call timeout that covers the
 * whole exchange (headers and body), retries with exponential backoff (base, 2×, 4× …) on 5xx,
 * 429, timeouts and network errors — never on other 4xx — all behind the circuit breaker. A 429 is
 * the service answering, not failing: it never counts towards opening the breaker, and when the
 * retries run out it reaches the caller as a 429, not as an outage. Failures become 502/503/504
 * problems that name the upstream status, so a caller can tell "the service said no" from "the
 * service is down".
 */
import { KilnError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import type { CircuitBreaker } from "./breaker.ts";

export interface UpstreamOptions {
  baseUrl: string;
  secret: string;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  breaker: CircuitBreaker;
  log: Logger;
  /** Tests and shutdown: waits between attempts. */
  sleep?: (ms: number) => Promise<void>;
  /** Transport (default global fetch); `services.selfFetch` serves a local TTT_BASE in-process. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

export interface UpstreamResponse {
  status: number;
  json: Record<string, unknown>;
  attempts: number;
}

export interface UpstreamStats {
  calls: number;
  failures: number;
  lastLatencyMs?: number;
  lastError?: string;
  lastErrorAt?: string;
}

export interface UpstreamClient {
  request(
    method: "GET" | "POST",
    path: string,
    options?: { body?: unknown; timeoutMs?: number; requestId?: string },
  ): Promise<UpstreamResponse>;
  stats(): UpstreamStats;
  readonly baseUrl: string;
}

type Attempt =
  | { kind: "response"; status: number; json: Record<string, unknown>; retryAfter?: number }
  | { kind: "timeout" }
  | { kind: "network"; message: string };

const upstream = "tttranscribe";

export function createUpstreamClient(options: UpstreamOptions): UpstreamClient {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const stats: UpstreamStats = { calls: 0, failures: 0 };
  const send = options.fetch ?? fetch;
  const baseUrl = options.baseUrl.replace(/\/$/, "");

  const attemptOnce = async (
    method: string,
    path: string,
    body: unknown,
    timeoutMs: number,
    requestId?: string,
  ): Promise<Attempt> => {
    const headers: Record<string, string> = { "x-engine-auth": options.secret, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (requestId) headers["x-request-id"] = requestId;
    const signal = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    stats.calls++;
    try {
      const response = await send(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      const text = await response.text(); // still under the same signal: a stalled body times out too
      stats.lastLatencyMs = Math.round((performance.now() - started) * 100) / 100;
      return {
        kind: "response",
        status: response.status,
        json: parseObject(text),
        retryAfter: Number(response.headers.get("retry-after")) || undefined,
      };
    } catch (error) {
      if (signal.aborted) return { kind: "timeout" };
      return { kind: "network", message: error instanceof Error ? error.message : String(error) };
    }
  };

  return {
    baseUrl,
    stats: () => ({ ...stats }),
    async request(method, path, { body, timeoutMs = options.timeoutMs, requestId } = {}) {
      let last: Attempt | undefined;
      for (let attempt = 0; attempt <= options.maxRetries; attempt++) {
        options.breaker.admit();
        last = await attemptOnce(method, path, body, timeoutMs, requestId);
        if (last.kind === "response" && last.status === 429) {
          // Rate limited: the service is up and answering, so the breaker hears a success.
          options.breaker.success();
          if (attempt < options.maxRetries) await sleep(options.retryBaseMs * 2 ** attempt);
          continue;
        }
        if (last.kind === "response" && last.status < 500) {
          options.breaker.success(); // a 2xx or a 4xx both mean the service is up and answering
          if (last.status < 400) return { status: last.status, json: last.json, attempts: attempt + 1 };
          throw clientError(last.status, last.json);
        }
        const reason = describe(last);
        options.breaker.failure(reason);
        stats.failures++;
        stats.lastError = reason;
        stats.lastErrorAt = new Date().toISOString();
        options.log.warn("upstream_attempt_failed", {
          upstream,
          method,
          path,
          attempt: attempt + 1,
          reason,
          requestId,
        });
        if (attempt < options.maxRetries) await sleep(options.retryBaseMs * 2 ** attempt);
      }
      throw exhausted(last!, options.maxRetries + 1, timeoutMs);
    },
  };
}

function describe(attempt: Attempt): string {
  if (attempt.kind === "timeout") return "timeout";
  if (attempt.kind === "network") return `network: ${attempt.message}`;
  return `status ${attempt.status}`;
}

function exhausted(last: Attempt, attempts: number, timeoutMs: number): KilnError {
  if (last.kind === "timeout") {
    return new KilnError(
      "timeout",
      "upstream_timeout",
      `The transcription service did not answer within ${timeoutMs} ms.`,
      {
        details: { upstream, attempts, timeoutMs },
      },
    );
  }
  if (last.kind === "network") {
    return new KilnError(
      "upstream",
      "upstream_unreachable",
      "The transcription service could not be reached.",
      {
        details: { upstream, attempts },
      },
    );
  }
  const details = {
    upstream,
    upstreamStatus: last.status,
    attempts,
    upstreamError: upstreamMessage(last.json),
  };
  if (last.status === 429) {
    return new KilnError(
      "rate_limited",
      "upstream_rate_limited",
      "The transcription service is rate limiting us.",
      {
        details,
        retryAfterSeconds: last.retryAfter ?? 5,
      },
    );
  }
  if (last.status === 503) {
    return new KilnError(
      "unavailable",
      "upstream_unavailable",
      `The transcription service answered ${last.status}.`,
      {
        details,
        retryAfterSeconds: last.retryAfter ?? 5,
      },
    );
  }
  return new KilnError("upstream", "upstream_error", `The transcription service answered ${last.status}.`, {
    details,
  });
}

/** A 4xx the service gave us: the caller's input was wrong (passed on) or our credentials were (502). */
function clientError(status: number, json: Record<string, unknown>): KilnError {
  const details = { upstream, upstreamStatus: status, upstreamError: upstreamMessage(json) };
  switch (status) {
    case 400:
    case 422:
      return new KilnError(
        "invalid",
        "upstream_rejected",
        `The transcription service refused the request: ${sentence(upstreamMessage(json) ?? String(status))}`,
        { details },
      );
    case 404:
      return new KilnError(
        "not_found",
        "upstream_not_found",
        "The transcription service does not know this job.",
        { details },
      );
    case 413:
      return new KilnError(
        "too_large",
        "upstream_too_large",
        "The media is too large for the transcription service.",
        { details },
      );
    default:
      return new KilnError("upstream", "upstream_refused", `The transcription service answered ${status}.`, {
        details,
      });
  }
}

/** Ends a message with exactly one full stop (upstream messages often bring their own). */
function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

function upstreamMessage(json: Record<string, unknown>): string | undefined {
  const value = json.detail ?? json.message ?? json.error;
  return typeof value === "string" ? value.slice(0, 300) : undefined;
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? value : { value };
  } catch {
    return { body: text.slice(0, 300) };
  }
}

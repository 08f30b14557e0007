/**
 * KV-backed rate limits: fixed windows ("5 video requests / 10 min / IP") and token buckets
 * (`RATE_LIMIT_CAPACITY` / `RATE_LIMIT_REFILL_PER_MIN`). Framework free; the route layer turns a
 * decision into headers (`rateLimitHeaders`) or a 429 (`rateLimitError`).
 *
 * Concurrency control is a version-checked read-modify-write on one KV record per (rule, key), run by
 * `transact` (read, decide, commit, retry on conflict). A denial writes nothing, so once a limit is
 * reached contention ends by itself. Under any interleaving exactly `limit` consumes of a
 * window succeed — no lost updates.
 */
import { transact, type Transaction } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import { KilnError } from "../errors.ts";
import { sha256 } from "../hmac.ts";

export type RateLimitRule =
  | { name: string; algorithm: "fixed_window"; limit: number; windowMs: number }
  | { name: string; algorithm: "token_bucket"; capacity: number; refillPerMinute: number };

export interface RateLimitDecision {
  allowed: boolean;
  /** The quota: the window's limit, or the bucket's capacity. */
  limit: number;
  /** Units left after this consume (allowed) or available now (denied). */
  remaining: number;
  /** Seconds until the quota is whole again: the window ends, or the bucket is full. */
  resetSeconds: number;
  /** 0 when allowed; else seconds until this consume could succeed. */
  retryAfterSeconds: number;
  /** `RateLimit-Policy` value, e.g. `5;w=600`. */
  policy: string;
}

export interface RateLimiter {
  /** Takes `cost` (default 1) units for `key` (an IP, `user:42`, …) under `rule`. */
  consume(rule: RateLimitRule, key: string, cost?: number): Promise<RateLimitDecision>;
}

export interface RateLimiterOptions {
  /** Clock in ms since the epoch (tests inject one). */
  now?: () => number;
  /** Version-conflict retries before giving up (fail closed: the `contention` problem). Default 50. */
  maxAttempts?: number;
}

interface WindowState {
  count: number;
}

interface BucketState {
  tokens: number;
  updatedAt: number;
}

/**
 * KV keys are ≤ 2 KiB; longer caller keys are replaced by their SHA-256 digest, stored as bytes so it
 * can never collide with a string key.
 */
const maxPlainKeyLength = 256;

export function createRateLimiter(kv: KvStore, options: RateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 50;

  return {
    async consume(rule, key, cost = 1) {
      assertRule(rule);
      if (!Number.isFinite(cost) || cost < 0) {
        throw new RangeError(`rate limit cost must be ≥ 0, got ${cost}`);
      }
      const keyPart = await storageKey(key);
      // One key is one hot counter: this process's consumers of it queue instead of colliding.
      // Pathological contention ends in the contention problem: the request is refused either way.
      return transact(
        kv,
        {
          name: "rate_limit.consume",
          serialise: ["ratelimit", rule.name, keyPart],
          maxAttempts,
        },
        (tx) =>
          rule.algorithm === "fixed_window"
            ? fixedWindow(tx, rule, keyPart, cost, now())
            : tokenBucket(tx, rule, keyPart, cost, now()),
      );
    },
  };
}

/** The decision of a fixed window; an allowed cost is added to the transaction. */
async function fixedWindow(
  tx: Transaction,
  rule: Extract<RateLimitRule, { algorithm: "fixed_window" }>,
  keyPart: Deno.KvKeyPart,
  cost: number,
  at: number,
): Promise<RateLimitDecision> {
  const windowIndex = Math.floor(at / rule.windowMs);
  const windowEnd = (windowIndex + 1) * rule.windowMs;
  const resetSeconds = Math.max(1, Math.ceil((windowEnd - at) / 1000));
  const recordKey = ["ratelimit", rule.name, keyPart, windowIndex];
  const entry = await tx.get<WindowState>(recordKey);
  const count = isWindowState(entry.value) ? entry.value.count : 0;
  const base = { limit: rule.limit, resetSeconds, policy: rulePolicy(rule) };

  if (count + cost > rule.limit) {
    return {
      ...base,
      allowed: false,
      remaining: Math.max(0, rule.limit - count),
      retryAfterSeconds: resetSeconds,
    };
  }
  if (cost > 0) {
    // The key carries the window index, so a new window starts from zero; expiry is only cleanup.
    tx.op.set(recordKey, { count: count + cost } satisfies WindowState, { expireIn: rule.windowMs });
  }
  return { ...base, allowed: true, remaining: rule.limit - count - cost, retryAfterSeconds: 0 };
}

/** The decision of a token bucket; an allowed cost is added to the transaction. */
async function tokenBucket(
  tx: Transaction,
  rule: Extract<RateLimitRule, { algorithm: "token_bucket" }>,
  keyPart: Deno.KvKeyPart,
  cost: number,
  at: number,
): Promise<RateLimitDecision> {
  const perMs = rule.refillPerMinute / 60_000;
  const recordKey = ["ratelimit", rule.name, keyPart];
  const entry = await tx.get<BucketState>(recordKey);
  let tokens = rule.capacity;
  if (isBucketState(entry.value)) {
    // A clock that went backwards refills nothing (and never drains).
    const elapsed = Math.max(0, at - entry.value.updatedAt);
    tokens = Math.min(rule.capacity, Math.max(0, entry.value.tokens) + elapsed * perMs);
  }
  const msUntilFull = (level: number) => Math.max(0, (rule.capacity - level) / perMs);
  const base = { limit: rule.capacity, policy: rulePolicy(rule) };

  if (tokens < cost) {
    // A cost above capacity can never be met; its retry hint is the time to a full bucket.
    const missing = Math.min(cost, rule.capacity) - tokens;
    return {
      ...base,
      allowed: false,
      remaining: Math.floor(tokens),
      resetSeconds: Math.ceil(msUntilFull(tokens) / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil(missing / perMs / 1000)),
    };
  }
  const left = tokens - cost;
  if (cost > 0) {
    // A full bucket is the same as no record, so the record may vanish once it would be full.
    tx.op.set(recordKey, { tokens: left, updatedAt: at } satisfies BucketState, {
      expireIn: Math.max(1000, Math.ceil(msUntilFull(left))),
    });
  }
  return {
    ...base,
    allowed: true,
    remaining: Math.floor(left),
    resetSeconds: Math.ceil(msUntilFull(left) / 1000),
    retryAfterSeconds: 0,
  };
}

/**
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (delta seconds), `RateLimit-Policy`,
 * and `Retry-After` (delta seconds) when the request was denied.
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(Math.max(0, Math.floor(decision.remaining))),
    "RateLimit-Reset": String(Math.max(0, Math.ceil(decision.resetSeconds))),
    "RateLimit-Policy": decision.policy,
  };
  if (!decision.allowed) headers["Retry-After"] = String(Math.max(1, Math.ceil(decision.retryAfterSeconds)));
  return headers;
}

/** The 429 for a denied decision (`kind`/`code` "rate_limited", `Retry-After` and `RateLimit-*`). */
export function rateLimitError(decision: RateLimitDecision): KilnError {
  const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterSeconds));
  return new KilnError(
    "rate_limited",
    "rate_limited",
    `Too many requests; retry in ${retryAfterSeconds} s.`,
    {
      retryAfterSeconds,
      headers: rateLimitHeaders(decision),
      details: { limit: decision.limit, policy: decision.policy },
    },
  );
}

/**
 * `RateLimit-Policy`: `<quota>;w=<window seconds>`. A token bucket is described by its capacity and
 * the time an empty bucket takes to fill (capacity 10 at 10/min → `10;w=60`).
 */
function rulePolicy(rule: RateLimitRule): string {
  if (rule.algorithm === "fixed_window") {
    return `${rule.limit};w=${Math.max(1, Math.ceil(rule.windowMs / 1000))}`;
  }
  return `${rule.capacity};w=${Math.max(1, Math.ceil((rule.capacity / rule.refillPerMinute) * 60))}`;
}

/** Rules are configuration: a bad one is a programming error, reported loudly. */
function assertRule(rule: RateLimitRule): void {
  const positive = (value: number) => Number.isFinite(value) && value > 0;
  if (!rule.name) throw new TypeError("rate limit rule needs a name");
  if (rule.algorithm === "fixed_window") {
    if (!positive(rule.limit) || !positive(rule.windowMs)) {
      throw new RangeError(`rate limit rule ${rule.name}: limit and windowMs must be > 0`);
    }
  } else if (rule.algorithm === "token_bucket") {
    if (!positive(rule.capacity) || !positive(rule.refillPerMinute)) {
      throw new RangeError(`rate limit rule ${rule.name}: capacity and refillPerMinute must be > 0`);
    }
  } else {
    throw new TypeError(`rate limit rule ${(rule as { name: string }).name}: unknown algorithm`);
  }
}

async function storageKey(key: string): Promise<Deno.KvKeyPart> {
  if (key.length <= maxPlainKeyLength) return key;
  return await sha256(key);
}

function isWindowState(value: unknown): value is WindowState {
  return typeof value === "object" && value !== null && Number.isFinite((value as WindowState).count);
}

function isBucketState(value: unknown): value is BucketState {
  return typeof value === "object" && value !== null &&
    Number.isFinite((value as BucketState).tokens) && Number.isFinite((value as BucketState).updatedAt);
}

import assert from "node:assert/strict";
import { openTestStore } from "../support/backend.ts";
import { KilnError } from "../../lib/errors.ts";
import {
  createRateLimiter,
  type RateLimitDecision,
  rateLimitError,
  rateLimitHeaders,
  type RateLimitRule,
} from "../../lib/http/rate_limit.ts";

const videos: RateLimitRule = { name: "video", algorithm: "fixed_window", limit: 5, windowMs: 600_000 };
const api: RateLimitRule = { name: "api", algorithm: "token_bucket", capacity: 10, refillPerMinute: 10 };

/** A store of the backend under test, a limiter and a clock the test moves by hand. */
async function setup(start = 1_700_000_000_000) {
  const backing = await openTestStore();
  const { kv } = backing;
  const clock = { now: start };
  const limiter = createRateLimiter(kv, { now: () => clock.now });
  return {
    kv,
    clock,
    limiter,
    [Symbol.asyncDispose]: () => backing.close(),
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

Deno.test("a fixed window allows exactly its limit, then denies with headers and Retry-After", async () => {
  await using t = await setup(6_000_000); // exactly at a window start: 600 s left in the window
  const allowed: RateLimitDecision[] = [];
  for (const _ of range(5)) allowed.push(await t.limiter.consume(videos, "ip:203.0.113.7"));
  assert.deepEqual(allowed.map((d) => [d.allowed, d.remaining]), [
    [true, 4],
    [true, 3],
    [true, 2],
    [true, 1],
    [true, 0],
  ]);
  assert.deepEqual(rateLimitHeaders(allowed[0]), {
    "RateLimit-Limit": "5",
    "RateLimit-Remaining": "4",
    "RateLimit-Reset": "600",
    "RateLimit-Policy": "5;w=600",
  });

  t.clock.now += 100_500; // 499.5 s left
  const denied = await t.limiter.consume(videos, "ip:203.0.113.7");
  assert.equal(denied.allowed, false);
  assert.equal(denied.remaining, 0);
  assert.equal(denied.retryAfterSeconds, 500);
  assert.deepEqual(rateLimitHeaders(denied), {
    "RateLimit-Limit": "5",
    "RateLimit-Remaining": "0",
    "RateLimit-Reset": "500",
    "RateLimit-Policy": "5;w=600",
    "Retry-After": "500",
  });

  const error = rateLimitError(denied);
  assert.ok(error instanceof KilnError);
  assert.equal(error.kind, "rate_limited");
  assert.equal(error.code, "rate_limited");
  assert.equal(error.retryAfterSeconds, 500);
  assert.equal(error.headers?.["Retry-After"], "500");
  assert.equal(error.headers?.["RateLimit-Policy"], "5;w=600");
});

Deno.test("a fixed window resets in the next window", async () => {
  await using t = await setup(6_000_000);
  for (const _ of range(5)) assert.equal((await t.limiter.consume(videos, "k")).allowed, true);
  t.clock.now += 599_999;
  assert.equal((await t.limiter.consume(videos, "k")).allowed, false);
  t.clock.now += 1; // the next window begins
  const fresh = await t.limiter.consume(videos, "k");
  assert.equal(fresh.allowed, true);
  assert.equal(fresh.remaining, 4);
  assert.equal(fresh.resetSeconds, 600);
});

Deno.test("denied requests do not use up quota, and a cost counts as several units", async () => {
  await using t = await setup(6_000_000);
  assert.equal((await t.limiter.consume(videos, "k", 3)).remaining, 2);
  const tooBig = await t.limiter.consume(videos, "k", 3);
  assert.equal(tooBig.allowed, false);
  assert.equal(tooBig.remaining, 2);
  assert.equal((await t.limiter.consume(videos, "k", 2)).allowed, true);
  assert.equal((await t.limiter.consume(videos, "k")).allowed, false);
});

Deno.test("a token bucket starts full, empties, and refills in proportion to elapsed time", async () => {
  await using t = await setup();
  for (const i of range(10)) {
    const decision = await t.limiter.consume(api, "user:42");
    assert.equal(decision.allowed, true);
    assert.equal(decision.remaining, 9 - i);
  }
  const empty = await t.limiter.consume(api, "user:42");
  assert.equal(empty.allowed, false);
  assert.equal(empty.remaining, 0);
  assert.equal(empty.retryAfterSeconds, 6); // 10 per minute: one token every 6 s
  assert.equal(empty.resetSeconds, 60); // an empty bucket is full again after a minute
  assert.equal(rateLimitHeaders(empty)["RateLimit-Policy"], "10;w=60");
  assert.equal(rateLimitHeaders(empty)["Retry-After"], "6");

  t.clock.now += 3_000; // half a token
  assert.equal((await t.limiter.consume(api, "user:42")).allowed, false);
  t.clock.now += 3_000; // one token
  const one = await t.limiter.consume(api, "user:42");
  assert.equal(one.allowed, true);
  assert.equal(one.remaining, 0);

  t.clock.now += 30_000; // five tokens
  const five: boolean[] = [];
  for (const _ of range(6)) five.push((await t.limiter.consume(api, "user:42")).allowed);
  assert.deepEqual(five, [true, true, true, true, true, false]);

  t.clock.now += 3_600_000; // refills to capacity, never beyond
  const full = await t.limiter.consume(api, "user:42");
  assert.equal(full.allowed, true);
  assert.equal(full.remaining, 9);
});

Deno.test("a clock that goes backwards neither refills nor breaks a bucket", async () => {
  await using t = await setup();
  for (const _ of range(10)) await t.limiter.consume(api, "k");
  t.clock.now -= 60_000;
  assert.equal((await t.limiter.consume(api, "k")).allowed, false);
});

const contended: RateLimitRule[] = [{ ...videos, limit: 10 }, api];
for (const rule of contended) {
  Deno.test(`100 concurrent consumes on a ${rule.algorithm} of 10 allow exactly 10`, async () => {
    await using t = await setup(6_000_000);
    const limit = 10;
    const decisions = await Promise.all(range(100).map(() => t.limiter.consume(rule, "ip:198.51.100.9")));
    assert.equal(decisions.filter((d) => d.allowed).length, limit);
    assert.equal((await t.limiter.consume(rule, "ip:198.51.100.9")).allowed, false);
  });
}

Deno.test("no lost updates under contention: 100 concurrent consumes on a limit of 1000 all count", async () => {
  await using t = await setup(6_000_000);
  const rule: RateLimitRule = { name: "big", algorithm: "fixed_window", limit: 1000, windowMs: 600_000 };
  const decisions = await Promise.all(range(100).map(() => t.limiter.consume(rule, "k")));
  assert.equal(decisions.filter((d) => d.allowed).length, 100);
  assert.equal((await t.limiter.consume(rule, "k")).remaining, 899);
});

Deno.test("keys and rules are isolated from each other", async () => {
  await using t = await setup(6_000_000);
  for (const _ of range(5)) await t.limiter.consume(videos, "ip:203.0.113.7");
  assert.equal((await t.limiter.consume(videos, "ip:203.0.113.7")).allowed, false);
  assert.equal((await t.limiter.consume(videos, "ip:203.0.113.8")).remaining, 4);
  assert.equal((await t.limiter.consume(videos, "user:203.0.113.7")).remaining, 4);
  assert.equal((await t.limiter.consume({ ...videos, name: "other" }, "ip:203.0.113.7")).remaining, 4);
  // Over-long keys are hashed, still one counter per distinct key.
  const long = "x".repeat(5000);
  assert.equal((await t.limiter.consume(videos, long)).remaining, 4);
  assert.equal((await t.limiter.consume(videos, long)).remaining, 3);
  assert.equal((await t.limiter.consume(videos, `${long}y`)).remaining, 4);
});

Deno.test("records live at [ratelimit, rule, key] plus the window index for fixed windows", async () => {
  await using t = await setup(6_000_000);
  await t.limiter.consume(videos, "k");
  await t.limiter.consume(api, "k");
  const keys: Deno.KvKey[] = [];
  for await (const entry of t.kv.list({ prefix: ["ratelimit"] })) keys.push(entry.key);
  assert.deepEqual(keys, [["ratelimit", "api", "k"], ["ratelimit", "video", "k", 10]]);
});

Deno.test("bad rules and costs are programming errors", async () => {
  await using t = await setup();
  await assert.rejects(() => t.limiter.consume({ ...videos, limit: 0 }, "k"), RangeError);
  await assert.rejects(() => t.limiter.consume({ ...api, refillPerMinute: -1 }, "k"), RangeError);
  await assert.rejects(() => t.limiter.consume(videos, "k", -1), RangeError);
});

import assert from "node:assert/strict";
import { openTestStore } from "../support/backend.ts";
import { KilnError } from "../../lib/errors.ts";
import {
  createIdempotencyStore,
  fingerprintRequest,
  type IdempotencyEvent,
  type IdempotencyOptions,
  type StoredResponse,
  validateIdempotencyKey,
} from "../../lib/http/idempotency.ts";
import { silentLogger } from "../../lib/log.ts";

const scope = "user:42 POST /v1/vend-token";

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => resolve = r);
  return { promise, resolve };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function json(status: number, value: unknown): StoredResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

/** A store of the backend under test, a store with a hand-moved clock, and a log of the store's events. */
async function setup(options: Omit<IdempotencyOptions, "now" | "logger"> = {}) {
  const backing = await openTestStore();
  const { kv } = backing;
  const clock = { now: 1_700_000_000_000 };
  const events: IdempotencyEvent[] = [];
  const listeners: Array<(event: IdempotencyEvent) => void> = [];
  const store = createIdempotencyStore(kv, {
    ...options,
    now: () => clock.now,
    logger: silentLogger,
    onEvent: (event) => {
      events.push(event);
      for (const listener of listeners) listener(event);
    },
  });
  /** Resolves once `event` has been seen `count` times in total. */
  const seen = (event: IdempotencyEvent, count = 1) => {
    const done = deferred();
    const check = () => {
      if (events.filter((e) => e === event).length >= count) done.resolve();
    };
    listeners.push(check);
    check();
    return done.promise;
  };
  return {
    kv,
    clock,
    store,
    events,
    seen,
    [Symbol.asyncDispose]: () => backing.close(),
  };
}

async function rejectsWith(promise: Promise<unknown>, kind: string, code: string): Promise<KilnError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof KilnError, `expected a KilnError, got ${error}`);
    assert.equal(error.kind, kind);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected KilnError ${code}`);
}

Deno.test("a repeated key replays the stored response and executes once", async () => {
  await using t = await setup();
  let calls = 0;
  const execute = () => Promise.resolve(json(201, { order: ++calls }));
  const first = await t.store.run(scope, "key-1", "fp", execute);
  const second = await t.store.run(scope, "key-1", "fp", execute);
  assert.equal(calls, 1);
  assert.deepEqual(first, { response: json(201, { order: 1 }), replayed: false });
  assert.deepEqual(second, { response: json(201, { order: 1 }), replayed: true });
});

Deno.test("20 concurrent duplicates: one execution, the other 19 wait and get the same response", async () => {
  await using t = await setup();
  let calls = 0;
  const release = deferred();
  const results = Promise.all(
    range(20).map(() =>
      t.store.run(scope, "key-1", "fp", async () => {
        calls++;
        await release.promise;
        return json(200, { token: "t-1" });
      })
    ),
  );
  await t.seen("waiting", 19); // every duplicate is parked on kv.watch while the original runs
  release.resolve();
  const settled = await results;
  assert.equal(calls, 1);
  for (const result of settled) assert.deepEqual(result.response, json(200, { token: "t-1" }));
  assert.equal(settled.filter((r) => r.replayed).length, 19);
});

Deno.test("a duplicate arriving while the original runs waits for it and replays", async () => {
  await using t = await setup();
  const entered = deferred();
  const release = deferred();
  const original = t.store.run(scope, "key-1", "fp", async () => {
    entered.resolve();
    await release.promise;
    return json(200, { ok: 1 });
  });
  await entered.promise;
  let ran = false;
  const duplicate = t.store.run(scope, "key-1", "fp", () => {
    ran = true;
    return Promise.resolve(json(200, { ok: 2 }));
  });
  await t.seen("waiting");
  release.resolve();
  assert.deepEqual(await duplicate, { response: json(200, { ok: 1 }), replayed: true });
  assert.deepEqual((await original).replayed, false);
  assert.equal(ran, false);
});

Deno.test("a duplicate that waits longer than waitMs gets 409 idempotency_in_progress", async () => {
  await using t = await setup({ waitMs: 20 });
  const entered = deferred();
  const release = deferred();
  const original = t.store.run(scope, "key-1", "fp", async () => {
    entered.resolve();
    await release.promise;
    return json(200, {});
  });
  await entered.promise;
  const error = await rejectsWith(
    t.store.run(scope, "key-1", "fp", () => Promise.resolve(json(200, {}))),
    "conflict",
    "idempotency_in_progress",
  );
  assert.equal(error.retryAfterSeconds, 1);
  release.resolve();
  await original;
});

Deno.test("the same key with a different request is rejected with 422, finished or running", async () => {
  await using t = await setup();
  await t.store.run(scope, "key-1", "fp-a", () => Promise.resolve(json(200, {})));
  await rejectsWith(
    t.store.run(scope, "key-1", "fp-b", () => Promise.resolve(json(200, {}))),
    "invalid",
    "idempotency_key_reused",
  );

  const entered = deferred();
  const release = deferred();
  const running = t.store.run(scope, "key-2", "fp-a", async () => {
    entered.resolve();
    await release.promise;
    return json(200, {});
  });
  await entered.promise;
  await rejectsWith(
    t.store.run(scope, "key-2", "fp-b", () => Promise.resolve(json(200, {}))),
    "invalid",
    "idempotency_key_reused",
  );
  release.resolve();
  await running;
});

Deno.test("5xx and 429 responses are not stored: the next attempt executes again", async () => {
  await using t = await setup();
  for (const status of [503, 500, 429]) {
    let calls = 0;
    const key = `key-${status}`;
    const first = await t.store.run(
      scope,
      key,
      "fp",
      () => Promise.resolve(json(status, { calls: ++calls })),
    );
    assert.deepEqual(first, { response: json(status, { calls: 1 }), replayed: false });
    const second = await t.store.run(scope, key, "fp", () => Promise.resolve(json(201, { calls: ++calls })));
    assert.deepEqual(second, { response: json(201, { calls: 2 }), replayed: false });
    assert.equal((await t.store.run(scope, key, "fp", () => Promise.resolve(json(201, {})))).replayed, true);
  }
});

Deno.test("4xx outcomes are stored like successes (the request was decided)", async () => {
  await using t = await setup();
  let calls = 0;
  const execute = () => Promise.resolve(json(402, { code: "insufficient_credits", calls: ++calls }));
  await t.store.run(scope, "key-1", "fp", execute);
  const again = await t.store.run(scope, "key-1", "fp", execute);
  assert.equal(calls, 1);
  assert.equal(again.replayed, true);
  assert.equal(again.response.status, 402);
});

Deno.test("a thrown error is rethrown and releases the key for a retry", async () => {
  await using t = await setup();
  await assert.rejects(
    () => t.store.run(scope, "key-1", "fp", () => Promise.reject(new Error("upstream down"))),
    /upstream down/,
  );
  const retry = await t.store.run(scope, "key-1", "fp", () => Promise.resolve(json(200, { ok: true })));
  assert.equal(retry.replayed, false);
  const keys: Deno.KvKey[] = [];
  for await (const entry of t.kv.list({ prefix: ["idempotency"] })) keys.push(entry.key);
  assert.deepEqual(keys, [["idempotency", scope, "key-1"]]);
});

Deno.test("a malformed handler result is an error, not a stored response", async () => {
  await using t = await setup();
  await assert.rejects(
    () =>
      t.store.run(
        scope,
        "key-1",
        "fp",
        () => Promise.resolve({ status: 200, headers: {}, body: {} } as never),
      ),
    TypeError,
  );
  assert.equal(
    (await t.store.run(scope, "key-1", "fp", () => Promise.resolve(json(200, {})))).replayed,
    false,
  );
});

Deno.test("scopes isolate principals: the same key from two users runs twice, each sees only its own", async () => {
  await using t = await setup();
  const alice = "user:alice POST /v1/orders";
  const bob = "user:bob POST /v1/orders";
  let calls = 0;
  const a = await t.store.run(
    alice,
    "shared-key",
    "fp",
    () => Promise.resolve(json(201, { owner: "alice", n: ++calls })),
  );
  const b = await t.store.run(
    bob,
    "shared-key",
    "fp",
    () => Promise.resolve(json(201, { owner: "bob", n: ++calls })),
  );
  assert.equal(calls, 2);
  assert.equal(a.replayed || b.replayed, false);
  assert.deepEqual(
    (await t.store.run(alice, "shared-key", "fp", () => Promise.reject(new Error()))).response,
    a.response,
  );
  assert.deepEqual(
    (await t.store.run(bob, "shared-key", "fp", () => Promise.reject(new Error()))).response,
    b.response,
  );
  // A different fingerprint under another scope is not a "reuse" either.
  const c = await t.store.run(
    "ip:198.51.100.9 POST /v1/orders",
    "shared-key",
    "other",
    () => Promise.resolve(json(201, {})),
  );
  assert.equal(c.replayed, false);
});

Deno.test("a running record abandoned by a dead process is taken over after the stale limit", async () => {
  await using t = await setup({ staleMs: 30_000 });
  const abandoned = {
    state: "running",
    fingerprint: "fp",
    runId: "dead-process",
    startedAt: t.clock.now - 31_000,
    heartbeatAt: t.clock.now - 31_000,
  };
  await t.kv.set(["idempotency", scope, "key-1"], abandoned);
  const result = await t.store.run(scope, "key-1", "fp", () => Promise.resolve(json(201, { ok: 1 })));
  assert.deepEqual(result, { response: json(201, { ok: 1 }), replayed: false });
  assert.deepEqual(t.events, ["takeover"]);
  assert.equal(
    (await t.store.run(scope, "key-1", "fp", () => Promise.resolve(json(500, {})))).replayed,
    true,
  );
});

Deno.test("a recent running record is not taken over (the duplicate waits instead)", async () => {
  await using t = await setup({ staleMs: 30_000, waitMs: 10 });
  await t.kv.set(["idempotency", scope, "key-1"], {
    state: "running",
    fingerprint: "fp",
    runId: "alive",
    startedAt: t.clock.now - 29_000,
    heartbeatAt: t.clock.now - 29_000,
  });
  let ran = false;
  await rejectsWith(
    t.store.run(scope, "key-1", "fp", () => {
      ran = true;
      return Promise.resolve(json(200, {}));
    }),
    "conflict",
    "idempotency_in_progress",
  );
  assert.equal(ran, false);
});

Deno.test("a live owner's heartbeat keeps a slow handler from being taken over", async () => {
  await using t = await setup({ staleMs: 30 }); // heartbeat every 10 ms of real time
  const entered = deferred();
  const release = deferred();
  let calls = 0;
  const original = t.store.run(scope, "key-1", "fp", async () => {
    calls++;
    entered.resolve();
    await release.promise;
    return json(200, { ok: 1 });
  });
  await entered.promise;
  // Long past the stale limit on the injected clock; only a heartbeat can make the record fresh.
  t.clock.now += 60_000;
  const stream = t.kv.watch([["idempotency", scope, "key-1"]]).getReader();
  const initial = (await stream.read()).value![0].versionstamp;
  while ((await stream.read()).value![0].versionstamp === initial) { /* wait for the next heartbeat */ }
  await stream.cancel();

  const duplicate = t.store.run(scope, "key-1", "fp", () => Promise.resolve(json(200, { ok: 2 })));
  await t.seen("waiting");
  release.resolve();
  assert.deepEqual(await duplicate, { response: json(200, { ok: 1 }), replayed: true });
  await original;
  assert.equal(calls, 1);
  assert.ok(!t.events.includes("takeover"));
});

Deno.test("a finished record expires after the TTL and the key can be used again", async () => {
  await using t = await setup({ ttlMs: 60_000 });
  let calls = 0;
  const execute = () => Promise.resolve(json(201, { n: ++calls }));
  await t.store.run(scope, "key-1", "fp", execute);
  t.clock.now += 59_999;
  assert.equal((await t.store.run(scope, "key-1", "fp", execute)).replayed, true);
  t.clock.now += 1;
  const fresh = await t.store.run(scope, "key-1", "other-request", execute);
  assert.deepEqual(fresh, { response: json(201, { n: 2 }), replayed: false });
});

Deno.test("a large response is stored in chunks and replayed byte for byte", async () => {
  await using t = await setup();
  const body = JSON.stringify({ text: "é€😀".repeat(30_000) + "x".repeat(100_000) }); // ≈ 370 KiB of UTF-8
  const response = { status: 201, headers: { "content-type": "application/json", "x-extra": "1" }, body };
  let calls = 0;
  const execute = () => {
    calls++;
    return Promise.resolve(response);
  };
  assert.deepEqual(await t.store.run(scope, "key-1", "fp", execute), { response, replayed: false });
  assert.deepEqual(await t.store.run(scope, "key-1", "fp", execute), { response, replayed: true });
  assert.equal(calls, 1);
  let chunks = 0;
  for await (const entry of t.kv.list({ prefix: ["idempotency", scope, "key-1"] })) {
    if (entry.key.length === 5) {
      chunks++;
      assert.ok((entry.value as Uint8Array).length <= 60 * 1024);
    }
  }
  assert.ok(chunks >= 6, `expected ≥ 6 chunks, got ${chunks}`);

  // After expiry the key is reused and the old chunks are removed with the old record.
  t.clock.now += 25 * 60 * 60 * 1000;
  await t.store.run(scope, "key-1", "fp", () => Promise.resolve(json(200, { small: true })));
  const left: Deno.KvKey[] = [];
  for await (const entry of t.kv.list({ prefix: ["idempotency", scope, "key-1"] })) left.push(entry.key);
  assert.deepEqual(left, []);
  const record = await t.kv.get(["idempotency", scope, "key-1"]);
  assert.equal((record.value as { state: string }).state, "done");
});

Deno.test("a response above maxResponseBytes is returned once, then refused (never executed twice)", async () => {
  await using t = await setup({ maxResponseBytes: 100 * 1024 });
  const response = { status: 200, headers: {}, body: "y".repeat(150 * 1024) };
  let calls = 0;
  const execute = () => {
    calls++;
    return Promise.resolve(response);
  };
  assert.deepEqual(await t.store.run(scope, "key-1", "fp", execute), { response, replayed: false });
  const error = await rejectsWith(
    t.store.run(scope, "key-1", "fp", execute),
    "conflict",
    "idempotency_response_not_stored",
  );
  assert.equal(error.details?.originalStatus, 200);
  assert.equal(calls, 1);
});

Deno.test("validateIdempotencyKey accepts 1–255 visible ASCII characters", () => {
  assert.equal(validateIdempotencyKey(null), undefined);
  assert.equal(
    validateIdempotencyKey("8e03978e-40d5-43e8-bc93-6894a57f9324"),
    "8e03978e-40d5-43e8-bc93-6894a57f9324",
  );
  assert.equal(validateIdempotencyKey("a"), "a");
  assert.equal(validateIdempotencyKey("~".repeat(255)), "~".repeat(255));
  for (const bad of ["", " ", "has space", "x".repeat(256), "tab\there", "ünïcode", "new\nline", "\x7f"]) {
    assert.throws(
      () => validateIdempotencyKey(bad),
      (error: unknown) =>
        error instanceof KilnError && error.kind === "malformed" && error.code === "invalid_idempotency_key",
      JSON.stringify(bad),
    );
  }
});

Deno.test("run() refuses an invalid key as a KilnError", async () => {
  await using t = await setup();
  await rejectsWith(
    t.store.run(scope, "bad key", "fp", () => Promise.resolve(json(200, {}))),
    "malformed",
    "invalid_idempotency_key",
  );
});

Deno.test("fingerprintRequest is a SHA-256 hex over method, path and body, unambiguously framed", async () => {
  const a = await fingerprintRequest("POST", "/v1/orders", '{"n":1}');
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(await fingerprintRequest("post", "/v1/orders", '{"n":1}'), a);
  const others = await Promise.all([
    fingerprintRequest("PUT", "/v1/orders", '{"n":1}'),
    fingerprintRequest("POST", "/v1/orders/", '{"n":1}'),
    fingerprintRequest("POST", "/v1/orders", '{"n":2}'),
    fingerprintRequest("POST", "/v1/orders\n", '{"n":1}'),
    fingerprintRequest("POST", "/v1/orders", '\n{"n":1}'),
  ]);
  assert.equal(new Set([a, ...others]).size, 6);
});

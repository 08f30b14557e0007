/**
 * The `KvStore` contract: what every module relies on from storage. Runs on the backend under test
 * (`deno task test`: Deno KV; `deno task test:postgres`: PostgreSQL), so both must pass the same
 * assertions — Deno KV is the reference behaviour the Postgres store copies.
 */
import assert from "node:assert/strict";
import { openTestStore, testBackend, type TestStore } from "../support/backend.ts";
import { waitFor } from "../support/wait.ts";

async function withStore(fn: (store: TestStore) => Promise<void>): Promise<void> {
  const store = await openTestStore();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

async function keys(iterator: AsyncIterable<Deno.KvEntry<unknown>>): Promise<Deno.KvKey[]> {
  const out: Deno.KvKey[] = [];
  for await (const entry of iterator) out.push(entry.key);
  return out;
}

Deno.test("get/set/delete round-trip structured values; versionstamps grow; missing keys are null", () =>
  withStore(async ({ kv }) => {
    const value = {
      text: "héllo",
      when: new Date(1_700_000_000_000),
      bytes: new Uint8Array([0, 1, 255]),
      map: new Map([["a", 1]]),
      nested: { list: [1, null, "x"], big: 12n },
    };
    const first = await kv.set(["thing", 1], value);
    const second = await kv.set(["thing", 2], "two");
    assert.ok(first.ok && second.ok);
    assert.ok(second.versionstamp > first.versionstamp, "later commits have larger versionstamps");
    const got = await kv.get(["thing", 1]);
    assert.deepEqual(got.value, value);
    assert.equal(got.versionstamp, first.versionstamp);
    assert.deepEqual(await kv.getMany([["thing", 2], ["missing"]]), [
      { key: ["thing", 2], value: "two", versionstamp: second.versionstamp },
      { key: ["missing"], value: null, versionstamp: null },
    ]);
    await kv.delete(["thing", 1]);
    assert.equal((await kv.get(["thing", 1])).value, null);
    await assert.rejects(
      () => kv.set(["huge"], "x".repeat(70_000)),
      TypeError,
      "values over 64 KiB are refused",
    );
  }));

Deno.test("atomic checks: a stale or absent-expected check fails the whole commit; N racers, one winner", () =>
  withStore(async ({ kv }) => {
    const created = await kv.atomic().check({ key: ["slot"], versionstamp: null }).set(["slot"], 1).commit();
    assert.ok(created.ok);
    const again = await kv.atomic().check({ key: ["slot"], versionstamp: null }).set(["slot"], 2).commit();
    assert.equal(again.ok, false, "the key exists now");
    if (!created.ok) return;
    await kv.set(["slot"], 2);
    const stale = await kv.atomic()
      .check({ key: ["slot"], versionstamp: created.versionstamp })
      .set(["slot"], 3).set(["other"], 3).commit();
    assert.equal(stale.ok, false);
    assert.equal((await kv.get(["other"])).value, null, "nothing of a failed commit is written");

    const current = await kv.get<number>(["slot"]);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => kv.atomic().check(current).set(["slot"], 100 + i).commit()),
    );
    assert.equal(results.filter((result) => result.ok).length, 1, "exactly one racer commits");
  }));

Deno.test("keys order like Deno KV: bytes < strings < bigints < numbers < booleans; negatives first", () =>
  withStore(async ({ kv }) => {
    const parts: Deno.KvKeyPart[] = [
      true,
      2.5,
      -1,
      10,
      false,
      "b",
      "a",
      new Uint8Array([1]),
      5n,
      -3n,
      "a\0b",
    ];
    for (const part of parts) await kv.set(["order", part], String(part));
    assert.deepEqual((await keys(kv.list({ prefix: ["order"] }))).map((key) => key[1]), [
      new Uint8Array([1]),
      "a",
      "a\0b",
      "b",
      -3n,
      5n,
      -1,
      2.5,
      10,
      false,
      true,
    ]);
  }));

Deno.test("list: prefix excludes itself; start/end, reverse, limit and cursor paging; bad cursor is a TypeError", () =>
  withStore(async ({ kv }) => {
    await kv.set(["p"], "the prefix itself");
    for (let i = 0; i < 7; i++) await kv.set(["p", i], i);
    await kv.set(["q", 0], "elsewhere");
    assert.deepEqual(await keys(kv.list({ prefix: ["p"] })), [0, 1, 2, 3, 4, 5, 6].map((i) => ["p", i]));
    assert.deepEqual(await keys(kv.list({ start: ["p", 2], end: ["p", 5] })), [["p", 2], ["p", 3], ["p", 4]]);
    assert.deepEqual(await keys(kv.list({ prefix: ["p"], start: ["p", 5] })), [["p", 5], ["p", 6]]);

    const pages: Deno.KvKey[][] = [];
    let cursor: string | undefined;
    do {
      const iterator = kv.list({ prefix: ["p"] }, { reverse: true, limit: 3, cursor });
      const page = await keys(iterator);
      pages.push(page);
      cursor = page.length === 3 ? iterator.cursor : undefined;
    } while (cursor);
    assert.deepEqual(pages, [
      [["p", 6], ["p", 5], ["p", 4]],
      [["p", 3], ["p", 2], ["p", 1]],
      [["p", 0]],
    ]);
    await assert.rejects(() => keys(kv.list({ prefix: ["p"] }, { cursor: "garbage" })), TypeError);
  }));

Deno.test("expireIn: an entry lives at least that long; Postgres hides it right after (KV deletes lazily)", () =>
  withStore(async ({ kv }) => {
    await kv.set(["short"], "soon gone", { expireIn: 50 });
    await kv.set(["long"], "stays", { expireIn: 60_000 });
    assert.equal((await kv.get(["long"])).value, "stays");
    if (testBackend !== "postgres") return; // Deno KV only promises "not before"; its sweep is periodic
    await waitFor("the entry to expire", async () => (await kv.get(["short"])).value === null);
    const recreated = await kv.atomic().check({ key: ["short"], versionstamp: null }).set(["short"], 2)
      .commit();
    assert.ok(recreated.ok, "an expired entry counts as absent for checks");
  }));

Deno.test("sum/min/max on KvU64 values, wrapping at 2^64", () =>
  withStore(async ({ kv }) => {
    await kv.atomic().sum(["n"], 5n).sum(["n"], 7n).commit();
    assert.equal((await kv.get<Deno.KvU64>(["n"])).value?.value, 12n);
    await kv.atomic().min(["n"], 3n).commit();
    assert.equal((await kv.get<Deno.KvU64>(["n"])).value?.value, 3n);
    await kv.atomic().max(["n"], 40n).commit();
    assert.equal((await kv.get<Deno.KvU64>(["n"])).value?.value, 40n);
    await kv.set(["wrap"], new Deno.KvU64(2n ** 64n - 1n));
    await kv.atomic().sum(["wrap"], 2n).commit();
    assert.equal((await kv.get<Deno.KvU64>(["wrap"])).value?.value, 1n);
    await kv.set(["text"], "not a number");
    await assert.rejects(() => kv.atomic().sum(["text"], 1n).commit());
  }));

Deno.test("watch: the current values first, then every change of any watched key", () =>
  withStore(async ({ kv }) => {
    const reader = kv.watch([["w", 1], ["w", 2]]).getReader();
    try {
      const first = await reader.read();
      assert.deepEqual(first.value?.map((entry) => entry.value), [null, null]);
      await kv.set(["w", 2], "b");
      const second = await reader.read();
      assert.deepEqual(second.value?.map((entry) => entry.value), [null, "b"]);
      await kv.set(["unwatched"], 1);
      await kv.set(["w", 1], "a");
      const third = await reader.read();
      assert.deepEqual(third.value?.map((entry) => entry.value), ["a", "b"]);
    } finally {
      await reader.cancel();
    }
  }));

Deno.test("the queue delivers each message once, committed with its atomic; a delayed one not early", async () => {
  const { kv, close } = await openTestStore();
  const received: Array<{ n: number; at: number }> = [];
  const listening = kv.listenQueue((message) => {
    received.push({ ...(message as { n: number }), at: Date.now() });
  });
  try {
    const failed = await kv.atomic().check({ key: ["never"], versionstamp: "ffffffffffffffffffff" })
      .enqueue({ n: 0 }).commit();
    assert.equal(failed.ok, false);
    for (let n = 1; n <= 20; n++) await kv.atomic().set(["sent", n], true).enqueue({ n }).commit();
    const delayedAt = Date.now();
    await kv.enqueue({ n: 99 }, { delay: 300 });
    await waitFor("21 messages", () => received.length === 21, 5_000);
    const numbers = received.map((message) => message.n).sort((a, b) => a - b);
    assert.deepEqual(numbers, [...Array.from({ length: 20 }, (_, i) => i + 1), 99]);
    assert.ok(received.find((message) => message.n === 99)!.at - delayedAt >= 290, "not delivered early");
  } finally {
    await close();
    await listening; // settles once the store is closed
  }
});

import assert from "node:assert/strict";
import { withGroupCommit } from "../../lib/store/kv_group_commit.ts";
import type { KvStore } from "../../lib/store/types.ts";

/** A grouped store over a KV that counts the commits that reach it. */
async function countedStore(): Promise<{ kv: KvStore; commits: () => number } & Disposable> {
  const raw = await Deno.openKv(":memory:");
  let commits = 0;
  const atomic = raw.atomic.bind(raw);
  raw.atomic = () => {
    const operation = atomic();
    const commit = operation.commit.bind(operation);
    operation.commit = () => {
      commits++;
      return commit();
    };
    return operation;
  };
  return { kv: withGroupCommit(raw), commits: () => commits, [Symbol.dispose]: () => raw.close() };
}

Deno.test("concurrent commits on different keys share one KV commit and one versionstamp", async () => {
  using store = await countedStore();
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => store.kv.atomic().set(["item", i], { i }).commit()),
  );
  assert.ok(results.every((result) => result.ok));
  assert.ok(store.commits() <= 2, `20 commits reached KV as ${store.commits()}`);
  const entries = await Promise.all(Array.from({ length: 20 }, (_, i) => store.kv.get(["item", i])));
  assert.deepEqual(entries.map((entry) => entry.value), Array.from({ length: 20 }, (_, i) => ({ i })));
  const stamps = new Set(entries.slice(1).map((entry) => entry.versionstamp));
  assert.ok(stamps.size <= 1, "the grouped writes share the group's versionstamp");
  for (const [i, result] of results.entries()) {
    if (result.ok) assert.equal(result.versionstamp, entries[i].versionstamp);
  }
});

Deno.test("a stale check fails only its own commit; the rest of its group commits", async () => {
  using store = await countedStore();
  await store.kv.set(["hot"], 1);
  const stale = await store.kv.get(["hot"]);
  await store.kv.set(["hot"], 2);
  const [first, loser, last] = await Promise.all([
    store.kv.atomic().set(["a"], "a").commit(),
    store.kv.atomic().check(stale).set(["hot"], 3).set(["b"], "b").commit(),
    store.kv.atomic().set(["c"], "c").commit(),
  ]);
  assert.equal(first.ok, true);
  assert.equal(loser.ok, false);
  assert.equal(last.ok, true);
  assert.equal((await store.kv.get(["hot"])).value, 2);
  assert.equal((await store.kv.get(["b"])).value, null, "the failed commit wrote nothing");
  assert.deepEqual((await store.kv.getMany([["a"], ["c"]])).map((entry) => entry.value), ["a", "c"]);
});

Deno.test("commits touching the same key are never grouped: racing version checks keep one winner", async () => {
  using store = await countedStore();
  await store.kv.set(["counter"], 0);
  const start = await store.kv.get<number>(["counter"]);
  const results = await Promise.all(
    Array.from({ length: 10 }, () => store.kv.atomic().check(start).set(["counter"], 1).commit()),
  );
  assert.equal(results.filter((result) => result.ok).length, 1);
  const creators = await Promise.all(
    Array.from(
      { length: 10 },
      (_, i) => store.kv.atomic().check({ key: ["once"], versionstamp: null }).set(["once"], i).commit(),
    ),
  );
  assert.equal(creators.filter((result) => result.ok).length, 1);
});

Deno.test("errors stay with their own commit; values are stored as they were at the call", async () => {
  using store = await countedStore();
  assert.throws(
    () => store.kv.atomic().set(["fn"], () => 1),
    "an uncloneable value throws at the call, as on KV",
  );
  const record = { status: "queued" };
  const [tooBig, fine] = await Promise.allSettled([
    store.kv.atomic().set(["big"], "x".repeat(70_000)).commit(),
    (() => {
      const commit = store.kv.atomic().set(["record"], record).enqueue({ wake: 1 }).commit();
      record.status = "changed after the call"; // KV serialises at set(): this must not be stored
      return commit;
    })(),
  ]);
  assert.equal(tooBig.status, "rejected");
  assert.equal(fine.status, "fulfilled");
  assert.deepEqual((await store.kv.get(["record"])).value, { status: "queued" });
  const sums = await Promise.all([1n, 2n, 3n].map((n) => store.kv.atomic().sum(["total"], n).commit()));
  assert.ok(sums.every((result) => result.ok));
  assert.equal((await store.kv.get<Deno.KvU64>(["total"])).value?.value, 6n);
});
